import type { LiveBinding } from "./live";
import type { Unreadable } from "./live-view";

/**
 * Helpers for the rules that read live resource facts (GKE012–GKE016) through the live view:
 * the reason text of a read that failed, and whether a resource's own IAM policy grants a role.
 */

/** One line: what could not be read, and the permission the caller lacks when Google named it. */
export function unreadReason(what: string, read: Unreadable): string {
  return read.missingPermission ? `--live could not read ${what}: the caller lacks ${read.missingPermission}` : `--live could not read ${what}: ${read.unreadable}`;
}

export type LivePolicyAnswer = { holds: "yes"; how: string } | { holds: "no" } | { holds: "maybe"; reason: string };

/**
 * Whether a resource's IAM policy read live grants a member a role that `gives` what is needed:
 * "maybe" for a conditional binding, a role whose permissions are not known, or a member that
 * may be the one (its project number is not known).
 */
export function holdsInLivePolicy(policy: readonly LiveBinding[], isMember: (member: string) => "yes" | "no" | "maybe", gives: (role: string) => boolean | "unknown", where: string): LivePolicyAnswer {
  let maybe: string | undefined;
  for (const binding of policy) {
    const role = gives(binding.role);
    if (role === false) continue;
    const members = binding.members.map(isMember);
    if (!members.includes("yes") && !members.includes("maybe")) continue;
    if (role === true && members.includes("yes") && !binding.condition) return { holds: "yes", how: `${where} grants ${binding.role} (read live)` };
    maybe ??= binding.condition
      ? `${where} grants ${binding.role} only under the IAM condition ${JSON.stringify(binding.condition.title ?? binding.condition.expression)} (read live)`
      : role === "unknown"
        ? `${where} grants ${binding.role}, whose permissions are not known here (read live)`
        : `${where} grants ${binding.role} to a member that may be the one (read live; its project number is not known)`;
  }
  return maybe ? { holds: "maybe", reason: maybe } : { holds: "no" };
}
