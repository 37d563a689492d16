import { Unknown } from "../../model/unknown";

/** One binding of a `policy_data` JSON string, members as written (non-strings: undefined). */
export interface PolicyDataBinding {
  role: string | Unknown;
  members: Array<string | undefined>;
  conditional: boolean;
}

/** The bindings of `policy_data` given as a JSON string (as a plan shows it), or Unknown when it is not JSON. */
export function parsePolicyData(address: string, data: string): PolicyDataBinding[] | Unknown {
  try {
    const parsed = JSON.parse(data) as { bindings?: Array<{ role?: unknown; members?: unknown; condition?: unknown }> };
    return (parsed.bindings ?? []).map((b) => ({
      role: typeof b.role === "string" ? b.role : new Unknown("binding without role"),
      members: Array.isArray(b.members) ? b.members.map((m) => (typeof m === "string" ? m : undefined)) : [],
      conditional: b.condition !== undefined && b.condition !== null,
    }));
  } catch {
    return new Unknown(`${address}.policy_data is not valid JSON`);
  }
}
