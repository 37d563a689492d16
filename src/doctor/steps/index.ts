import type { DoctorFacts } from "../facts";
import type { DoctorStep } from "../types";
import { checkApiServer } from "./api-server";
import { checkCluster } from "./cluster";
import { checkCredentials } from "./credentials";
import { checkKubeconfig } from "./kubeconfig";
import { checkKubectl } from "./kubectl";
import { checkPermission } from "./permission";
import { checkPlugin } from "./plugin";
import { checkRecreation } from "./recreation";

/** The steps in the page's order: which cluster, credentials, kubeconfig and plugin, the API server, recreation. */
export const DOCTOR_STEPS: ReadonlyArray<(facts: DoctorFacts) => DoctorStep> = [
  checkCluster,
  checkCredentials,
  checkPermission,
  checkKubeconfig,
  checkPlugin,
  checkKubectl,
  checkApiServer,
  checkRecreation,
];

export function diagnose(facts: DoctorFacts): DoctorStep[] {
  return DOCTOR_STEPS.map((step) => step(facts));
}
