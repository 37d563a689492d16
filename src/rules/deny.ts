import type { Identity } from "../iam/identity";
import { type Denials, type IamIndex, sameIdentity } from "../iam/index-grants";

/** Words and lists shared by the rules that weigh the IAM deny policies --live read. */

/** "the IAM deny policy NAME (attached to X)", or "the IAM deny policies A, B". */
export function denyPoliciesText(denied: Denials["denied"]): string {
  const policies = [...new Set(denied.map((d) => d.policy))];
  if (policies.length > 1) return `the IAM deny policies ${policies.join(", ")}`;
  const at = denied[0].attachedTo;
  return `the IAM deny policy ${policies[0]}${at ? ` (attached to ${at})` : ""}`;
}

/**
 * Of the permissions a deny rule takes away, those that no role the identity certainly holds on
 * the project would give even without the deny rule: for them a grant is missing too.
 * IamIndex.permissions() counts a denied permission as missing whatever is granted, so the
 * rules ask this to tell "granted, then denied" from "never granted". Looked at only when
 * something is denied (under --live), so the scan of the grants is rare.
 */
export function deniedAndUngranted(iam: IamIndex, identity: Identity, project: string, denied: readonly string[]): string[] {
  if (denied.length === 0) return [];
  const roles = new Set<string>();
  for (const g of iam.grants) {
    if (typeof g.role === "string" && g.project.key === project && sameIdentity(g.identity, identity) === "yes") roles.add(g.role);
  }
  const held = [...roles].filter((role) => iam.holdsRole(identity, project, role).holds === "yes");
  return denied.filter((permission) => !held.some((role) => iam.roleContains(role, permission) === true));
}
