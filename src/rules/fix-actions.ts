/**
 * What a rule asks the CDKTF aspect to change when it runs with `{ fix: true }`: a few generic
 * operations on the stack, which the aspect applies without knowing the rule. Rules that can be
 * fixed this way say so in their `aspectFix`; every operation adds or orders, none removes.
 */

/** The cluster or node pool a finding is about, as the aspect sees it in the stack's configuration. */
export interface FixTarget {
  /** Terraform resource type, e.g. `google_container_node_pool`. */
  type: string;
  /** The project the resource is created in (its own, else its provider's): resources added for it go there too. */
  project: string;
  /**
   * A string argument of its configuration as written (references stay `${…}` expressions),
   * following nested blocks by name: `attribute("node_config", "service_account")`.
   */
  attribute(...path: string[]): string | undefined;
}

/**
 * Add a resource, unless the configuration already has one of `type` whose `identifiedBy` values
 * are these (and no `condition`, which would narrow a grant), and make the target depend on it.
 * One resource serves every finding asking for the same one. The aspect names it
 * `preflight_fix_<name>` and gives it the target's provider.
 */
export interface AddResource {
  kind: "add-resource";
  type: string;
  name: string;
  values: Readonly<Record<string, string | boolean>>;
  /** The values that make two resources of `type` the same one (e.g. project, role, member). */
  identifiedBy: readonly string[];
  /** What the addition does, for the info annotation: "granted … to … on project …". */
  description: string;
}

/** Make the target depend on resources the stack already has, by address. Ordering only, never access. */
export interface DependOn {
  kind: "depend-on";
  addresses: readonly string[];
}

/** The finding is not fixed automatically, and why (shown as info on the target). */
export interface NotFixable {
  kind: "not-fixable";
  why: string;
}

export type FixAction = AddResource | DependOn | NotFixable;

/** A Terraform resource name part from any text: letters, digits, `_` and `-`, starting with a letter or `_`. */
export function terraformName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `r_${cleaned}`;
}
