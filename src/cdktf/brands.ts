/**
 * Structural recognition of cdktf / cdktn objects without importing either package.
 *
 * Both runtimes brand their classes with the same global symbols, so a check on the brand
 * works across module copies and across the two forks, where `instanceof` silently fails.
 */
import type { IConstruct } from "constructs";

const STACK_BRAND = Symbol.for("cdktf/TerraformStack");
const APP_BRAND = Symbol.for("cdktf/App");
const RESOURCE_BRAND = Symbol.for("cdktf/TerraformResource");
const JSII_RTTI = Symbol.for("jsii.rtti");
/** Hook the stack synthesizer calls after aspects and validations, before it collects annotations. */
export const CUSTOM_SYNTHESIS = Symbol.for("cdktf/customSynthesis");

/** The parts of a TerraformStack the library uses. */
export interface StackLike extends IConstruct {
  toTerraform(): TerraformJson;
}

/** The parts of a TerraformResource the library uses. */
export interface ResourceLike extends IConstruct {
  readonly terraformResourceType: string;
  readonly friendlyUniqueId: string;
  dependsOn?: string[];
  addOverride(path: string, value: unknown): void;
}

/** A synthesized Terraform JSON document (cdk.tf.json). */
export type TerraformJson = Record<string, unknown>;

function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === "object" && value !== null && brand in value;
}

export function isStack(value: unknown): value is StackLike {
  return hasBrand(value, STACK_BRAND);
}

export function isApp(value: unknown): boolean {
  return hasBrand(value, APP_BRAND);
}

export function isResource(value: unknown): value is ResourceLike {
  return hasBrand(value, RESOURCE_BRAND);
}

/** Which CDK a stack is built with, from the jsii type name on its class (cdktf.TerraformStack or cdktn.TerraformStack). */
export function cdkFrameworkOf(stack: StackLike): "cdktf" | "cdktn" | undefined {
  for (let proto = Object.getPrototypeOf(stack); proto; proto = Object.getPrototypeOf(proto)) {
    const ctor = proto.constructor as { [JSII_RTTI]?: { fqn?: string } } | undefined;
    if (!ctor || !Object.prototype.hasOwnProperty.call(ctor, JSII_RTTI)) continue;
    const fqn = ctor[JSII_RTTI]?.fqn ?? "";
    if (fqn.startsWith("cdktn.")) return "cdktn";
    if (fqn.startsWith("cdktf.")) return "cdktf";
  }
  return undefined;
}

/** The stack a construct belongs to (itself when it is one), or undefined outside any stack. */
export function stackOf(construct: IConstruct): StackLike | undefined {
  for (const c of [...construct.node.scopes].reverse()) if (isStack(c)) return c;
  return undefined;
}

/** Every stack under a scope (the scope itself included). */
export function stacksUnder(scope: IConstruct): StackLike[] {
  return scope.node.findAll().filter(isStack);
}

/** Constructor of a TerraformResource as the user's own runtime defines it. */
export type ResourceConstructor = new (
  scope: IConstruct,
  id: string,
  config: { terraformResourceType: string; terraformGeneratorMetadata?: { providerName: string } },
) => ResourceLike;

/**
 * Finds the runtime's own `TerraformResource` class on the prototype chain of a resource the
 * user created, so added resources come from the same module copy (cdktf or cdktn) as the stack.
 */
export function resourceClassOf(resource: ResourceLike): ResourceConstructor | undefined {
  for (let proto = Object.getPrototypeOf(resource); proto; proto = Object.getPrototypeOf(proto)) {
    const ctor = proto.constructor as { [JSII_RTTI]?: { fqn?: string } } | undefined;
    if (!ctor || !Object.prototype.hasOwnProperty.call(ctor, JSII_RTTI)) continue;
    const fqn = ctor[JSII_RTTI]?.fqn;
    if (fqn === "cdktf.TerraformResource" || fqn === "cdktn.TerraformResource") {
      return ctor as unknown as ResourceConstructor;
    }
  }
  return undefined;
}
