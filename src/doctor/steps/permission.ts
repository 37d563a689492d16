import { sh } from "../../text/shell";
import { knownRoles, permissionsOfRole, roleHasPermission } from "../../knowledge/roles";
import { CLUSTER_GET, type DoctorFacts } from "../facts";
import { isReadError, type DoctorStep } from "../types";
import { identityOf, memberOf, readProblem, verdict, type StepMeta } from "./common";

export const meta: StepMeta = { id: "permission", title: `The identity holds ${CLUSTER_GET} on the cluster's project`, pageRow: "403" };

/** Service agent roles hold it too, but are not granted to people. */
const NOT_FOR_PEOPLE = /serviceAgent$/;

/** Predefined roles that grant container.clusters.get, the smallest first (from the bundled role table). */
export function rolesGrantingClusterGet(): string[] {
  return knownRoles()
    .filter((role) => roleHasPermission(role, CLUSTER_GET) === true && !NOT_FOR_PEOPLE.test(role))
    .sort((a, b) => (permissionsOfRole(a)?.length ?? 0) - (permissionsOfRole(b)?.length ?? 0) || a.localeCompare(b));
}

/** `get-credentials` answers 403 `Required "container.clusters.get"` without it (the page's 403 row). */
export function checkPermission(facts: DoctorFacts): DoctorStep {
  const { project } = facts.target;
  const held = facts.heldPermissions;
  const who = identityOf(facts) ?? "the doctor's identity";
  if (held === undefined) return verdict(meta, "unknown", `${CLUSTER_GET} on ${project} not tested`, { reason: "no usable Google credentials (see the credentials step)" });
  if (isReadError(held)) return verdict(meta, "unknown", `${CLUSTER_GET} on ${project} not tested`, { reason: readProblem("testIamPermissions", held) });
  if (held.includes(CLUSTER_GET)) return verdict(meta, "pass", `${who} holds ${CLUSTER_GET} on project ${project}`);
  const roles = rolesGrantingClusterGet();
  const role = roles[0] ?? "roles/container.clusterViewer";
  return verdict(meta, "fail", `${who} lacks ${CLUSTER_GET} on project ${project}: get-credentials and every kubectl call fail for it`, {
    remediation: {
      summary: `Have a project admin grant a role that includes ${CLUSTER_GET} (${roles.slice(0, 4).join(", ")}, …), or run the commands as an account that has one (gcloud auth list shows them)`,
      commands: [sh`gcloud projects add-iam-policy-binding ${project} --member=${memberOf(identityOf(facts))} --role=${role}`, "gcloud auth list"],
    },
    details: { rolesThatGrantIt: roles },
  });
}
