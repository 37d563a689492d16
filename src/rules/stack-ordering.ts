import type { AppStack, Model, Resource } from "../model/types";
import type { RuleContext } from "./types";
import type { NodeIdentityUse } from "../facts/gke/node-identities";
import { CLUSTER, NODE_POOL } from "../facts/gke/node-identities";
import { PROJECT_SERVICE } from "../facts/gke/project-services";
import type { IamIndex } from "../facts/iam/index-grants";
import { ownIamIndex } from "../facts/upstream-stacks";
import { DEFAULT_NODE_SA_PERMISSIONS } from "../knowledge/roles";
import { isCreated } from "../model/change";
import { isUnknown } from "../model/unknown";
import { UNKNOWN_DEPENDENCIES } from "../model/app";

/**
 * Something a cluster or node pool of one CDKTF stack needs that another stack of the app
 * creates. `cdktf deploy` deploys a stack after the stacks it depends on (manifest.json
 * `dependencies`, from `stack.addDependency` or cross-stack references) and may deploy the
 * others at the same time (https://developer.hashicorp.com/terraform/cdktf/concepts/stacks).
 */
export interface StackNeed {
  /** The resource in the other stack. */
  resource: Resource;
  stack: string;
  /** True when this stack is deployed after `stack`; undefined when the manifest does not say. */
  ordered: boolean | undefined;
  why: string;
  /** `stack:address`, for details. */
  label: string;
}

const CONTAINER_API = "container.googleapis.com";
const COMPUTE_API = "compute.googleapis.com";
/** CDKTF names the remote state it reads another stack's outputs from so. */
const CROSS_STACK_INPUT = /^data\.terraform_remote_state\.cross-stack-reference-input-(.+)$/;

interface PeerFacts {
  iam: IamIndex;
  clustersByName: Map<string, Resource>;
}
const peerFacts = new WeakMap<Model, PeerFacts>();

function peerFactsOf(model: Model): PeerFacts {
  let facts = peerFacts.get(model);
  if (!facts) {
    const clustersByName = new Map<string, Resource>();
    for (const c of model.byType.get(CLUSTER) ?? []) if (isCreated(c) && typeof c.values.name === "string" && !clustersByName.has(c.values.name)) clustersByName.set(c.values.name, c);
    facts = { iam: ownIamIndex(model), clustersByName };
    peerFacts.set(model, facts);
  }
  return facts;
}

/** What `resource` needs from the app's other stacks: its cluster named by a literal, the APIs of its project, the grants to its node accounts, the outputs it reads. */
export function otherStacksNeeded(ctx: RuleContext, resource: Resource, project: string | undefined, uses: readonly NodeIdentityUse[]): StackNeed[] {
  const app = ctx.model.app;
  const self = app?.find((s) => s.model === ctx.model);
  if (!app || !self) return [];
  const needs: StackNeed[] = [];
  const peers = app.filter((s) => s !== self);
  const need = (peer: AppStack, r: Resource, why: string) => {
    const ordered = self.dependsOn === UNKNOWN_DEPENDENCIES ? undefined : self.dependsOn.has(peer.name);
    needs.push({ resource: r, stack: peer.name, ordered, label: `${peer.name}:${r.address}`, why: `${why} in stack ${peer.name}, ${ordered === false ? `and stack ${self.name} does not depend on it (manifest.json dependencies)` : ordered ? "deployed before it" : `and the manifest does not list the dependencies of stack ${self.name}`}` });
  };
  if (resource.type === NODE_POOL && !ctx.gke.nodePools.find((p) => p.resource === resource)?.cluster) {
    const name = resource.values.cluster;
    if (typeof name === "string") {
      const short = name.split("/").pop() ?? name;
      for (const peer of peers) {
        const cluster = peerFactsOf(peer.model).clustersByName.get(short);
        if (cluster) need(peer, cluster, `names its cluster by the literal "${short}", created by ${cluster.address}`);
      }
    }
  }
  const localApi = project !== undefined && (ctx.model.byType.get(PROJECT_SERVICE) ?? []).some((r) => isCreated(r) && ctx.iam.catalog.projectOf(r).key === project && (r.values.service === CONTAINER_API || r.values.service === COMPUTE_API));
  for (const peer of peers) {
    const facts = peerFactsOf(peer.model);
    if (project !== undefined && !localApi) {
      const apis = (peer.model.byType.get(PROJECT_SERVICE) ?? []).filter((r) => isCreated(r) && facts.iam.catalog.projectOf(r).key === project && (r.values.service === CONTAINER_API || r.values.service === COMPUTE_API));
      const api = apis.find((r) => r.values.service === CONTAINER_API) ?? apis[0];
      if (api) need(peer, api, `needs ${String(api.values.service)} on ${project}, enabled by ${api.address}`);
    }
    for (const use of uses) {
      if (!use.identity.key || !use.project.key) continue;
      for (const g of facts.iam.grants) {
        if (!g.resource || g.destroyed || !isCreated(g.resource) || g.identity.key !== use.identity.key || g.project.key !== use.project.key) continue;
        if (typeof g.role !== "string" || !DEFAULT_NODE_SA_PERMISSIONS.some((p) => facts.iam.roleContains(g.role as string, p) === true)) continue;
        need(peer, g.resource, `needs the grant ${g.resource.address} to its node account ${use.identity.display}`);
      }
    }
  }
  for (const address of crossStackInputs(ctx, resource)) {
    const stack = CROSS_STACK_INPUT.exec(address)![1];
    const peer = peers.find((p) => p.name === stack);
    const input = ctx.model.byAddress.get(address);
    if (peer && input) need(peer, input, `reads outputs of stack ${stack} through ${address}`);
  }
  return needs;
}

/** CDKTF's remote states of other stacks that the resource (or, for a pool, its cluster) reads. */
function crossStackInputs(ctx: RuleContext, resource: Resource): string[] {
  const cluster = ctx.gke.nodePools.find((p) => p.resource === resource)?.cluster;
  const refs = new Set([...resource.references, ...(cluster?.references ?? [])]);
  const pending = isUnknown(resource.values.cluster) ? resource.values.cluster.references : [];
  for (const r of pending) refs.add(r.split(".").slice(0, 3).join("."));
  return [...refs].filter((r) => CROSS_STACK_INPUT.test(r));
}
