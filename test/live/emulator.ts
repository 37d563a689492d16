import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A small emulator of the Google REST methods `--live` reads, over JSON fixtures, on 127.0.0.1.
 * The real client libraries talk to it (rootUrl / apiEndpoint). It answers like Google does for
 * the cases the tests need (403 with ErrorInfo, 404, paging) and records every request.
 */

export interface FixtureServiceAccount {
  email: string;
  disabled?: boolean;
  /** Permissions the caller holds on this account (what testIamPermissions answers). */
  callerPermissions?: string[];
}

export interface FixtureDenyPolicy {
  id: string;
  displayName?: string;
  rules: Array<{ denyRule: Record<string, unknown> }>;
}

export interface FixtureResource {
  iamPolicy?: { version?: number; etag?: string; bindings: Array<Record<string, unknown>> };
  denyPolicies?: FixtureDenyPolicy[];
  /** Permissions the caller holds there (what testIamPermissions answers; folders and organisations). */
  callerPermissions?: string[];
}

export interface FixtureProject extends FixtureResource {
  projectId: string;
  projectNumber: string;
  /** Parents from the nearest up: `folders/…`, `organizations/…`. */
  parents?: string[];
  enabledServices?: string[];
  /** Permissions the caller holds on the project. */
  callerPermissions?: string[];
  customRoles?: Record<string, { title?: string; includedPermissions: string[]; deleted?: boolean }>;
  serviceAccounts?: FixtureServiceAccount[];
  /** Artifact Registry repositories by `LOCATION/REPOSITORY`, with their own IAM policies. */
  repositories?: Record<string, FixtureResource>;
  /** GKE clusters as the Container API v1 returns them (`name` and `location` at least). */
  clusters?: FixtureCluster[];
  /** Container API operations (`operationType`, `status`, `targetLink`, `location` …). */
  operations?: Array<Record<string, unknown> & { location: string }>;
  /** Compute Engine subnetworks by `REGION/NAME`: their secondary range names and own IAM policy. */
  subnetworks?: Record<string, FixtureResource & { secondaryRanges?: string[] }>;
  /** Cloud KMS key rings by `LOCATION/RING`, with their own IAM policy and their keys. */
  keyRings?: Record<string, FixtureResource & { keys: Record<string, FixtureKey> }>;
}

export interface FixtureKey extends FixtureResource {
  /** Default ENCRYPT_DECRYPT. */
  purpose?: string;
  /** The primary version's state (default ENABLED); null: the key has no primary version. */
  primaryState?: string | null;
}

export type FixtureCluster = Record<string, unknown> & { name: string; location: string };

export interface Fixture {
  projects: FixtureProject[];
  folders?: Record<string, FixtureResource>;
  organizations?: Record<string, FixtureResource & { customRoles?: FixtureProject["customRoles"] }>;
  predefinedRoles?: Record<string, string[]>;
  /** Permissions the caller lacks for reading: the methods needing them answer 403. */
  callerCannot?: string[];
  /** APIs disabled in the caller's quota project: their methods answer 403 SERVICE_DISABLED. */
  disabledApis?: string[];
  /** services.list page size, to exercise paging. */
  servicesPageSize?: number;
  /** Container API server configs by location (`europe-west1`), as getServerConfig returns them. */
  serverConfigs?: Record<string, Record<string, unknown>>;
  /** What oauth2 tokeninfo says of the expected token; "invalid" answers 400 invalid_token as Google does. */
  tokenInfo?: Record<string, unknown> | "invalid";
}

export interface RecordedRequest {
  method: string;
  /** The raw path and query as received. */
  url: string;
  /** Decoded path, without query. */
  path: string;
  /** All headers except `authorization`. */
  headers: Record<string, string | string[] | undefined>;
  /** Whether an Authorization: Bearer header with the expected token came with it. */
  authorized: boolean;
  body: string;
  status: number;
  /** Which emulated method answered, or undefined when none matched. */
  method_id?: string;
}

