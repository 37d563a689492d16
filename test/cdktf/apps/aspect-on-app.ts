/**
 * A user's mistake: the preflight added to the App with cdktf's own Aspects. cdktf never visits
 * App-level aspects, so without a guard this synth would pass silently with a failing stack.
 */
import { App, Aspects, TerraformStack } from "cdktf";
import { GkePreflight } from "../../../src/cdktf";
import { addGke } from "../fixtures";

const app = new App();
Aspects.of(app).add(new GkePreflight());
addGke(new TerraformStack(app, "gke"), { nodeRoles: ["roles/logging.logWriter"] });
app.synth();
