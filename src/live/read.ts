import { createClients, type GoogleClients } from "./clients";
import { loadCredentials } from "./credentials";
import { apiEndpointFrom, serviceEndpoint, type GoogleService } from "./endpoint";
import { toLiveError } from "./errors";
import {
  isLiveError,
  type LiveBinding,
  type LiveDenyRule,
  type LiveError,
  type LiveFacts,
  type LiveProject,
  type LiveRepository,
  type LiveServiceAccount,
} from "./facts";
import type { LiveOptions, LiveRequest } from "./request-types";
import { ALLOWED_METHODS } from "./allowlist";
import { redactDeep } from "./redact";
import { DEFAULT_LIMITS, guardedTransport, type CallRecord, type TransportLimits } from "./transport";
import { computeDefaultAccountEmail } from "../knowledge/service-agents";
import { readResources, statusOf, toBinding } from "./read-resources";

export type { LiveOptions, LiveRequest } from "./request-types";

const ACT_AS = "iam.serviceAccounts.actAs";

export interface LiveRead {
  facts: LiveFacts;
  /** Every API call made, for `--verbose` style diagnostics (methods and paths, nothing secret). */
  calls: CallRecord[];
}

/**
 * Reads what `request` asks from the live project(s), only reading. A read that fails becomes a
 * {@link LiveError} in the facts; the only errors thrown are for unusable setup (no credentials,
 * a malformed endpoint).
 */
export async function readLiveFacts(request: LiveRequest, options: LiveOptions = {}): Promise<LiveFacts> {
  return (await readLive(request, options)).facts;
}

export async function readLive(request: LiveRequest, options: LiveOptions = {}): Promise<LiveRead> {
  const env = options.env ?? process.env;
  const apiEndpoint = apiEndpointFrom(options.apiEndpoint, env);
  serviceEndpoint(apiEndpoint, "iam"); // validate before asking for credentials
  const credentials = await loadCredentials(options.accessToken, env);
  const auth = guardedTransport(credentials.client, {
    allowlist: ALLOWED_METHODS,
    limits: transportLimits(options, env),
    originOf: (service) => originOf(apiEndpoint, service, credentials.client.universeDomain),
    ...(credentials.token && { secrets: [credentials.token] }),
  });
  const reader = new LiveReader(createClients(auth, apiEndpoint, credentials.client.universeDomain), () => auth.secrets(), options.onProgress);
  const facts = await reader.read(request);
  // Every string read from an API reaches the rules and the reports: none may carry a credential.
  return { facts: redactDeep(facts, auth.secrets()), calls: auth.calls };
}

/**
 * The transport's limits: options first (tests, the library), then the environment
 * (PREFLIGHT_LIVE_TIMEOUT_MS, _MAX_RESPONSE_BYTES, _RETRIES, _BACKOFF_MS), then the defaults.
 */
export function transportLimits(options: LiveOptions, env: NodeJS.ProcessEnv): TransportLimits {
  const fromEnv = (name: string, min: number): number | undefined => {
    const text = env[name]?.trim();
    const value = text ? Number(text) : NaN;
    return Number.isSafeInteger(value) && value >= min ? value : undefined;
  };
  const backoffMs = options.backoffMs ?? fromEnv("PREFLIGHT_LIVE_BACKOFF_MS", 1);
  return {
    ...DEFAULT_LIMITS,
    concurrency: options.concurrency ?? DEFAULT_LIMITS.concurrency,
    timeoutMs: options.timeoutMs ?? fromEnv("PREFLIGHT_LIVE_TIMEOUT_MS", 1) ?? DEFAULT_LIMITS.timeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? fromEnv("PREFLIGHT_LIVE_MAX_RESPONSE_BYTES", 1) ?? DEFAULT_LIMITS.maxResponseBytes,
    retries: options.retries ?? fromEnv("PREFLIGHT_LIVE_RETRIES", 0) ?? DEFAULT_LIMITS.retries,
    ...(backoffMs !== undefined && { backoffMs, maxBackoffMs: Math.max(backoffMs * 16, 1) }),
  };
}