export interface Fault {
  method?: string;
  /** Substring of the decoded path (the whole path with `exact`). */
  path: string;
  exact?: boolean;
  status?: number;
  /** How many matching requests get the fault (default: all). */
  times?: number;
  /** Delay before answering (for timeouts). */
  delayMs?: number;
  headers?: Record<string, string>;
  /** Answer with an error message that echoes the Authorization header, as a careless proxy might. */
  echoAuthorization?: boolean;
  /** Answer with these bytes instead (status `status` or 200), as a proxy or a broken server might. */
  body?: string;
  /** Content type of `body`, of `huge` and of `drip` (default application/json; charset=UTF-8). */
  contentType?: string;
  /** Answer with what the method would answer, passed through this function (wrong shapes, hostile strings). */
  rewrite?: (body: unknown) => unknown;
  /** Answer with the JSON text the method would answer, passed through this function (truncated, spliced). */
  mangle?: (json: string) => string;
  /** Redirect (status `status`, default 307) to this URL; `{emulator}` is replaced by the emulator's root. */
  redirectTo?: string;
  /** A 200 body of this many bytes (`{"padding":"xxx…"}`), sent in 64 KiB chunks as fast as the client takes them. */
  huge?: { bytes: number; declareLength: boolean };
  /** Headers, then one byte of a valid answer every `everyMs`, never finishing. */
  drip?: { everyMs: number };
}

/** A delay no test outlives: the answer is held until the emulator stops (for timeouts). */
export const UNTIL_STOPPED = 2 ** 31 - 1;

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(__dirname, "fixtures", `${name}.json`), "utf8")) as Fixture;
}

type Reply = { status: number; body: unknown; methodId?: string };
type Handler = (match: RegExpExecArray, body: Record<string, unknown>, query: URLSearchParams) => Reply;
interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  id: string;
  /** Permission the caller needs; `callerCannot` makes the route answer 403. */
  permission?: (match: RegExpExecArray) => string | undefined;
  api: string;
  handle: Handler;
}

export class GoogleEmulator {
  readonly requests: RecordedRequest[] = [];
  /** Most requests ever in flight at once. */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly faults: Array<Fault & { used: number }> = [];
  /** Pending fault delays, cut short on stop so no timer outlives the test. */
  private readonly delays = new Set<() => void>();
  private server?: Server;
  private readonly routes: Route[];

