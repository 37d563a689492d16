/** `google_x.y[0]` or `module.m.google_x.y["k"]` → the same address without its last instance key. */
export function withoutInstanceKey(address: string): string {
  // Most addresses have no instance key: skip the regex (this runs for every resource, several times).
  return address.endsWith("]") ? address.replace(/\[[^\]]*\]$/, "") : address;
}
