import type { LiveDenyRule } from "../live";
import type { LiveView } from "../live-view";
import type { Denials } from "./grants";
import type { Identity } from "./identity";

/** The deny rules that may concern one identity on one project, or why they could not be read. */
export type DenyRulesRead = { rules: LiveDenyRule[] } | { unreadable: string };

/**
 * The deny rules read live that name the identity (or everyone) without excepting it, or why
 * they could not be read; undefined when there is nothing to weigh (offline, the project not
 * read, an identity without an email).
 */
export function denyRulesFor(live: LiveView, identity: Identity, project: string): DenyRulesRead | undefined {
  const read = live.denyRules(project);
  if (!read || ("unreadable" in read && read.whole)) return undefined;
  if (!("value" in read)) return { unreadable: `the IAM deny policies of ${project} could not be read: ${read.unreadable}` };
  if (!identity.email) return undefined;
  const principal = `principal://iam.googleapis.com/projects/-/serviceAccounts/${identity.email}`;
  const rules = read.value.filter((rule) =>
    (rule.deniedPrincipals.includes(principal) || rule.deniedPrincipals.includes("principalSet://goog/public:all")) && !rule.exceptionPrincipals.includes(principal),
  );
  return { rules };
}

/** Whether the deny rules read deny the permission: "yes", "no", or why it cannot be told. */
export function deniedBy(read: DenyRulesRead | undefined, permission: string): "yes" | "no" | { maybe: string } {
  if (read === undefined) return "no";
  if ("unreadable" in read) return { maybe: read.unreadable };
  const matching = read.rules.filter((rule) => deniesPermission(rule, permission));
  if (matching.some((rule) => !rule.condition)) return "yes";
  if (matching.length) return { maybe: conditionalDenial(matching[0], permission) };
  return "no";
}

/** See {@link IamIndex.denials}. */
export function denialsOf(read: DenyRulesRead | undefined, permissions: readonly string[], unlisted?: (permission: string) => boolean): Denials {
  const result: Denials = { denied: [], undetermined: [] };
  if (read === undefined) return result;
  if ("unreadable" in read) {
    for (const permission of permissions) result.undetermined.push({ permission, reason: read.unreadable });
    return result;
  }
  if (read.rules.length === 0) return result;
  for (const permission of permissions) {
    let conditional: LiveDenyRule | undefined;
    let firm: LiveDenyRule | undefined;
    for (const rule of read.rules) {
      if (!deniesPermission(rule, permission)) continue;
      if (!rule.condition) {
        firm = rule;
        break;
      }
      conditional ??= rule;
    }
    if (firm) result.denied.push({ permission, policy: firm.policy, ...(firm.attachedTo !== undefined && { attachedTo: firm.attachedTo }) });
    else if (conditional) result.undetermined.push({ permission, reason: conditionalDenial(conditional, permission) });
  }
  if (unlisted) {
    for (const rule of read.rules) {
      for (const pattern of rule.deniedPermissions) {
        const permission = shortPermission(pattern);
        if (!unlisted(permission) || rule.exceptionPermissions.some((p) => permissionMatches(p, permission))) continue;
        result.undetermined.push({ permission, reason: `the deny policy ${rule.policy} denies ${permission}${rule.condition ? ` under a condition (${rule.condition.expression})` : ""}, which may be one of the permissions needed: the list of them is incomplete` });
      }
    }
  }
  return result;
}

/** Whether a rule (already known to name the principal) denies this permission. */
function deniesPermission(rule: LiveDenyRule, permission: string): boolean {
  return rule.deniedPermissions.some((p) => permissionMatches(p, permission)) && !rule.exceptionPermissions.some((p) => permissionMatches(p, permission));
}

function conditionalDenial(rule: LiveDenyRule, permission: string): string {
  return `the deny policy ${rule.policy} denies ${permission} under a condition (${rule.condition!.expression})`;
}

/** `compute.googleapis.com/networks.get` → `compute.networks.get` (wildcards kept). */
function shortPermission(pattern: string): string {
  const [service, rest] = pattern.includes("/") ? pattern.split("/") : ["", pattern];
  return service ? `${service.split(".")[0]}.${rest}` : rest;
}

/** Deny policies name permissions as `service.googleapis.com/resource.verb`, or with wildcards. */
function permissionMatches(pattern: string, permission: string): boolean {
  const short = shortPermission(pattern);
  if (short === permission) return true;
  if (short.endsWith("*")) return permission.startsWith(short.slice(0, -1));
  return false;
}
