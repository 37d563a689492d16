import type { Model, Resource, Value } from "../model/types";
import { isUnknown, Unknown } from "../model/unknown";
import { blocks } from "../model/access";
import { isConditional } from "./iam/ancestry";
import { parsePolicyData } from "./iam/policy-data";
import { sameTarget, type Target } from "./targets";

/**
 * IAM set on one Google resource rather than a project (a subnetwork, a KMS key or key ring):
 * the `_iam_member`, `_iam_binding` and `_iam_policy` resources of one family, read the way the
 * provider applies them (a binding sets the members of its role, a policy every role).
 */
export interface ResourceIamFamily {
  member: string;
  binding: string;
  policy: string;
  /** What the grant resource is set on. */
  targetOf(grant: Resource): Target | undefined;
}

export interface ResourceGrant {
  resource: Resource;
  kind: "member" | "binding" | "policy";
  role: string | Unknown;
  /** The member as written: a string, or an Unknown carrying its template and references. */
  member: Value | undefined;
  target?: Target;
  conditional: boolean;
  destroyed: boolean;
}

export interface ResourceAuthoritative {
  resource: Resource;
  kind: "binding" | "policy";
  /** For a binding: its role. */
  role?: string | Unknown;
  target?: Target;
  bindings: Array<{ role: string | Unknown; members: Array<Value | undefined>; conditional: boolean }> | Unknown;
  destroyed: boolean;
}

export interface ResourceIam {
  grants: ResourceGrant[];
  authoritative: ResourceAuthoritative[];
}

export function readResourceIam(model: Model, family: ResourceIamFamily): ResourceIam {
  const out: ResourceIam = { grants: [], authoritative: [] };
  for (const r of model.byType.get(family.member) ?? []) {
    if (r.mode !== "managed") continue;
    out.grants.push({ resource: r, kind: "member", role: roleOf(r.values.role), member: r.values.member, target: family.targetOf(r), conditional: isConditional(r.values.condition), destroyed: r.change === "delete" });
  }
  for (const r of model.byType.get(family.binding) ?? []) {
    if (r.mode !== "managed") continue;
    const role = roleOf(r.values.role);
    const target = family.targetOf(r);
    const conditional = isConditional(r.values.condition);
    const destroyed = r.change === "delete";
    const members = memberList(r.values.members);
    if (!isUnknown(members)) for (const member of members) out.grants.push({ resource: r, kind: "binding", role, member, target, conditional, destroyed });
    // A conditional binding is authoritative only for its role and condition pair.
    if (!conditional) out.authoritative.push({ resource: r, kind: "binding", role, target, bindings: isUnknown(members) ? members : [{ role, members, conditional }], destroyed });
  }
  for (const r of model.byType.get(family.policy) ?? []) {
    if (r.mode !== "managed") continue;
    const bindings = policyBindings(r, model);
    const target = family.targetOf(r);
    const destroyed = r.change === "delete";
    if (!isUnknown(bindings)) for (const b of bindings) for (const member of b.members) out.grants.push({ resource: r, kind: "policy", role: b.role, member, target, conditional: b.conditional, destroyed });
    out.authoritative.push({ resource: r, kind: "policy", target, bindings, destroyed });
  }
  return out;
}

function roleOf(value: Value | undefined): string | Unknown {
  if (typeof value === "string") return value;
  return isUnknown(value) ? value : new Unknown("the role is not set");
}

function memberList(value: Value | undefined): Array<Value | undefined> | Unknown {
  if (isUnknown(value)) return value;
  return Array.isArray(value) ? value : [];
}

/** `policy_data` as a JSON string, or a reference to a `google_iam_policy` data source read during plan. */
function policyBindings(r: Resource, model: Model): ResourceAuthoritative["bindings"] {
  const data = r.values.policy_data;
  if (typeof data === "string") return parsePolicyData(r.address, data);
  if (isUnknown(data)) {
    const source = data.references.map((ref) => model.byAddress.get(ref.replace(/\.policy_data$/, ""))).find((d) => d?.type === "google_iam_policy");
    if (source) {
      return blocks(source.values.binding).map((b) => {
        const members = memberList(b.members);
        return { role: roleOf(b.role), members: isUnknown(members) ? [members] : members, conditional: isConditional(b.condition) };
      });
    }
    return new Unknown(`the policy of ${r.address} is only known after apply`, data.references);
  }
  return new Unknown(`${r.address} has no policy_data`);
}

export type MemberTest = (member: Value | undefined) => "yes" | "no" | "maybe";
/** Whether a role gives what is needed: true, false, or "unknown" when the role table cannot tell. */
export type RoleTest = (role: string) => boolean | "unknown";

export type ResourceAnswer =
  | { holds: "yes"; by: Resource }
  | { holds: "no"; by: Resource; why: string }
  | { holds: "maybe"; reason: string }
  /** Nothing in the configuration grants it on this resource (grants made elsewhere may exist). */
  | { holds: "none" };

/** Does the member hold a role that passes `gives` on the target, by the IAM set on that resource in the configuration? */
export function holdsOn(iam: ResourceIam, target: Target, isMember: MemberTest, gives: RoleTest, what: string): ResourceAnswer {
  for (const set of iam.authoritative) {
    if (set.destroyed || !set.target || sameTarget(set.target, target) !== "yes") continue;
    if (set.kind === "binding" && (typeof set.role !== "string" || gives(set.role) !== true)) continue;
    if (isUnknown(set.bindings)) return { holds: "maybe", reason: `${set.resource.address} sets ${set.kind === "policy" ? "the whole IAM policy" : "the members of its role"} from a value only known after apply` };
    const matching = set.bindings.filter((b) => typeof b.role === "string" && gives(b.role) === true && !b.conditional);
    const answers = matching.flatMap((b) => b.members.map(isMember));
    if (answers.includes("yes")) return { holds: "yes", by: set.resource };
    if (answers.includes("maybe")) return { holds: "maybe", reason: `${set.resource.address} lists a member that is only known after apply` };
    if (set.kind === "binding" || set.bindings.every((b) => typeof b.role === "string")) {
      return { holds: "no", by: set.resource, why: `${set.resource.address} is authoritative for ${set.kind === "policy" ? "the whole IAM policy" : String(set.role)} of it and does not list ${what}` };
    }
  }
  let maybe: string | undefined;
  for (const g of iam.grants) {
    if (g.destroyed || !g.target) continue;
    const same = sameTarget(g.target, target);
    if (same === "no") continue;
    const member = isMember(g.member);
    if (member === "no") continue;
    const role = typeof g.role === "string" ? gives(g.role) : "unknown";
    if (role === false) continue;
    if (same === "yes" && member === "yes" && role === true && !g.conditional) return { holds: "yes", by: g.resource };
    maybe ??=
      same === "maybe" ? `${g.resource.address} may be set on it (${g.target.reason ?? "its resource is only known after apply"})`
      : member === "maybe" ? `${g.resource.address} grants to a member only known after apply`
      : role === "unknown" ? `${g.resource.address} grants a role whose permissions are not known here`
      : `${g.resource.address} grants it only under an IAM condition`;
  }
  return maybe ? { holds: "maybe", reason: maybe } : { holds: "none" };
}