/** Where `service` is served: the --api-endpoint, else Google's host in the credentials' universe. */
function originOf(apiEndpoint: string | undefined, service: string, universeDomain: string | undefined): string | undefined {
  const root = serviceEndpoint(apiEndpoint, service as GoogleService)?.rootUrl ?? `https://${service}.${universeDomain || "googleapis.com"}/`;
  try {
    return new URL(root).origin;
  } catch {
    return undefined;
  }
}

class LiveReader {
  private readonly memo = new Map<string, Promise<unknown>>();
  private done = 0;
  private total = 0;

  constructor(
    private readonly api: GoogleClients,
    private readonly secrets: () => readonly string[],
    private readonly onProgress?: (done: number, total: number) => void,
  ) {}

  async read(request: LiveRequest): Promise<LiveFacts> {
    const facts: LiveFacts = { projects: {}, serviceAccounts: {}, roles: {} };
    const actAs = new Set(request.actAsChecks);
    const defaultSaProjects = new Set(request.defaultServiceAccountProjects ?? []);
    const projectRefs = unique([...request.projects, ...Object.keys(request.callerPermissions), ...defaultSaProjects]);

    const projectReads = projectRefs.map(async (ref) => {
      const project = await this.project(ref, request.callerPermissions[ref] ?? []);
      facts.projects[ref] = project;
      if (isLiveError(project)) return;
      facts.projects[project.projectId] ??= project;
      facts.projects[project.projectNumber] ??= project;
      const holders = new Set([...(request.rolesHeldBy ?? []), `serviceAccount:service-${project.projectNumber}@container-engine-robot.iam.gserviceaccount.com`]);
      const reads: Array<Promise<void>> = [];
      if (defaultSaProjects.has(ref)) {
        const email = computeDefaultAccountEmail(project.projectNumber);
        holders.add(`serviceAccount:${email}`);
        reads.push(this.serviceAccount(email, true).then((account) => void (facts.serviceAccounts[email] = account)));
      }
      for (const role of rolesHeld(project, holders)) reads.push(this.role(role).then((permissions) => void (facts.roles[role] = permissions)));
      await Promise.all(reads);
    });
    const accountReads = unique([...request.serviceAccounts, ...request.actAsChecks]).map(async (email) => {
      facts.serviceAccounts[email] = await this.serviceAccount(email, actAs.has(email));
    });
    const roleReads = unique(request.roles).map(async (role) => {
      facts.roles[role] = await this.role(role);
    });
    const repositoryNames = unique(request.artifactRepositories ?? []);
    if (repositoryNames.length > 0) facts.artifactRepositories = {};
    const holders = new Set(request.rolesHeldBy ?? []);
    const repositoryReads = repositoryNames.map(async (name) => {
      const repository = await this.repository(name);
      facts.artifactRepositories![name] = repository;
      if (isLiveError(repository) || !repository.iamPolicy) return;
      // Roles granted on the repository to the node accounts: custom ones are not in the bundled table.
      const held = repository.iamPolicy.filter((binding) => binding.members.some((member) => holders.has(member) || isComputeDefault(member)));
      await Promise.all(unique(held.map((binding) => binding.role)).map(async (role) => void (facts.roles[role] = await this.role(role))));
    });
    const hierarchy = Object.entries(request.resourceCallerPermissions ?? {});
    if (hierarchy.length > 0) facts.resourceCallerPermissions = {};
    const hierarchyReads = hierarchy.map(async ([resource, permissions]) => {
      facts.resourceCallerPermissions![resource] = await this.callerPermissionsOn(resource, permissions);
    });
    const resourceReads = readResources(request, facts, { api: this.api, once: (key, read) => this.once(key, read), attempt: (read) => this.attempt(read) });
    await Promise.all([...projectReads, ...accountReads, ...roleReads, ...repositoryReads, ...hierarchyReads, resourceReads]);
    return facts;
  }

