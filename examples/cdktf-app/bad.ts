import { App } from "cdktf";
// In your own project: import { GkePreflight } from "cdktf-gke-preflight";
import { GkePreflight } from "../../src/cdktf";
import { ExampleGkeStack } from "./stack";

// The same app with the bad variant: `npx cdktf synth --app "npx tsx bad.ts"` fails.
const app = new App();
GkePreflight.of(app);
new ExampleGkeStack(app, "example-gke", { project: "my-project", region: "europe-west1", variant: "bad" });
app.synth();
