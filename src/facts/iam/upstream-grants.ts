import { isUnknown } from "../../model/unknown";
import type { Model } from "../../model/types";
import { agentIdentity, type Identity, type IdentityResolver } from "./identity";
import type { ProjectCatalog, ProjectResolution } from "./projects";
import type { AuthoritativeSet, Grant, Removal } from "./grants";

/**
 * The stacks of a CDKTF app that `cdktf deploy` deploys before this one: those its manifest lists
 * (transitively) as dependencies. cdktf refuses to deploy a stack whose dependencies are not deployed
 * (unless --ignore-missing-stack-dependencies), so what they create exists when this stack applies.
 * A stack whose dependencies are not known, or that does not depend on a stack, gets nothing from it:
 * that stack may be deployed after this one, or at the same time.
 */
export interface UpstreamStack {
  name: string;
  model: Model;
  /** The stack's own offline IAM index (its own configuration only), built once per model. */
  iam: StackIam;
  /** Its root outputs that are one reference, by name (AppStack.outputs). */
  outputs: ReadonlyMap<string, string>;
}

/** What is read of an upstream stack's IamIndex (named by shape, so this file need not import the index). */
export interface StackIam {
  readonly identities: IdentityResolver;
  readonly catalog: ProjectCatalog;
  readonly grants: readonly Grant[];
  readonly authoritative: readonly AuthoritativeSet[];
  readonly removals: readonly Removal[];
}

/** How CDKTF reads another stack's output: `data.terraform_remote_state.cross-stack-reference-input-STACK.outputs.NAME`. */
const CROSS_STACK_OUTPUT = /^data\.terraform_remote_state\.cross-stack-reference-input-(.+)\.outputs\.([^.[\]]+)$/;

/**
 * The email a cross-stack reference stands for, when it reads an upstream stack's output that is the
 * email of a `google_service_account` created there whose email is known before apply (account_id and
 * a literal project); undefined otherwise (the value is only known after that stack's apply).
 */
export function crossStackEmail(upstream: readonly UpstreamStack[], reference: string): string | undefined {
  const m = CROSS_STACK_OUTPUT.exec(reference);
  const stack = m && upstream.find((s) => s.name === m[1]);
  const written = stack?.outputs.get(m![2]);
  const address = written && /^(google_service_account\.[^.]+)\.email$/.exec(written)?.[1];
  const account = address ? stack!.model.byAddress.get(address) : undefined;
  if (!account || account.mode !== "managed" || account.change === "delete") return undefined;
  return stack!.iam.identities.account(account).email;
}

/** How a fact of an upstream stack is named in a verdict: "X in stack iam, deployed before this one". */
export function inStack(address: string, stack: string | undefined): string {
  return stack === undefined ? address : `${address} in stack ${stack}, deployed before this one`;
}

/** What the upstream stacks grant, set and remove on projects, as this stack's index reads it. */
export interface UpstreamIam {
  grants: Grant[];
  authoritative: AuthoritativeSet[];
  removals: Removal[];
}

/**
 * The upstream stacks' project IAM, with identities and projects named as this stack names them:
 * an account is the same principal in every stack by its email; one whose email is only known after
 * the other stack's apply stays a separate, maybe-matching identity. Grants the other stack destroys
 * do not exist when this one applies.
 */
export function upstreamIam(upstream: readonly UpstreamStack[], identities: IdentityResolver, catalog: ProjectCatalog): UpstreamIam {
  const out: UpstreamIam = { grants: [], authoritative: [], removals: [] };
  for (const stack of upstream) {
    const seen = (identity: Identity) => asSeenHere(identity, stack.name, identities, catalog);
    const project = (p: ProjectResolution) => (p.key === undefined ? p : { key: catalog.canonical(p.key), createdHere: false });
    for (const g of stack.iam.grants) {
      if (g.destroyed || g.kind === "live" || g.kind === "inherited") continue;
      out.grants.push({ ...g, identity: seen(g.identity), project: project(g.project), stack: stack.name });
    }
    for (const a of stack.iam.authoritative) {
      if (a.destroyed) continue;
      const bindings = isUnknown(a.bindings) ? a.bindings : a.bindings.map((b) => ({ ...b, members: b.members.map(seen) }));
      out.authoritative.push({ ...a, bindings, project: project(a.project), stack: stack.name });
    }
    for (const r of stack.iam.removals) out.removals.push({ ...r, identity: seen(r.identity), project: project(r.project), stack: stack.name });
  }
  return out;
}

function asSeenHere(identity: Identity, stack: string, identities: IdentityResolver, catalog: ProjectCatalog): Identity {
  if (identity.key === undefined) return identity;
  if (identity.key.startsWith("sa-resource:")) {
    // Created there with an email only known after that apply: never one of this stack's accounts by key.
    return { key: `sa-resource:${stack}/${identity.key.slice("sa-resource:".length)}`, kind: "service-account", display: `${identity.display} of stack ${stack}` };
  }
  if (identity.kind === "gke-agent" || identity.kind === "compute-default" || identity.kind === "apis-agent") {
    return identity.project ? agentIdentity(identity.kind, catalog.canonical(identity.project), catalog) : identity;
  }
  if (identity.kind === "service-account" && identity.email) return identities.email(identity.email);
  return identity;
}


/** "granted in stack iam, deployed before this one" when some of the grants are an upstream stack's; undefined when all are this stack's. */
export function grantedUpstream(grants: Iterable<Grant>): string | undefined {
  const stacks = new Set<string>();
  for (const g of grants) if (g.stack !== undefined) stacks.add(g.stack);
  if (stacks.size === 0) return undefined;
  const names = [...stacks].sort();
  return `granted in stack${names.length > 1 ? "s" : ""} ${names.join(", ")}, deployed before this one`;
}
