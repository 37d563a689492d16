/** Validates SARIF logs against the SARIF 2.1.0 JSON schema shipped as a fixture (see fixtures/sarif-schema/ORIGIN.md). */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import schema from "./fixtures/sarif-schema/sarif-schema-2.1.0.json";

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema as object);

/** Empty when valid; else one line per schema error. */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}
