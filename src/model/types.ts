import type { Unknown } from "./unknown";

/** JSON-like value in which any leaf may be {@link Unknown}. */
export type Value = string | number | boolean | null | Unknown | Value[] | { [key: string]: Value };
export type Values = { [key: string]: Value };

/**
 * What the apply will do to a resource. `planned` is used for configurations (cdk.tf.json)
 * that say what will exist after apply but not whether it exists already.
 */
export type Change = "create" | "update" | "delete" | "replace" | "no-op" | "read" | "planned";

export interface SourceLocation {
  /** The file the resource was read from. */
  file: string;
  /** JSON pointer of the resource inside that file, when known. */
  pointer?: string;
}

/** A suppression attached to a resource in its configuration (cdk.tf.json "//" metadata). */
export interface Suppression {
  ruleId: string;
  reason: string;
  /** ISO date (YYYY-MM-DD) after which the suppression no longer applies. */
  expires?: string;
}

export interface Resource {
  /** Full Terraform address, e.g. `module.gke.google_container_cluster.primary[0]`. */
  address: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  /** Module address (`""` for the root module, else `module.a.module.b`). */
  module: string;
  change: Change;
  /** Values after apply (for `delete`: the values before it). */
  values: Values;
  /** Values before apply, where the plan shows them. */
  before?: Values;
  /** Key of the provider configuration: `google`, `google.beta`, `module.x:google`. */
  providerKey: string;
  /** Addresses of resources this one depends on explicitly (`depends_on`). */
  dependsOn: string[];
  /**
   * Addresses of resources referenced by any of this resource's expressions. Readers may also
   * list `var.x`, `local.x` and `module.m.o` references written in the resource's module: model
   * building replaces them by the resources they stand for.
   */
  references: string[];
  /** The instance key (`count.index` or `each.key`), and `each.value` when known. */
  instance?: { key: string | number; value?: Value };
  /**
   * The input does not say what this resource depends on (a plan without its configuration
   * block): no `depends_on`, no references to follow.
   */
  dependenciesUnknown?: boolean;
  /** CDKTF construct path, when the input carries one. */
  constructPath?: string;
  location: SourceLocation;
  suppressions: Suppression[];
}

export interface ProviderConfig {
  /** Same key as {@link Resource.providerKey}. */
  key: string;
  /** Default project of the provider configuration, if set. */
  project?: Value;
  region?: Value;
  /** Provider type name (`google`, `kubernetes`, `helm`), when the input says it. */
  name?: string;
  /**
   * Every argument of the provider block, nested blocks included. References stay visible:
   * what is not known before apply is an Unknown carrying its references
   * (e.g. a kubernetes provider's `host` built from a cluster's endpoint).
   */
  arguments?: Values;
}

export type InputFormat = "plan" | "terraform-json";

/** A CDKTF stack of the app a model belongs to (a `cdktf.out` checked as one app). */
export interface AppStack {
  name: string;
  /** Stacks this one is deployed after, directly or through others (manifest.json `dependencies`). */
  dependsOn: ReadonlySet<string>;
  model: Model;
  /**
   * The stack's root outputs whose value is one reference (`${google_service_account.nodes.email}`), by name:
   * what other stacks read through CDKTF's cross-stack references.
   */
  outputs: ReadonlyMap<string, string>;
}

/** One checked unit: a plan, or one CDKTF stack's configuration. */
export interface Model {
  format: InputFormat;
  file: string;
  /** CDKTF stack name, when the input is a stack. */
  stack?: string;
  /** Terraform version that wrote a plan. */
  terraformVersion?: string;
  resources: Resource[];
  byAddress: ReadonlyMap<string, Resource>;
  byType: ReadonlyMap<string, Resource[]>;
  providers: ReadonlyMap<string, ProviderConfig>;
  /** Version constraint of the google provider when the input states it. */
  googleProviderVersion?: string;
  /** Values of sensitive input variables the model holds: findings show them as "(sensitive)" (secrets.ts). */
  sensitiveTexts?: readonly string[];
  /** The CDK a stack's cdk.tf.json was synthesized with (its metadata says), so fixes import what that CDK's apps use. */
  cdkFramework?: CdkFramework;
  /** The other stacks of the CDKTF app, when the input is a `cdktf.out` (not enumerable: reports never serialise it). */
  app?: readonly AppStack[];
}

/** `cdktf` (HashiCorp's CDK for Terraform) or `cdktn` (CDK Terrain, its continuation). */
export type CdkFramework = "cdktf" | "cdktn";
