/**
 * A platform whose nodes run as the Compute Engine default service account (GKE004, a warning)
 * in an existing project (GKE002 and GKE003 undecided), gated with the policy the environment
 * names in the CLI's words: PREFLIGHT_FAIL_ON, PREFLIGHT_UNKNOWN (unset: the defaults).
 */
import { App, TerraformStack } from "cdktf";
import { GkePreflight, type GkePreflightOptions } from "../../../src/cdktf";
import { addGke } from "../fixtures";

const options: GkePreflightOptions = {};
if (process.env.PREFLIGHT_FAIL_ON) options.failOn = process.env.PREFLIGHT_FAIL_ON as GkePreflightOptions["failOn"];
if (process.env.PREFLIGHT_UNKNOWN) options.unknown = process.env.PREFLIGHT_UNKNOWN as GkePreflightOptions["unknown"];

const app = new App();
GkePreflight.of(app, options);
const { cluster, pool } = addGke(new TerraformStack(app, "gke"), { apis: false });
cluster.addOverride("node_config.service_account", "default");
pool.addOverride("node_config.service_account", "default");
app.synth();