  /** One call per distinct thing: the same key shares one promise for the whole run. */
  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let promise = this.memo.get(key) as Promise<T> | undefined;
    if (!promise) {
      this.total++;
      this.report();
      promise = read().finally(() => {
        this.done++;
        this.report();
      });
      this.memo.set(key, promise);
    }
    return promise;
  }

  private report(): void {
    this.onProgress?.(this.done, this.total);
  }

  /** Runs a read; a failure becomes a LiveError. */
  private async attempt<T>(read: () => Promise<T>): Promise<T | LiveError> {
    try {
      return await read();
    } catch (error) {
      return toLiveError(error, this.secrets());
    }
  }

  private async project(ref: string, permissions: string[]): Promise<LiveProject | LiveError> {
    const identity = await this.once(`project:${ref}`, () =>
      this.attempt(async () => {
        // v3 documents lookups by number, v1 by id.
        const { projectId, projectNumber } = /^\d+$/.test(ref)
          ? await this.api.crmV3().projects.get({ name: `projects/${ref}` }).then(({ data }) => ({ projectId: data.projectId, projectNumber: data.name?.replace(/^projects\//, "") }))
          : await this.api.crmV1().projects.get({ projectId: ref }).then(({ data }) => ({ projectId: data.projectId, projectNumber: data.projectNumber }));
        if (!projectId || !projectNumber || !/^\d+$/.test(projectNumber)) throw new Error(`projects.get: no id and number for ${ref}`);
        return { projectId, projectNumber };
      }),
    );
    if (isLiveError(identity)) return identity;
    const { projectId, projectNumber } = identity;
    const [ancestry, iamPolicy, enabledServices, callerPermissions] = await Promise.all([
      this.ancestry(projectId),
      this.resourcePolicy(`projects/${projectId}`),
      this.enabledServices(projectNumber),
      permissions.length > 0 ? this.callerPermissions(projectId, permissions) : Promise.resolve(undefined),
    ]);
    const ancestors = isLiveError(ancestry) ? [] : ancestry.filter((name) => !name.startsWith("projects/"));
    const [ancestorPolicyList, denyRules] = await Promise.all([
      Promise.all(ancestors.map(async (name) => [name, await this.resourcePolicy(name)] as const)),
      this.denyRules(`projects/${projectId}`, ancestry),
    ]);
    const project: LiveProject = { projectId, projectNumber, ancestry, iamPolicy, enabledServices, denyRules };
    if (ancestors.length > 0) project.ancestorPolicies = Object.fromEntries(ancestorPolicyList);
    if (callerPermissions !== undefined) project.callerPermissions = callerPermissions;
    return project;
  }

  private ancestry(projectId: string): Promise<string[] | LiveError> {
    return this.once(`ancestry:${projectId}`, () =>
      this.attempt(async () => {
        const { data } = await this.api.crmV1().projects.getAncestry({ projectId, requestBody: {} });
        return (data.ancestor ?? []).map((ancestor) => {
          const { type, id } = ancestor.resourceId ?? {};
          const collection = type === "organization" ? "organizations" : type === "folder" ? "folders" : "projects";
          return `${collection}/${id}`;
        });
      }),
    );
  }

  /** IAM policy (version 3, so conditional bindings come back whole) of a project, folder or organisation. */
  private resourcePolicy(resource: string): Promise<LiveBinding[] | LiveError> {
    return this.once(`policy:${resource}`, () =>
      this.attempt(async () => {
        const requestBody = { options: { requestedPolicyVersion: 3 } };
        const [collection, id] = resource.split("/") as [string, string];
        const { data } =
          collection === "projects"
            ? await this.api.crmV1().projects.getIamPolicy({ resource: id, requestBody })
            : collection === "folders"
              ? await this.api.crmV3().folders.getIamPolicy({ resource, requestBody })
              : await this.api.crmV3().organizations.getIamPolicy({ resource, requestBody });
        return (data.bindings ?? []).map(toBinding);
      }),
    );
  }

  private enabledServices(projectNumber: string): Promise<string[] | LiveError> {
    return this.once(`services:${projectNumber}`, () =>
      this.attempt(async () => {
        const names: string[] = [];
        let pageToken: string | undefined;
        do {
          const { data } = await this.api.serviceUsage().services.list({
            parent: `projects/${projectNumber}`,
            filter: "state:ENABLED",
            pageSize: 200,
            pageToken,
          });
          for (const service of data.services ?? []) {
            const name = service.config?.name ?? service.name?.split("/").pop();
            if (name) names.push(name);
          }
          pageToken = data.nextPageToken ?? undefined;
        } while (pageToken);
        return names.sort();
      }),
    );
  }

  private callerPermissions(projectId: string, permissions: string[]): Promise<string[] | LiveError> {
    const wanted = unique(permissions).sort();
    return this.once(`test:${projectId}:${wanted.join(",")}`, () =>
      this.attempt(async () => {
        // The API takes at most 100 permissions per call.
        const held: string[] = [];
        for (let start = 0; start < wanted.length; start += 100) {
          const permissions = wanted.slice(start, start + 100);
          const { data } = await this.api.crmV1().projects.testIamPermissions({ resource: projectId, requestBody: { permissions } });
          held.push(...(data.permissions ?? []));
        }
        return held.sort();
      }),
    );
  }

  /** testIamPermissions on a folder or organisation (`folders/ID`, `organizations/ID`). */
  private callerPermissionsOn(resource: string, permissions: string[]): Promise<string[] | LiveError> {
    const wanted = unique(permissions).sort();
    return this.once(`test:${resource}:${wanted.join(",")}`, () =>
      this.attempt(async () => {
        const crm = this.api.crmV3();
        const held: string[] = [];
        for (let start = 0; start < wanted.length; start += 100) {
          const requestBody = { permissions: wanted.slice(start, start + 100) };
          const { data } = resource.startsWith("folders/")
            ? await crm.folders.testIamPermissions({ resource, requestBody })
            : await crm.organizations.testIamPermissions({ resource, requestBody });
          held.push(...(data.permissions ?? []));
        }
        return held.sort();
      }),
    );
  }

  /**
   * Deny rules attached to the project and every ancestor. If any attachment point cannot be read
   * the whole answer is an error: a partial list would let a rule conclude "nothing denies" wrongly.
   */
  private async denyRules(project: string, ancestry: string[] | LiveError): Promise<LiveDenyRule[] | LiveError> {
    const points = isLiveError(ancestry) ? [project] : unique([project, ...ancestry]);
    const perPoint = await Promise.all(points.map((point) => this.denyRulesAt(point)));
    const failed = perPoint.find(isLiveError);
    if (failed) return failed;
    if (isLiveError(ancestry)) return { error: `deny policies of the folders and organisation not read: ${ancestry.error}`, missingPermission: ancestry.missingPermission };
    return perPoint.flat() as LiveDenyRule[];
  }

  private denyRulesAt(resource: string): Promise<LiveDenyRule[] | LiveError> {
    return this.once(`deny:${resource}`, () =>
      this.attempt(async () => {
        const client = this.api.denyPolicies();
        const callOptions = { retry: null, autoPaginate: false };
        const parent = `policies/${encodeURIComponent(`cloudresourcemanager.googleapis.com/${resource}`)}/denypolicies`;
        const names: string[] = [];
        let pageToken: string | undefined;
        do {
          const [policies, , response] = await client.listPolicies({ parent, pageToken }, callOptions);
          for (const policy of policies) if (policy.name) names.push(policy.name);
          pageToken = response?.nextPageToken || undefined;
        } while (pageToken);
        // The list omits the rules; each policy is read whole.
        const policies = await Promise.all(names.map(async (name) => (await client.getPolicy({ name }, { retry: null }))[0]));
        return policies.flatMap((policy) =>
          (policy.rules ?? []).flatMap((rule) => {
            const deny = rule.denyRule;
            if (!deny) return [];
            const flattened: LiveDenyRule = {
              policy: policy.name ?? "",
              attachedTo: resource,
              deniedPrincipals: deny.deniedPrincipals ?? [],
              exceptionPrincipals: deny.exceptionPrincipals ?? [],
              deniedPermissions: deny.deniedPermissions ?? [],
              exceptionPermissions: deny.exceptionPermissions ?? [],
            };
            if (deny.denialCondition?.expression) {
              flattened.condition = { expression: deny.denialCondition.expression };
              if (deny.denialCondition.title) flattened.condition.title = deny.denialCondition.title;
            }
            return [flattened];
          }),
        );
      }),
    );
  }

  private async serviceAccount(email: string, checkActAs: boolean): Promise<LiveServiceAccount | LiveError> {
    const found = await this.accountRecord(email);
    if (isLiveError(found) || !found.exists || !checkActAs) return found;
    return { ...found, callerCanActAs: await this.callerCanActAs(email) };
  }

  private accountRecord(email: string): Promise<LiveServiceAccount | LiveError> {
    return this.once(`sa:${email}`, () =>
      this.attempt(async () => {
        try {
          const { data } = await this.api.iamV1().projects.serviceAccounts.get({ name: accountName(email) });
          return { email, exists: true, disabled: data.disabled === true };
        } catch (error) {
          if (statusOf(error) === 404) return { email, exists: false };
          throw error;
        }
      }),
    );
  }

  private callerCanActAs(email: string): Promise<boolean | LiveError> {
    return this.once(`actAs:${email}`, () =>
      this.attempt(async () => {
        const { data } = await this.api.iamV1().projects.serviceAccounts.testIamPermissions({
          resource: accountName(email),
          requestBody: { permissions: [ACT_AS] },
        });
        return (data.permissions ?? []).includes(ACT_AS);
      }),
    );
  }

  /** An Artifact Registry repository's own IAM policy; not found means the apply creates it. */
  private repository(name: string): Promise<LiveRepository | LiveError> {
    return this.once(`repository:${name}`, () =>
      this.attempt(async () => {
        try {
          const [policy] = await this.api.artifactRegistry().getIamPolicy({ resource: name, options: { requestedPolicyVersion: 3 } }, { retry: null });
          return { name, exists: true, iamPolicy: (policy.bindings ?? []).map(toBinding) };
        } catch (error) {
          if (statusOf(error) === 404) return { name, exists: false };
          throw error;
        }
      }),
    );
  }

  private role(role: string): Promise<string[] | LiveError> {
    return this.once(`role:${role}`, () =>
      this.attempt(async () => {
        const iam = this.api.iamV1();
        try {
          const { data } = role.startsWith("projects/")
            ? await iam.projects.roles.get({ name: role })
            : role.startsWith("organizations/")
              ? await iam.organizations.roles.get({ name: role })
              : await iam.roles.get({ name: role });
          // A deleted custom role still reads back for a while, but grants nothing.
          return data.deleted ? [] : (data.includedPermissions ?? []).sort();
        } catch (error) {
          if (statusOf(error) === 404) throw new Error(`role ${role} does not exist`);
          throw error;
        }
      }),
    );
  }
}

/** Roles that `holders` have in the project's live policy and its ancestors' (where read). */
function rolesHeld(project: LiveProject, holders: ReadonlySet<string>): string[] {
  const policies = [project.iamPolicy, ...Object.values(project.ancestorPolicies ?? {})];
  const bindings = policies.flatMap((policy) => (Array.isArray(policy) ? policy : []));
  return unique(bindings.filter((binding) => binding.members.some((member) => holders.has(member))).map((binding) => binding.role));
}

function accountName(email: string): string {
  // `-` lets IAM find the account's project from its email. The client expands `name` without
  // encoding it, so a `?` or `/` in an email from the input would leave its path segment.
  return `projects/-/serviceAccounts/${encodeURIComponent(email)}`;
}

function isComputeDefault(member: string): boolean {
  return /^serviceAccount:\d+-compute@developer\.gserviceaccount\.com$/.test(member);
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
