import { getOwn } from "../model/own-property";
import { isLiveError, type LiveBinding, type LiveCryptoKey, type LiveDenyRule, type LiveError, type LiveFacts, type LiveProject, type LiveRepository, type LiveServerConfig, type LiveServiceAccount, type LiveSubnetwork, type LiveWorkloadPool } from "./live";

/**
 * Why a fact `--live` asked for is not known: the error Google gave, the permission it named when it
 * named one, and `whole` when it is the project or account itself that could not be read (not
 * just this fact of it).
 */
export interface Unreadable {
  unreadable: string;
  missingPermission?: string;
  whole?: "project" | "account";
}

/** A fact read live: its value, why it could not be read, or undefined when --live did not read it. */
export type LiveRead<T> = { value: T } | Unreadable | undefined;

/** A project as read live, each of its facts already told apart from a failed read. */
export interface ProjectRead {
  projectId: string;
  projectNumber: string;
  /** From the project up (`projects/…`, `folders/…`, `organizations/…`), when read. */
  ancestry?: string[];
  iamPolicy: LiveRead<LiveBinding[]>;
  /** IAM policies of the folders and organisation along the ancestry, by node. */
  ancestorPolicies: Array<{ node: string; policy: LiveRead<LiveBinding[]> }>;
  enabledServices: LiveRead<string[]>;
  denyRules: LiveRead<LiveDenyRule[]>;
  /** What the caller (the deployer) holds on the project, from testIamPermissions. */
  callerPermissions: LiveRead<string[]>;
}

export interface ServiceAccountRead {
  exists: boolean;
  disabled?: boolean;
}

/**
 * What `--live` read, as the questions rules and the fact base ask: each answer is the value or
 * why it is not known. The only code that knows how a failed read is written in {@link LiveFacts}.
 * Offline (`enabled` false) every answer is undefined.
 */
export class LiveView {
  private readonly projects = new Map<string, LiveRead<ProjectRead>>();
  private readList?: Array<[string, ProjectRead]>;

  constructor(private readonly facts?: LiveFacts) {}

  /** Whether this run read Google (`--live`). */
  get enabled(): boolean {
    return this.facts !== undefined;
  }

  /** The project read under exactly this key (the request names it by id or number; both are kept). */
  project(key: string): LiveRead<ProjectRead> {
    if (!this.facts) return undefined;
    if (!this.projects.has(key)) this.projects.set(key, readProject(getOwn(this.facts.projects, key)));
    return this.projects.get(key);
  }

  /**
   * The project whose key, id or number is `project` once made canonical (`canonical` links ids
   * and numbers as the project catalog knows them).
   */
  projectMatching(project: string, canonical: (key: string) => string): LiveRead<ProjectRead> {
    if (!this.facts) return undefined;
    const key = Object.entries(this.facts.projects).find(([k, p]) => canonical(k) === project || (!isLiveError(p) && (p.projectId === project || p.projectNumber === project)))?.[0];
    return key === undefined ? undefined : this.project(key);
  }

  /** Every project read successfully, with the key it was stored under (one project may appear under its id and its number). */
  projectsRead(): ReadonlyArray<readonly [string, ProjectRead]> {
    if (!this.facts) return [];
    return (this.readList ??= Object.keys(this.facts.projects).flatMap((key) => {
      const read = this.project(key);
      return read && "value" in read ? [[key, read.value] as [string, ProjectRead]] : [];
    }));
  }

  /** The project number, when the project was read. */
  projectNumber(project: string): string | undefined {
    const read = this.project(project);
    return read && "value" in read ? read.value.projectNumber : undefined;
  }

  enabledServices(project: string): LiveRead<string[]> {
    return this.ofProject(project, (p) => p.enabledServices);
  }

  callerPermissions(project: string): LiveRead<string[]> {
    return this.ofProject(project, (p) => p.callerPermissions);
  }

  denyRules(project: string): LiveRead<LiveDenyRule[]> {
    return this.ofProject(project, (p) => p.denyRules);
  }

  /** What the caller holds on a folder or organisation (`folders/ID`, `organizations/ID`). */
  hierarchyCallerPermissions(node: string): LiveRead<string[]> {
    const held = this.facts?.resourceCallerPermissions ? getOwn(this.facts.resourceCallerPermissions, node) : undefined;
    return readValue(held);
  }

  serviceAccount(email: string): LiveRead<ServiceAccountRead> {
    const account = this.account(email);
    if (!account || !("value" in account)) return account;
    const { exists, disabled } = account.value;
    return { value: { exists, ...(disabled !== undefined && { disabled }) } };
  }

  /** Whether the caller holds iam.serviceAccounts.actAs on the account. */
  callerCanActAs(email: string): LiveRead<boolean> {
    const account = this.account(email);
    if (!account || !("value" in account)) return account && { ...account, whole: "account" };
    const can = account.value.callerCanActAs;
    return typeof can === "boolean" ? { value: can } : readValue<boolean>(can);
  }