  constructor(
    private readonly fixture: Fixture,
    private readonly expectedToken: string,
  ) {
    this.routes = this.buildRoutes();
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.serve(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const finish of this.delays) finish();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.delays.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.delays.add(finish);
    });
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, used: 0 });
  }

  /** Method ids the emulator answered, in order. */
  methodsCalled(): string[] {
    return this.requests.map((request) => request.method_id ?? `UNKNOWN ${request.method} ${request.path}`);
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.handle(request, response);
    } finally {
      this.inFlight--;
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = decodeAll(url.pathname);
    const { authorization, ...headers } = request.headers;
    const record: RecordedRequest = {
      method: request.method ?? "GET",
      url: request.url ?? "",
      path,
      headers,
      authorized: authorization === `Bearer ${this.expectedToken}`,
      body,
      status: 0,
    };
    this.requests.push(record);

    const fault = this.faults.find(
      (candidate) =>
        (candidate.method === undefined || candidate.method === record.method) &&
        (candidate.exact ? path === candidate.path : path.includes(candidate.path)) &&
        (candidate.times === undefined || candidate.used < candidate.times),
    );
    if (fault) {
      fault.used++;
      // Which read the faulted request was, for the assertion that only reads were called.
      record.method_id = this.routes.find((route) => route.method === record.method && route.pattern.test(record.path))?.id;
      if (fault.delayMs) await this.delay(fault.delayMs);
      if (fault.redirectTo !== undefined) {
        record.status = fault.status ?? 307;
        response.writeHead(record.status, { location: fault.redirectTo.split("{emulator}").join(this.url), "content-type": "text/html" });
        return void response.end("<a>moved</a>");
      }
      if (fault.body !== undefined) {
        record.status = fault.status ?? 200;
        response.writeHead(record.status, { "content-type": fault.contentType ?? "application/json; charset=UTF-8", ...fault.headers });
        return void response.end(fault.body);
      }
      if (fault.huge) return this.sendHuge(response, record, fault.huge, fault.contentType);
      if (fault.drip) return this.sendDrip(response, record, fault.drip.everyMs, fault.contentType);
      if (fault.rewrite || fault.mangle) {
        const reply = this.answer(record, body);
        record.status = reply.status;
        record.method_id = reply.methodId;
        const rewritten = fault.rewrite ? fault.rewrite(reply.body) : reply.body;
        if (!fault.mangle) return send(response, reply.status, rewritten, fault.headers);
        response.writeHead(reply.status, { "content-type": fault.contentType ?? "application/json; charset=UTF-8", ...fault.headers });
        return void response.end(fault.mangle(JSON.stringify(rewritten)));
      }
      if (fault.status) {
        record.status = fault.status;
        const message = fault.echoAuthorization ? `injected fault; you sent authorization: ${authorization ?? ""}` : "injected fault";
        return send(response, fault.status, errorBody(fault.status, statusName(fault.status), message), fault.headers);
      }
    }

    const reply = this.answer(record, body);
    record.status = reply.status;
    record.method_id = reply.methodId;
    if (response.destroyed) return;
    send(response, reply.status, reply.body);
  }

  private sendHuge(response: ServerResponse, record: RecordedRequest, huge: { bytes: number; declareLength: boolean }, contentType?: string): void {
    record.status = 200;
    const head = '{"padding":"';
    const tail = '"}';
    const fill = Math.max(0, huge.bytes - head.length - tail.length);
    response.writeHead(200, { "content-type": contentType ?? "application/json; charset=UTF-8", ...(huge.declareLength && { "content-length": String(head.length + fill + tail.length) }) });
    response.write(head);
    const chunk = "x".repeat(64 * 1024);
    let left = fill;
    const pump = () => {
      while (left > 0 && !response.destroyed) {
        const piece = left >= chunk.length ? chunk : chunk.slice(0, left);
        left -= piece.length;
        if (!response.write(piece)) return void response.once("drain", pump);
      }
      if (!response.destroyed) response.end(tail);
    };
    response.on("close", () => (left = 0));
    pump();
  }

  /** One byte of `{"permissions":[]}` and then spaces, every `everyMs`, until the client hangs up or the emulator stops. */
  private sendDrip(response: ServerResponse, record: RecordedRequest, everyMs: number, contentType?: string): Promise<void> {
    record.status = 200;
    response.writeHead(200, { "content-type": contentType ?? "application/json; charset=UTF-8" });
    const bytes = '{"permissions":[]';
    let sent = 0;
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        if (response.destroyed) return finish();
        response.write(sent < bytes.length ? bytes[sent]! : " ");
        sent++;
      }, everyMs);
      const finish = () => {
        clearInterval(timer);
        this.delays.delete(finish);
        if (!response.destroyed) response.destroy();
        resolve();
      };
      response.on("close", finish);
      this.delays.add(finish);
    });
  }

  private answer(record: RecordedRequest, rawBody: string): Reply {
    if (!record.authorized) return { status: 401, body: errorBody(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.") };
    const query = new URL(record.url, "http://127.0.0.1").searchParams;
    for (const route of this.routes) {
      if (route.method !== record.method) continue;
      const match = route.pattern.exec(record.path);
      if (!match) continue;
      if (this.fixture.disabledApis?.includes(route.api)) {
        return { methodId: route.id, status: 403, body: serviceDisabled(route.api) };
      }
      const permission = route.permission?.(match);
      if (permission && this.fixture.callerCannot?.includes(permission)) {
        return { methodId: route.id, status: 403, body: permissionDenied(permission, match[1] ?? "") };
      }
      let body: Record<string, unknown> = {};
      try {
        body = rawBody ? (JSON.parse(rawBody) as Record<string, unknown>) : {};
      } catch {
        return { methodId: route.id, status: 400, body: errorBody(400, "INVALID_ARGUMENT", "body is not JSON") };
      }
      return { methodId: route.id, ...route.handle(match, body, query) };
    }
    return { status: 404, body: errorBody(404, "NOT_FOUND", `emulator: no method ${record.method} ${record.path}`) };
  }

  private project(ref: string): FixtureProject | undefined {
    return this.fixture.projects.find((project) => project.projectId === ref || project.projectNumber === ref);
  }

  private resource(name: string): FixtureResource | undefined {
    const [collection, id] = name.split("/");
    if (collection === "projects") return this.project(id ?? "");
    if (collection === "folders") return this.fixture.folders?.[id ?? ""];
    if (collection === "organizations") return this.fixture.organizations?.[id ?? ""];
    return undefined;
  }

  private serviceAccount(email: string): FixtureServiceAccount | undefined {
    return this.fixture.projects.flatMap((project) => project.serviceAccounts ?? []).find((account) => account.email === email);
  }

  private buildRoutes(): Route[] {
    const notFound = (what: string): Reply => ({ status: 404, body: errorBody(404, "NOT_FOUND", `${what} not found`) });
    const projectDenied = (ref: string): Reply => ({ status: 403, body: permissionDenied("resourcemanager.projects.get", `projects/${ref}`) });
    const policyOf = (resource: FixtureResource | undefined): Reply =>
      resource ? { status: 200, body: { version: 3, etag: "BwYfake=", ...(resource.iamPolicy ?? { bindings: [] }) } } : notFound("resource");
    return [
      {
        method: "GET",
        pattern: /^\/v3\/projects\/([^/]+)$/,
        id: "cloudresourcemanager.projects.get",
        api: "cloudresourcemanager.googleapis.com",
        permission: () => "resourcemanager.projects.get",
        handle: (match) => {
          const project = this.project(match[1]!);
          // Google answers 403, not 404, for projects that do not exist.
          if (!project) return projectDenied(match[1]!);
          return {
            status: 200,
            body: { name: `projects/${project.projectNumber}`, projectId: project.projectId, parent: project.parents?.[0], state: "ACTIVE" },
          };
        },
      },
      {
        method: "GET",
        pattern: /^\/v1\/projects\/([^/:]+)$/,
        id: "cloudresourcemanager.v1.projects.get",
        api: "cloudresourcemanager.googleapis.com",
        permission: () => "resourcemanager.projects.get",
        handle: (match) => {
          const project = this.project(match[1]!);
          if (!project) return projectDenied(match[1]!);
          const [collection, id] = (project.parents?.[0] ?? "").split("/");
          return {
            status: 200,
            body: {
              projectNumber: project.projectNumber,
              projectId: project.projectId,
              lifecycleState: "ACTIVE",
              ...(id && { parent: { type: collection === "folders" ? "folder" : "organization", id } }),
            },
          };
        },
      },
      {
        method: "POST",
        pattern: /^\/v1\/projects\/([^/:]+):getAncestry$/,
        id: "cloudresourcemanager.projects.getAncestry",
        api: "cloudresourcemanager.googleapis.com",
        permission: () => "resourcemanager.projects.get",
        handle: (match) => {
          const project = this.project(match[1]!);
          if (!project) return projectDenied(match[1]!);
          const ancestor = [`projects/${project.projectId}`, ...(project.parents ?? [])].map((name) => {
            const [collection, id] = name.split("/");
            const type = collection === "folders" ? "folder" : collection === "organizations" ? "organization" : "project";
            return { resourceId: { type, id } };
          });
          return { status: 200, body: { ancestor } };
        },
      },
      {
        method: "POST",
        pattern: /^\/v1\/projects\/([^/:]+):getIamPolicy$/,
        id: "cloudresourcemanager.projects.getIamPolicy",
        api: "cloudresourcemanager.googleapis.com",
        permission: () => "resourcemanager.projects.getIamPolicy",
        handle: (match) => (this.project(match[1]!) ? policyOf(this.project(match[1]!)) : projectDenied(match[1]!)),
      },
      {
        method: "POST",
        pattern: /^\/v1\/projects\/([^/:]+):testIamPermissions$/,
        id: "cloudresourcemanager.projects.testIamPermissions",
        api: "cloudresourcemanager.googleapis.com",
        handle: (match, body) => {
          const project = this.project(match[1]!);
          if (!project) return projectDenied(match[1]!);
          const asked = (body.permissions as string[] | undefined) ?? [];
          const held = asked.filter((permission) => project.callerPermissions?.includes(permission));
          return { status: 200, body: held.length > 0 ? { permissions: held } : {} };
        },
      },
      {
        method: "POST",
        pattern: /^\/v3\/((?:folders|organizations)\/[^/:]+):testIamPermissions$/,
        id: "cloudresourcemanager.ancestor.testIamPermissions",
        api: "cloudresourcemanager.googleapis.com",
        handle: (match, body) => {
          const resource = this.resource(match[1]!);
          // As for projects, Google answers 403 for what does not exist or cannot be seen.
          if (!resource) return { status: 403, body: permissionDenied(match[1]!.startsWith("folders/") ? "resourcemanager.folders.get" : "resourcemanager.organizations.get", match[1]!) };
          const held = ((body.permissions as string[] | undefined) ?? []).filter((permission) => resource.callerPermissions?.includes(permission));
          return { status: 200, body: held.length > 0 ? { permissions: held } : {} };
        },
      },
      {
        method: "POST",
        pattern: /^\/v3\/((?:folders|organizations)\/[^/:]+):getIamPolicy$/,
        id: "cloudresourcemanager.ancestor.getIamPolicy",
        api: "cloudresourcemanager.googleapis.com",
        permission: (match) => (match[1]!.startsWith("folders/") ? "resourcemanager.folders.getIamPolicy" : "resourcemanager.organizations.getIamPolicy"),
        handle: (match) => policyOf(this.resource(match[1]!)),
      },
      {
        method: "GET",
        pattern: /^\/v1\/projects\/([^/]+)\/services$/,
        id: "serviceusage.services.list",
        api: "serviceusage.googleapis.com",
        permission: () => "serviceusage.services.list",
        handle: (match, _body, query) => {
          const project = this.project(match[1]!);
          if (!project) return projectDenied(match[1]!);
          if (query.get("filter") !== "state:ENABLED") return { status: 400, body: errorBody(400, "INVALID_ARGUMENT", "emulator expects filter=state:ENABLED") };
          const size = this.fixture.servicesPageSize ?? Number(query.get("pageSize") ?? 50);
          const start = Number(query.get("pageToken") ?? 0);
          const page = (project.enabledServices ?? []).slice(start, start + size);
          const next = start + size < (project.enabledServices ?? []).length ? String(start + size) : undefined;
          return {
            status: 200,
            body: {
              services: page.map((name) => ({
                name: `projects/${project.projectNumber}/services/${name}`,
                config: { name },
                state: "ENABLED",
                parent: `projects/${project.projectNumber}`,
              })),
              ...(next && { nextPageToken: next }),
            },
          };
        },
      },
      {
        method: "GET",
        pattern: /^\/v1\/(roles\/[^/]+)$/,
        id: "iam.roles.get",
        api: "iam.googleapis.com",
        handle: (match) => {
          const permissions = this.fixture.predefinedRoles?.[match[1]!];
          return permissions ? { status: 200, body: { name: match[1], includedPermissions: permissions, stage: "GA" } } : notFound(`role ${match[1]}`);
        },
      },
      {
        method: "GET",
        pattern: /^\/v1\/((projects|organizations)\/([^/]+)\/roles\/([^/]+))$/,
        id: "iam.custom.roles.get",
        api: "iam.googleapis.com",
        permission: () => "iam.roles.get",
        handle: (match) => {
          const owner = match[2] === "projects" ? this.project(match[3]!) : this.fixture.organizations?.[match[3]!];
          const role = (owner as FixtureProject | undefined)?.customRoles?.[match[4]!];
          return role ? { status: 200, body: { name: match[1], ...role } } : notFound(`role ${match[1]}`);
        },
      },
      {
        method: "GET",
        pattern: /^\/v1\/projects\/[^/]+\/serviceAccounts\/([^/:]+)$/,
        id: "iam.projects.serviceAccounts.get",
        api: "iam.googleapis.com",
        permission: () => "iam.serviceAccounts.get",
        handle: (match) => {
          const account = this.serviceAccount(match[1]!);
          if (!account) return notFound(`service account ${match[1]}`);
          const projectId = account.email.split("@")[1]?.split(".")[0];
          return { status: 200, body: { name: `projects/${projectId}/serviceAccounts/${account.email}`, email: account.email, disabled: account.disabled ?? false } };
        },
      },
      {
        method: "POST",
        pattern: /^\/v1\/projects\/[^/]+\/serviceAccounts\/([^/:]+):testIamPermissions$/,
        id: "iam.projects.serviceAccounts.testIamPermissions",
        api: "iam.googleapis.com",
        handle: (match, body) => {
          const account = this.serviceAccount(match[1]!);
          if (!account) return notFound(`service account ${match[1]}`);
          const held = ((body.permissions as string[] | undefined) ?? []).filter((permission) => account.callerPermissions?.includes(permission));
          return { status: 200, body: held.length > 0 ? { permissions: held } : {} };
        },
      },
      {
        method: "GET",
        pattern: /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/repositories\/([^/:]+):getIamPolicy$/,
        id: "artifactregistry.projects.locations.repositories.getIamPolicy",
        api: "artifactregistry.googleapis.com",
        permission: () => "artifactregistry.repositories.getIamPolicy",
        handle: (match, _body, query) => {
          const project = this.project(match[1]!);
          if (!project) return { status: 403, body: permissionDenied("artifactregistry.repositories.getIamPolicy", match[0]!) };
          // Without version 3, conditional bindings would come back mangled.
          if (query.get("options.requestedPolicyVersion") !== "3") return { status: 400, body: errorBody(400, "INVALID_ARGUMENT", "emulator expects options.requestedPolicyVersion=3") };
          const repository = project.repositories?.[`${match[2]}/${match[3]}`];
          return repository ? policyOf(repository) : notFound(`repository ${match[3]}`);
        },
      },
      {
        method: "GET",
        pattern: /^\/v2\/policies\/cloudresourcemanager\.googleapis\.com\/((?:projects|folders|organizations)\/[^/]+)\/denypolicies$/,
        id: "iam.policies.listPolicies",
        api: "iam.googleapis.com",
        permission: () => "iam.denypolicies.list",
        handle: (match) => {
          const resource = this.resource(match[1]!);
          if (!resource) return notFound(match[1]!);
          const policies = (resource.denyPolicies ?? []).map((policy) => ({
            name: denyPolicyName(match[1]!, policy.id),
            uid: `uid-${policy.id}`,
            kind: "DenyPolicy",
            displayName: policy.displayName ?? policy.id,
          }));
          return { status: 200, body: policies.length > 0 ? { policies } : {} };
        },
      },
      {
        method: "GET",
        pattern: /^\/v2\/policies\/cloudresourcemanager\.googleapis\.com\/((?:projects|folders|organizations)\/[^/]+)\/denypolicies\/([^/]+)$/,
        id: "iam.policies.getPolicy",
        api: "iam.googleapis.com",
        permission: () => "iam.denypolicies.get",
        handle: (match) => {
          const policy = this.resource(match[1]!)?.denyPolicies?.find((candidate) => candidate.id === match[2]);
          if (!policy) return notFound(`deny policy ${match[2]}`);
          return {
            status: 200,
            body: { name: denyPolicyName(match[1]!, policy.id), uid: `uid-${policy.id}`, kind: "DenyPolicy", displayName: policy.displayName ?? policy.id, rules: policy.rules },
          };
        },
      },
      ...this.resourceRoutes(),
      ...this.containerRoutes(),
    ];
  }

  /** Compute Engine subnetworks, Cloud KMS keys and key rings, and the Container API's server config (GKE012–GKE016). */
  private resourceRoutes(): Route[] {
    const notFound = (what: string): Reply => ({ status: 404, body: errorBody(404, "NOT_FOUND", `${what} not found`) });
    const policyOf = (resource: FixtureResource): Reply => ({ status: 200, body: { version: 3, etag: "BwYfake=", ...(resource.iamPolicy ?? { bindings: [] }) } });
    const versionThree = (query: URLSearchParams, name: string): Reply | undefined =>
      query.get(name) === "3" ? undefined : { status: 400, body: errorBody(400, "INVALID_ARGUMENT", `emulator expects ${name}=3`) };
    const subnetwork = (match: RegExpExecArray) => this.project(match[1]!)?.subnetworks?.[`${match[2]}/${match[3]}`];
    const ring = (match: RegExpExecArray) => this.project(match[1]!)?.keyRings?.[`${match[2]}/${match[3]}`];
    return [
      {
        method: "GET",
        pattern: /^\/compute\/v1\/projects\/([^/]+)\/regions\/([^/]+)\/subnetworks\/([^/]+)$/,
        id: "compute.subnetworks.get",
        api: "compute.googleapis.com",
        permission: () => "compute.subnetworks.get",
        handle: (match) => {
          const found = subnetwork(match);
          if (!found) return notFound(`subnetwork ${match[3]}`);
          const ranges = (found.secondaryRanges ?? []).map((rangeName, i) => ({ rangeName, ipCidrRange: `10.${100 + i}.0.0/16` }));
          return { status: 200, body: { kind: "compute#subnetwork", name: match[3], selfLink: `https://www.googleapis.com/compute/v1/projects/${match[1]}/regions/${match[2]}/subnetworks/${match[3]}`, ipCidrRange: "10.0.0.0/20", ...(ranges.length > 0 && { secondaryIpRanges: ranges }) } };
        },
      },
      {
        method: "GET",
        pattern: /^\/compute\/v1\/projects\/([^/]+)\/regions\/([^/]+)\/subnetworks\/([^/]+)\/getIamPolicy$/,
        id: "compute.subnetworks.getIamPolicy",
        api: "compute.googleapis.com",
        permission: () => "compute.subnetworks.getIamPolicy",
        handle: (match, _body, query) => {
          const found = subnetwork(match);
          return versionThree(query, "optionsRequestedPolicyVersion") ?? (found ? policyOf(found) : notFound(`subnetwork ${match[3]}`));
        },
      },
      {
        method: "GET",
        pattern: /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/:]+)$/,
        id: "cloudkms.projects.locations.keyRings.cryptoKeys.get",
        api: "cloudkms.googleapis.com",
        permission: () => "cloudkms.cryptoKeys.get",
        handle: (match) => {
          const key = ring(match)?.keys[match[4]!];
          if (!key) return notFound(`key ${match[4]}`);
          const name = `projects/${match[1]}/locations/${match[2]}/keyRings/${match[3]}/cryptoKeys/${match[4]}`;
          const state = key.primaryState === undefined ? "ENABLED" : key.primaryState;
          return { status: 200, body: { name, purpose: key.purpose ?? "ENCRYPT_DECRYPT", ...(state !== null && { primary: { name: `${name}/cryptoKeyVersions/1`, state } }) } };
        },
      },
      {
        method: "GET",
        pattern: /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/:]+):getIamPolicy$/,
        id: "cloudkms.projects.locations.keyRings.cryptoKeys.getIamPolicy",
        api: "cloudkms.googleapis.com",
        permission: () => "cloudkms.cryptoKeys.getIamPolicy",
        handle: (match, _body, query) => {
          const key = ring(match)?.keys[match[4]!];
          return versionThree(query, "options.requestedPolicyVersion") ?? (key ? policyOf(key) : notFound(`key ${match[4]}`));
        },
      },
      {
        method: "GET",
        pattern: /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/:]+):getIamPolicy$/,
        id: "cloudkms.projects.locations.keyRings.getIamPolicy",
        api: "cloudkms.googleapis.com",
        permission: () => "cloudkms.keyRings.getIamPolicy",
        handle: (match, _body, query) => {
          const found = ring(match);
          return versionThree(query, "options.requestedPolicyVersion") ?? (found ? policyOf(found) : notFound(`key ring ${match[3]}`));
        },
      },
      {
        method: "GET",
        pattern: /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/serverConfig$/,
        id: "container.projects.locations.getServerConfig",
        api: "container.googleapis.com",
        handle: (match) => {
          if (!this.project(match[1]!)) return { status: 403, body: errorBody(403, "PERMISSION_DENIED", `the caller cannot see projects/${match[1]}`) };
          const config = this.fixture.serverConfigs?.[match[2]!];
          return config ? { status: 200, body: config } : { status: 400, body: errorBody(400, "INVALID_ARGUMENT", `Location "${match[2]}" is not supported`) };
        },
      },
    ];
  }

  /** The Container API reads and tokeninfo, for `preflight doctor`. */
  private containerRoutes(): Route[] {
    const notFound = (what: string): Reply => ({ status: 404, body: errorBody(404, "NOT_FOUND", `${what} not found`) });
    // `locations/-` lists every location, as the Container API does.
    const listInLocation = (collection: "clusters" | "operations", permission: string, items: (project: FixtureProject) => Array<{ location: string }> | undefined): Route => ({
      method: "GET",
      pattern: new RegExp(`^/v1/projects/([^/]+)/locations/([^/]+)/${collection}$`),
      id: `container.projects.locations.${collection}.list`,
      api: "container.googleapis.com",
      permission: () => permission,
      handle: (match) => {
        const project = this.project(match[1]!);
        if (!project) return { status: 403, body: permissionDenied(permission, `projects/${match[1]}`) };
        const found = (items(project) ?? []).filter((item) => match[2] === "-" || item.location === match[2]);
        return { status: 200, body: found.length > 0 ? { [collection]: found } : {} };
      },
    });
    return [
      {
        method: "GET",
        pattern: /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/clusters\/([^/:]+)$/,
        id: "container.projects.locations.clusters.get",
        api: "container.googleapis.com",
        permission: () => "container.clusters.get",
        handle: (match) => {
          const project = this.project(match[1]!);
          // The Container API answers 404 for a cluster it does not find, also in a project the caller cannot see.
          const cluster = project?.clusters?.find((candidate) => candidate.name === match[3] && candidate.location === match[2]);
          return cluster ? { status: 200, body: cluster } : notFound(`cluster ${match[3]}`);
        },
      },
      listInLocation("clusters", "container.clusters.list", (project) => project.clusters),
      listInLocation("operations", "container.operations.list", (project) => project.operations),
      {
        method: "POST",
        pattern: /^\/tokeninfo$/,
        id: "oauth2.tokeninfo",
        api: "oauth2.googleapis.com",
        handle: () => {
          const info = this.fixture.tokenInfo;
          if (info === "invalid") return { status: 400, body: { error: "invalid_token", error_description: "Invalid Value" } };
          return { status: 200, body: info ?? { azp: "32555940559.apps.googleusercontent.com", scope: "https://www.googleapis.com/auth/cloud-platform", expires_in: "3599", email: "someone@example.com" } };
        },
      },
    ];
  }
}

function denyPolicyName(attachedTo: string, id: string): string {
  return `policies/${encodeURIComponent(`cloudresourcemanager.googleapis.com/${attachedTo}`)}/denypolicies/${id}`;
}

/** Clients encode attachment points once or twice (`%2F`, `%252F`); read them plainly. */
function decodeAll(path: string): string {
  let current = path;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  response.end(JSON.stringify(body));
}

function statusName(status: number): string {
  return ({ 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" } as Record<number, string>)[status] ?? "UNKNOWN";
}

function errorBody(code: number, status: string, message: string, details?: unknown[]): unknown {
  return { error: { code, message, status, ...(details && { details }) } };
}

function permissionDenied(permission: string, resource: string): unknown {
  return errorBody(403, "PERMISSION_DENIED", `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "IAM_PERMISSION_DENIED",
      domain: "iam.googleapis.com",
      metadata: { permission, resource },
    },
  ]);
}

function serviceDisabled(api: string): unknown {
  return errorBody(403, "PERMISSION_DENIED", `${api.replace(/\.googleapis\.com$/, "")} API has not been used in project 42 before or it is disabled.`, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "SERVICE_DISABLED",
      domain: "googleapis.com",
      metadata: { service: api, consumer: "projects/42" },
    },
  ]);
}
