"use strict";
// Markers for planned values, and the three views Terraform derives from them:
// `after` (known values only), `after_unknown` and `after_sensitive`.

/** A value only known after apply. */
const U = Symbol("unknown");

/** A value Terraform shows as sensitive. */
class Sensitive {
  constructor(value) {
    this.value = value;
  }
}

const isContainer = (v) => v !== null && typeof v === "object" && !(v instanceof Sensitive);

/** Values as `after` / `values` show them: unknown attributes left out, unknown list elements null. */
function known(v) {
  if (v instanceof Sensitive) return known(v.value);
  if (Array.isArray(v)) return v.map((e) => (e === U ? null : known(e)));
  if (isContainer(v)) {
    const out = {};
    for (const k of Object.keys(v)) if (v[k] !== U) out[k] = known(v[k]);
    return out;
  }
  return v;
}

/** `after_unknown`: containers mirrored, `true` where unknown, known leaves left out (false in lists). */
function unknownMirror(v) {
  if (v === U) return true;
  if (v instanceof Sensitive) return unknownMirror(v.value);
  if (Array.isArray(v)) return v.map((e) => (e === U ? true : isContainer(e) ? unknownMirror(e) : false));
  const out = {};
  for (const k of Object.keys(v)) {
    const e = v[k];
    if (e === U) out[k] = true;
    else if (e instanceof Sensitive) {
      if (e.value === U) out[k] = true;
      else if (isContainer(e.value)) out[k] = unknownMirror(e.value);
    } else if (isContainer(e)) out[k] = unknownMirror(e);
  }
  return out;
}

/** `after_sensitive` / `sensitive_values`: containers mirrored, `true` where sensitive. */
function sensitiveMirror(v) {
  if (v instanceof Sensitive) return true;
  if (Array.isArray(v)) return v.map((e) => (e instanceof Sensitive ? true : isContainer(e) ? sensitiveMirror(e) : false));
  const out = {};
  for (const k of Object.keys(v)) {
    const e = v[k];
    if (e instanceof Sensitive) out[k] = true;
    else if (isContainer(e)) out[k] = sensitiveMirror(e);
  }
  return out;
}

/** Object with keys sorted, as Terraform writes attribute maps. */
function sorted(obj) {
  const out = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k];
  return out;
}

module.exports = { U, Sensitive, known, unknownMirror, sensitiveMirror, sorted };
