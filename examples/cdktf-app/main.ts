import { App } from "cdktf";
// In your own project: import { GkePreflight } from "cdktf-gke-preflight";
import { GkePreflight } from "../../src/cdktf";
import { ExampleGkeStack } from "./stack";

const app = new App();
GkePreflight.of(app); // the one line: every stack's synth now fails on GKE 4xx causes
new ExampleGkeStack(app, "example-gke", { project: "my-project", region: "europe-west1", variant: "good" });
app.synth();