  /** A role's permissions, read with roles.get. */
  rolePermissions(role: string): LiveRead<string[]> {
    return readValue(this.facts ? getOwn(this.facts.roles, role) : undefined);
  }

  /**
   * The Artifact Registry repository `projects/P/locations/L/repositories/R`, found under that name
   * or under the same location and id in the same project named by id or number.
   */
  repository(name: string, canonical: (project: string) => string): LiveRead<Omit<LiveRepository, "name">> {
    const repositories = this.facts?.artifactRepositories ?? {};
    let found = getOwn(repositories, name);
    if (!found) {
      const [, project, , location, , id] = name.split("/");
      const wanted = canonical(project ?? "");
      for (const [key, value] of Object.entries(repositories)) {
        const parts = key.split("/");
        if (parts[3] === location && parts[5] === id && canonical(parts[1] ?? "") === wanted) {
          found = value;
          break;
        }
      }
    }
    if (!found) return undefined;
    if (isLiveError(found)) return unreadable(found);
    return { value: { exists: found.exists, ...(found.iamPolicy && { iamPolicy: found.iamPolicy }) } };
  }

  /** The IAM policy of a subnetwork (`projects/P/regions/R/subnetworks/S`), read with subnetworks.getIamPolicy (GKE012). */
  subnetworkPolicy(path: string): LiveRead<LiveBinding[]> {
    return readValue(this.subnetwork(path)?.iamPolicy);
  }

  /** A subnetwork's secondary range names, or `exists: false` when Google says it is not there (GKE016). */
  secondaryRanges(path: string): LiveRead<Exclude<NonNullable<LiveSubnetwork["secondaryRanges"]>, LiveError>> {
    return readValue(this.subnetwork(path)?.secondaryRanges);
  }

  /** A Cloud KMS key's state and the IAM policies of the key and its ring (GKE014); undefined when the key was not read. */
  cryptoKey(path: string): { state: LiveRead<Exclude<NonNullable<LiveCryptoKey["state"]>, LiveError>>; keyPolicy: LiveRead<LiveBinding[]>; ringPolicy: LiveRead<LiveBinding[]> } | undefined {
    const key = this.facts?.cryptoKeys ? getOwn(this.facts.cryptoKeys, path) : undefined;
    return key && { state: readValue(key.state), keyPolicy: readValue(key.iamPolicy), ringPolicy: readValue(key.ringIamPolicy) };
  }

  /** The clusters of a project that set a Workload Identity pool (GKE013). */
  workloadPool(project: string): LiveRead<LiveWorkloadPool> {
    return readValue(this.facts?.workloadPools ? getOwn(this.facts.workloadPools, project) : undefined);
  }

  /** The versions GKE offers in `projects/P/locations/L` (GKE015). */
  serverConfig(location: string): LiveRead<LiveServerConfig> {
    return readValue(this.facts?.serverConfigs ? getOwn(this.facts.serverConfigs, location) : undefined);
  }

  private subnetwork(path: string): LiveSubnetwork | undefined {
    return this.facts?.subnetworks ? getOwn(this.facts.subnetworks, path) : undefined;
  }

  private account(email: string): LiveRead<LiveServiceAccount> {
    return readValue(this.facts ? getOwn(this.facts.serviceAccounts, email) : undefined);
  }

  private ofProject<T>(project: string, fact: (p: ProjectRead) => LiveRead<T>): LiveRead<T> {
    const read = this.project(project);
    if (!read || !("value" in read)) return read && { ...read, whole: "project" };
    return fact(read.value);
  }
}

const views = new WeakMap<LiveFacts, LiveView>();
const OFFLINE = new LiveView();

/** One view per set of live facts, so the engine and the IAM index share it (and its caches). */
export function liveView(facts: LiveFacts | undefined): LiveView {
  if (!facts) return OFFLINE;
  let view = views.get(facts);
  if (!view) views.set(facts, (view = new LiveView(facts)));
  return view;
}

function readProject(entry: LiveProject | LiveError | undefined): LiveRead<ProjectRead> {
  if (entry === undefined) return undefined;
  if (isLiveError(entry)) return unreadable(entry);
  return {
    value: {
      projectId: entry.projectId,
      projectNumber: entry.projectNumber,
      ...(Array.isArray(entry.ancestry) && { ancestry: entry.ancestry }),
      iamPolicy: readValue(entry.iamPolicy),
      ancestorPolicies: Object.entries(entry.ancestorPolicies ?? {}).map(([node, policy]) => ({ node, policy: readValue(policy) })),
      enabledServices: readValue(entry.enabledServices),
      denyRules: readValue(entry.denyRules),
      callerPermissions: readValue(entry.callerPermissions),
    },
  };
}

function readValue<T>(value: T | LiveError | undefined): LiveRead<T> {
  if (value === undefined) return undefined;
  return isLiveError(value) ? unreadable(value) : { value };
}

function unreadable(error: LiveError): Unreadable {
  return { unreadable: error.error, ...(error.missingPermission && { missingPermission: error.missingPermission }) };
}
