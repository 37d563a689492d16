/**
 * The repository's own CDKTF app (see cdktf.json): the golden GKE platform, gated by the preflight.
 * `npx cdktf synth` (or `npx tsx stacks/main.ts`) fails if the platform would hit a GKE 4xx error.
 */
import { App } from "cdktf";
import { GkePreflight } from "../src/cdktf";
import { GkePlatformStack } from "./platform";

const app = new App();
GkePreflight.of(app);
new GkePlatformStack(app, "gke-platform", { project: "acme-platform-prod", region: "europe-west1" });
app.synth();
