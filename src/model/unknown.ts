import { parseTemplate } from "./expressions";

/**
 * A value that cannot be known before apply (computed by the provider, or built from
 * something that is). It carries why, and which configuration objects it came from, so
 * that rules can still reason about it ("this member is the email of that account").
 */
export class Unknown {
  constructor(
    /** Why the value is not known, in words a user can act on. */
    readonly reason: string,
    /** Terraform references the value is built from, e.g. `google_service_account.nodes.email`. */
    readonly references: readonly string[] = [],
    /**
     * The string template when the value is an interpolation, with every reference that
     * could be resolved substituted, e.g. `service-${data.google_project.p.number}@container-engine-robot...`.
     */
    readonly template?: string,
    /**
     * True when the configuration does not set the value at all and the provider computes it
     * (a plan's `after_unknown` with no configuration expression): for an optional argument this
     * is the provider's default. Rules read this flag, never the wording of `reason`.
     */
    readonly computedByProvider: boolean = false,
  ) {}

  /** The value of an argument the configuration leaves unset, which the provider fills in at apply. */
  static computedByProvider(): Unknown {
    return new Unknown("computed by the provider at apply (not set in the configuration)", [], undefined, true);
  }

  toJSON(): string {
    return this.template ? `(known after apply: ${this.template})` : "(known after apply)";
  }
}

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/**
 * A Terraform string template in words, for messages: `${google_service_account.nodes.email}`
 * becomes "the email of google_service_account.nodes", and an interpolation inside a longer
 * string is put in parentheses (`gke-nodes@(the project of google_service_account.nodes).iam…`).
 * Messages never show the raw `${…}` syntax, which reads as a broken template.
 */
export function readableTemplate(text: string): string {
  if (!text.includes("${")) return text;
  const parts = parseTemplate(text);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && "expression" in only) return readableExpression(only.expression);
  // A literal keeps an escaped `$${` as the `${` it stands for, which would read as raw syntax again.
  return parts.map((p) => ("expression" in p ? `(${readableExpression(p.expression)})` : p.literal.replace(/\$\{/g, () => "$${"))).join("");
}

const REFERENCE = /^(data\.)?([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)((?:\[[^\]]*\])?)((?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*)$/;

/** One interpolated expression in words: a reference by what it names, anything else as written. */
function readableExpression(expression: string): string {
  // A reference is short; a long expression is shown as such (and never fed to the pattern).
  const m = expression.length <= 512 ? REFERENCE.exec(expression) : null;
  if (!m) return `the value of ${expression}`;
  const [, data = "", first, second, index, rest] = m;
  if (!data && (first === "var" || first === "local" || first === "each" || first === "count" || first === "path" || first === "terraform" || first === "self")) return expression;
  if (!data && first === "module") return rest ? `the output ${rest.slice(1)} of module.${second}${index}` : `module.${second}${index}`;
  const target = `${data}${first}.${second}${index}`;
  return rest ? `the ${rest.replace(/^\./, "")} of ${target}` : target;
}
