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
