"use strict";
// Renders resource records as `terraform show -json` output (format_version 1.2), streamed:
// every section is written unit by unit, re-deriving the unit's records from its descriptor,
// so memory stays flat whatever the size of the plan.

const { Out, separated } = require("./out");
const { known, unknownMirror, sensitiveMirror } = require("./values");
const { addressOf, GOOGLE } = require("./units");

const TERRAFORM_VERSION = "1.9.8";
const SCHEMA = { google_container_cluster: 2, google_container_node_pool: 1, google_project: 1 };

/** Planned values of a no-op or update are the state, with only the changed attributes new. */
function settled(r) {
  if (r.action === "no-op") return r.before;
  if (r.action !== "update") return r.after;
  const out = { ...r.before };
  for (const k of Object.keys(r.after)) {
    const v = r.after[k];
    if (typeof v !== "object" && typeof v !== "symbol" && v !== r.before[k]) out[k] = v;
  }
  return out;
}

function head(r) {
  const o = { address: addressOf(r) };
  return o;
}

function identity(r, o) {
  o.mode = r.mode;
  o.type = r.type;
  o.name = r.name;
  if (r.index !== undefined) o.index = r.index;
  o.provider_name = GOOGLE;
  return o;
}

function plannedValue(r) {
  const after = settled(r);
  const o = identity(r, head(r));
  o.schema_version = SCHEMA[r.type] ?? 0;
  o.values = known(after);
  o.sensitive_values = sensitiveMirror(after);
  return o;
}

function stateValue(r) {
  const o = identity(r, head(r));
  o.schema_version = SCHEMA[r.type] ?? 0;
  o.values = r.before;
  o.sensitive_values = sensitiveMirror(r.before);
  return o;
}

function resourceChange(r) {
  const o = head(r);
  if (r.mod) o.module_address = r.mod;
  identity(r, o);
  const after = r.action === "delete" ? null : settled(r);
  o.change = {
    actions: [r.action],
    before: r.before,
    after: after === null ? null : known(after),
    after_unknown: after === null ? {} : unknownMirror(after),
    before_sensitive: r.before === null ? false : sensitiveMirror(r.before),
    after_sensitive: after === null ? false : sensitiveMirror(after),
  };
  if (r.reason) o.action_reason = r.reason;
  return o;
}

const inPlan = (r) => r.mode === "managed" && r.action !== "delete";
const inState = (r) => r.before !== null && r.before !== undefined;
const changed = (r) => r.mode === "managed";

/**
 * Writes one module level (resources + child modules) as a stream. `groups` yields, per child
 * module instance, its address and records; records of deeper modules are split by `mod`.
 */
function writeModuleTree(out, rootRecords, groups, render, keep) {
  out.write('{"resources":[');
  const item = separated(out);
  for (const r of rootRecords) if (keep(r)) item(JSON.stringify(render(r)));
  out.write('],"child_modules":[');
  const child = separated(out);
  for (const { address, records } of groups()) {
    const byMod = new Map();
    for (const r of records) if (keep(r)) (byMod.get(r.mod) ?? byMod.set(r.mod, []).get(r.mod)).push(r);
    if (byMod.size === 0) continue;
    const own = (byMod.get(address) ?? []).map((r) => JSON.stringify(render(r)));
    const nested = [...byMod.entries()].filter(([m]) => m !== address)
      .map(([m, rs]) => `{"resources":[${rs.map((r) => JSON.stringify(render(r))).join(",")}],"address":${JSON.stringify(m)}}`);
    child(`{"resources":[${own.join(",")}],"address":${JSON.stringify(address)}${nested.length ? `,"child_modules":[${nested.join(",")}]` : ""}}`);
  }
  out.write("]}");
}

/**
 * Writes a plan. `source` = { rootRecords, groups() → iterable of {address, records},
 * configuration }. Returns the counts.
 */
function writePlan(file, source) {
  const out = new Out(file);
  const counts = { resourceChanges: 0, planned: 0, prior: 0 };
  out.write(`{"format_version":"1.2","terraform_version":"${TERRAFORM_VERSION}",`);
  out.write('"variables":{"billing_account":{"value":"01A2B3-C4D5E6-F7A8B9"}},');
  out.write('"planned_values":{"root_module":');
  writeModuleTree(out, source.rootRecords, source.groups, (r) => (counts.planned++, plannedValue(r)), inPlan);
  out.write('},"resource_changes":[');
  const item = separated(out);
  const change = (r) => {
    if (!changed(r)) return;
    counts.resourceChanges++;
    item(JSON.stringify(resourceChange(r)));
  };
  for (const r of source.rootRecords) change(r);
  for (const { records } of source.groups()) for (const r of records) change(r);
  out.write('],"prior_state":{"format_version":"1.0","terraform_version":"' + TERRAFORM_VERSION + '","values":{"root_module":');
  writeModuleTree(out, source.rootRecords, source.groups, (r) => (counts.prior++, stateValue(r)), inState);
  out.write("}},");
  out.write(`"configuration":${JSON.stringify(source.configuration)},`);
  out.write('"relevant_attributes":[],');
  out.write('"timestamp":"2026-11-28T12:00:00Z","applyable":true,"complete":true,"errored":false}');
  counts.bytes = out.close();
  return counts;
}

module.exports = { writePlan };
