import type { Resource } from "../../model/types";
import type { Unknown } from "../../model/unknown";
import type { ProjectResolution } from "./projects";
import type { Identity } from "./identity";

/** One way an identity may receive a role on a project. */
export interface Grant {
  role: string | Unknown;
  identity: Identity;
  project: ProjectResolution;
  /** The resource that makes the grant; undefined for grants read live. */
  resource?: Resource;
  /** `inherited`: made on a folder or organisation above the project (see ancestry.ts). */
  kind: "member" | "binding" | "policy" | "live" | "inherited";
  conditional: boolean;
  /** The plan destroys the resource that makes this grant. */
  destroyed: boolean;
  /** Made by another stack of the app, deployed before this one (upstream-grants.ts). */
  stack?: string;
}

/** A resource that sets the whole member list of one role (binding) or of every role (policy). */
export interface AuthoritativeSet {
  resource: Resource;
  kind: "binding" | "policy";
  project: ProjectResolution;
  /** For a binding: its role. */
  role?: string | Unknown;
  /** The members per role, or Unknown when the policy's content is not known before apply. */
  bindings: Array<{ role: string | Unknown; members: Identity[]; conditional: boolean }> | Unknown;
  destroyed: boolean;
  /** Set by another stack of the app, deployed before this one. */
  stack?: string;
}

export interface Removal {
  resource: Resource;
  role: string | Unknown;
  identity: Identity;
  project: ProjectResolution;
  /** Made by another stack of the app, deployed before this one. */
  stack?: string;
}

/** `no` with `by`: the resource that takes the role away; `stack` when that resource is another stack's (deployed before this one). */
export type Answer = { holds: "yes"; via: Grant[] } | { holds: "no"; why?: string; by?: Resource; stack?: string } | { holds: "maybe"; reason: string };

export interface PermissionReport {
  granted: Map<string, Grant[]>;
  missing: string[];
  undetermined: Array<{ permission: string; reason: string }>;
  /** Roles on the way that the apply strips from the identity (authoritative resources, removals). */
  stripped: Array<{ resource: Resource; role: string; why: string }>;
  /** Of `missing`: permissions a held role gives but an unconditional deny rule (read live) takes away. */
  deniedButGranted: string[];
  /** Why nothing outside the input can give a missing permission: an authoritative project policy that does not list the identity. */
  closedBy?: string;
}

/** What {@link IamIndex.denials} finds. */
export interface Denials {
  /** Denied by an unconditional deny rule: `policy` is its full name, `attachedTo` where it is attached. */
  denied: Array<{ permission: string; policy: string; attachedTo?: string }>;
  undetermined: Array<{ permission: string; reason: string }>;
}
