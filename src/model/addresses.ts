/** `google_x.y[0]` or `module.m.google_x.y["k"]` → the same address without its last instance key. */
export function withoutInstanceKey(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}
