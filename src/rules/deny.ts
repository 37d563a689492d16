import type { Denials } from "../facts/iam/index-grants";

/** Words shared by the rules that weigh the IAM deny policies --live read. */

/** "the IAM deny policy NAME (attached to X)", or "the IAM deny policies A, B". */
export function denyPoliciesText(denied: Denials["denied"]): string {
  const policies = [...new Set(denied.map((d) => d.policy))];
  if (policies.length > 1) return `the IAM deny policies ${policies.join(", ")}`;
  const at = denied[0].attachedTo;
  return `the IAM deny policy ${policies[0]}${at ? ` (attached to ${at})` : ""}`;
}
