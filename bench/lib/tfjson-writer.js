"use strict";
// Renders resource records as a cdktf `cdk.tf.json` (one stack): `"//"` metadata with the
// construct path, `${…}` references, single blocks as objects, keys sorted. Streamed one
// resource type at a time, re-deriving each unit's records, so memory stays flat.

const { Out, separated } = require("./out");

const TYPES = ["google_container_cluster", "google_container_node_pool", "google_project", "google_project_iam_binding", "google_project_iam_member", "google_project_service", "google_service_account"];

function sortedDeep(v) {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (v !== null && typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sortedDeep(v[k]);
    return out;
  }
  return v;
}

function body(r) {
  const meta = { metadata: { path: r.tf.path.join("/"), uniqueId: r.tf.id } };
  if (r.tf.suppressions) meta.preflight = { suppressions: r.tf.suppressions };
  const o = { "//": meta, ...r.tf.body };
  if (r.tf.dependsOn) o.depends_on = r.tf.dependsOn;
  return sortedDeep(o);
}

/** `source` = { rootRecords, groups() → iterable of {records} }. */
function writeTerraformJson(file, source) {
  const out = new Out(file);
  let resources = 0;
  const each = function* (mode, type) {
    for (const r of source.rootRecords) if (r.tf && r.mode === mode && r.type === type) yield r;
    for (const { records } of source.groups()) for (const r of records) if (r.tf && r.mode === mode && r.type === type) yield r;
  };
  out.write('{"//":{"metadata":{"backend":"local","stackName":"platform","version":"0.21.0"},"outputs":{}},');
  out.write('"data":{"google_project":{');
  const data = separated(out);
  for (const r of each("data", "google_project")) data(`${JSON.stringify(r.tf.id)}:${JSON.stringify(body(r))}`);
  out.write('}},"provider":{"google":[{"project":"platform-admin-0001","region":"europe-west1"}]},"resource":{');
  const typeItem = separated(out);
  for (const type of TYPES) {
    typeItem(`${JSON.stringify(type)}:{`);
    const item = separated(out);
    for (const r of each("managed", type)) {
      resources++;
      item(`${JSON.stringify(r.tf.id)}:${JSON.stringify(body(r))}`);
    }
    out.write("}");
  }
  out.write('},"terraform":{"backend":{"local":{"path":"terraform.platform.tfstate"}},"required_providers":{"google":{"source":"google","version":"6.8.0"}}}}');
  return { resources, bytes: out.close() };
}

module.exports = { writeTerraformJson };
