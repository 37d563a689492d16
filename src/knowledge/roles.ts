// Predefined GCP roles -> permissions, as data with sources (roles.json). The JSON is loaded
// once through `require`, so no parsing code runs here and tsc copies the file to dist/.
import table from "./roles.json";

/** Where one entry's permission list was read. */
export interface RoleSource {
  repository: string;
  path: string;
  /** Commit of the stored copy; null when no copy was located. */
  commit: string | null;
  /** Set when the list was recorded by the project's research note rather than read here. */
  recordedIn?: string;
  agreesWith?: string;
  /** How the transcription of a copy read whole was checked. */
  transcriptionCheck?: string;
}

export interface RoleInfo {
  title: string;
  stage: string;
  /** true: includedPermissions is the whole role. false: only permissions under completeForPrefixes are listed. */
  complete: boolean;
  completeForPrefixes?: readonly string[];
  /** Size of the whole role; null when it was not counted. */
  permissionCount: number | null;
  includedPermissions: readonly string[];
  source: RoleSource;
  /** An older stored copy that was also read, and how it differs. */
  alsoRead?: { commit: string; permissionCount: number; differs: string; transcriptionCheck?: string };
  note?: string;
}

export interface RoleTable {
  schemaVersion: number;
  /** Date the entries were read (YYYY-MM-DD). */
  retrieved: string;
  sources: ReadonlyArray<{ id: string; repository?: string; url?: string; path?: string; what: string }>;
  roles: Readonly<Record<string, RoleInfo>>;
}

export const ROLE_TABLE: RoleTable = table as RoleTable;

// Sets built lazily per role: most runs ask about a handful of roles only.
const permissionSets = new Map<string, ReadonlySet<string>>();

/** Accepts "roles/x.y" or "x.y". Custom roles (projects/…/roles/…) are not in the table. */
export function normaliseRoleName(role: string): string {
  return role.startsWith("roles/") || role.includes("/") ? role : `roles/${role}`;
}

export function roleInfo(role: string): RoleInfo | undefined {
  const name = normaliseRoleName(role);
  return Object.prototype.hasOwnProperty.call(ROLE_TABLE.roles, name) ? ROLE_TABLE.roles[name] : undefined;
}

export function knownRoles(): string[] {
  return Object.keys(ROLE_TABLE.roles);
}

function permissionSet(name: string, info: RoleInfo): ReadonlySet<string> {
  let set = permissionSets.get(name);
  if (!set) {
    set = new Set(info.includedPermissions);
    permissionSets.set(name, set);
  }
  return set;
}

/** Whether a stored entry can answer for this permission at all. */
export function coversPermission(info: RoleInfo, permission: string): boolean {
  return info.complete || (info.completeForPrefixes ?? []).some((prefix) => permission.startsWith(prefix));
}

/**
 * true/false when the table knows; "unknown" when the role is not in the table, or it is stored
 * filtered and the permission lies outside the prefixes it was transcribed for.
 */
export function roleHasPermission(role: string, permission: string): boolean | "unknown" {
  const name = normaliseRoleName(role);
  const info = roleInfo(name);
  if (!info || !coversPermission(info, permission)) return "unknown";
  return permissionSet(name, info).has(permission);
}

/** The stored permissions of a role (the filtered subset for filtered entries); undefined if the role is unknown. */
export function permissionsOfRole(role: string): readonly string[] | undefined {
  return roleInfo(role)?.includedPermissions;
}

/** The role GKE documents as the minimum for node service accounts. */
export const DEFAULT_NODE_SA_ROLE = "roles/container.defaultNodeServiceAccount";

function requiredPermissions(role: string): readonly string[] {
  const info = roleInfo(role);
  // A missing or filtered entry would silently weaken every node check: fail loudly at load.
  if (!info || !info.complete) throw new Error(`knowledge/roles.json: ${role} must be stored whole`);
  return Object.freeze([...info.includedPermissions]);
}

/** Permissions a node service account needs (those of roles/container.defaultNodeServiceAccount). */
export const DEFAULT_NODE_SA_PERMISSIONS: readonly string[] = requiredPermissions(DEFAULT_NODE_SA_ROLE);

/** The role that restores the GKE service agent. */
export const GKE_SERVICE_AGENT_ROLE = "roles/container.serviceAgent";
