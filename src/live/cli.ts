import type { Model } from "../model/types";
import { terminalSafe } from "../text/terminal-text";
import { isLiveError, type LiveError, type LiveFacts } from "./facts";
import { isGoogleProviderKey } from "../model/build";
import { liveRequestFor } from "./request";
// A run that checks some rules reads only what those rules (and the fact base they share) need.
import { rulesWithIds } from "../rules/select";
import { redact } from "./redact";
import { byCodeUnits } from "../model/order";
import type { LiveOptions, LiveRequest } from "./request-types";

/**
 * The `--live`, `--project` and `--api-endpoint` options of the CLI. This module stays light: the
 * reader and the Google client libraries are `require`d only when `--live` is given.
 */
export interface LiveFlags {
  live?: boolean;
  /** `--live-strict`: `--live`, and any fact it could not read is exit 2 (PREFLIGHT_LIVE_STRICT=1 makes `--live` strict). */
  liveStrict?: boolean;
  project?: string;
  apiEndpoint?: string;
  /** The rule ids `--rules` / `--skip-rules` chose: only their reads are made. Undefined: every rule. */
  checkedRules?: readonly string[];
}

export interface LiveIo {
  stderr: (text: string) => void;
  /** Progress is drawn only on a terminal. */
  stderrIsTty?: boolean;
  env: NodeJS.ProcessEnv;
}

/** `--live` cannot run as asked (no credentials, a malformed endpoint): exit 2, one line. */
export class LiveUsageError extends Error {
  override name = "LiveUsageError";
}

/**
 * `--project` is given to model building (`loadInputs(path, { defaultProject })`), before references
 * are resolved; `models` come with it applied. Here only the providers that kept their own project are told.
 * The facts read live, or undefined without --live (or when nothing exists yet to read).
 */
export async function liveFactsFor(models: Model[], flags: LiveFlags, io: LiveIo, options: Pick<LiveOptions, "accessToken"> = {}): Promise<LiveFacts | undefined> {
  if (flags.project) for (const line of projectFlagNotices(models, flags.project)) io.stderr(`preflight: ${terminalSafe(line)}\n`);
  if (!flags.live && !flags.liveStrict) {
    if (flags.apiEndpoint) io.stderr("preflight: --api-endpoint has no effect without --live\n");
    return undefined;
  }
  const strict = Boolean(flags.liveStrict) || isSet(io.env.PREFLIGHT_LIVE_STRICT);
  const { request, notice } = boundedRequest(liveRequestFor(models, rulesWithIds(flags.checkedRules)), io.env);
  if (notice && strict) throw new LiveUsageError(`--live-strict: not everything can be read: ${notice}`);
  if (notice) io.stderr(`preflight: --live: ${notice}\n`);
  if (request.projects.length === 0 && request.serviceAccounts.length === 0 && Object.keys(request.resourceCallerPermissions ?? {}).length === 0) {
    // Everything here is created by the apply (or its project is unknown): nothing exists to read yet.
    io.stderr("preflight: --live: nothing to read (no existing project or service account is named; --project names one)\n");
    return undefined;
  }
  const { readLive } = require("./read") as typeof import("./read");
  const progress = io.stderrIsTty ? progressLine(io.stderr) : undefined;
  let facts: LiveFacts;
  try {
    ({ facts } = await readLive(request, {
      ...options,
      env: io.env,
      ...(flags.apiEndpoint !== undefined && { apiEndpoint: flags.apiEndpoint }),
      ...(progress && { onProgress: progress.update }),
    }));
    progress?.clear();
  } catch (error) {
    progress?.clear();
    if (error instanceof Error && (error.name === "LiveSetupError" || error.name === "EndpointError")) throw new LiveUsageError(error.message);
    throw error;
  }
  if (strict) {
    const unread = strictFailure(facts);
    if (unread) throw new LiveUsageError(unread);
  }
  // Notices name projects and accounts as the input wrote them: keep them to one safe line.
  for (const line of liveNotices(facts)) io.stderr(`preflight: ${terminalSafe(redact(line))}\n`);
  return facts;
}

/** PREFLIGHT_LIVE_STRICT=1 (or true, yes); 0, false, no and empty leave it off. */
function isSet(value: string | undefined): boolean {
  return value !== undefined && !/^(|0|false|no|off)$/i.test(value.trim());
}

/**
 * For `--live-strict`: one line naming how many facts could not be read and the first reason, or
 * undefined when every fact was read.
 */
export function strictFailure(facts: LiveFacts): string | undefined {
  const errors = collectErrors(facts);
  if (errors.length === 0) return undefined;
  const [first] = errors;
  const reason = first!.error.missingPermission ? `the caller lacks ${first!.error.missingPermission}` : first!.error.error;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more; without --live-strict each reason is listed)` : "";
  return redact(`--live-strict: ${errors.length} live fact${errors.length === 1 ? "" : "s"} could not be read: ${first!.where}: ${reason}${more}`);
}

/** Google providers whose own (known) project differs from `--project`: the input's project is used. */
export function projectFlagNotices(models: readonly Model[], project: string): string[] {
  const lines: string[] = [];
  for (const model of models) {
    for (const config of model.providers.values()) {
      if (!isGoogleProviderKey(config.key) || typeof config.project !== "string" || config.project === project) continue;
      lines.push(`--project ${project} not used for provider ${config.key} in ${model.file}: the input sets project ${config.project}, which is used`);
    }
  }
  return lines;
}

/**
 * A plan names its projects and accounts: a crafted (or just very large) one must not turn
 * --live into tens of thousands of API calls. Past the limits the rest is not read, and the
 * checks that need it stay unknown. PREFLIGHT_LIVE_MAX_PROJECTS / _ACCOUNTS raise them.
 */
export const LIVE_LIMITS = { projects: 200, serviceAccounts: 2000 };

export function boundedRequest(request: LiveRequest, env: NodeJS.ProcessEnv): { request: LiveRequest; notice?: string } {
  const limit = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const maxProjects = limit("PREFLIGHT_LIVE_MAX_PROJECTS", LIVE_LIMITS.projects);
  const maxAccounts = limit("PREFLIGHT_LIVE_MAX_ACCOUNTS", LIVE_LIMITS.serviceAccounts);
  const hierarchy = Object.keys(request.resourceCallerPermissions ?? {}).sort();
  // Repositories are bounded like accounts: a project may hold many.
  const repositories = [...(request.artifactRepositories ?? [])].sort();
  const resources = Math.max(Object.keys(request.subnetworks ?? {}).length, request.cryptoKeys?.length ?? 0, request.serverConfigs?.length ?? 0);
  const withinLimits =
    request.projects.length <= maxProjects && hierarchy.length <= maxProjects && (request.workloadPoolProjects?.length ?? 0) <= maxProjects &&
    request.serviceAccounts.length <= maxAccounts && request.actAsChecks.length <= maxAccounts && repositories.length <= maxAccounts && resources <= maxAccounts;
  if (withinLimits) return { request };
  const keptHierarchy = new Set(hierarchy.slice(0, maxProjects));
  const projects = [...request.projects].sort().slice(0, maxProjects);
  const kept = new Set(projects);
  const accounts = [...request.serviceAccounts].sort().slice(0, maxAccounts);
  const bounded: LiveRequest = {
    ...request,
    projects,
    serviceAccounts: accounts,
    actAsChecks: [...request.actAsChecks].sort().slice(0, maxAccounts),
    callerPermissions: Object.fromEntries(Object.entries(request.callerPermissions).filter(([project]) => kept.has(project))),
    ...(request.defaultServiceAccountProjects && { defaultServiceAccountProjects: request.defaultServiceAccountProjects.filter((p) => kept.has(p)) }),
    ...(request.artifactRepositories && { artifactRepositories: repositories.filter((name) => kept.has(name.split("/")[1] ?? "")).slice(0, maxAccounts) }),
    ...(request.resourceCallerPermissions && { resourceCallerPermissions: Object.fromEntries(Object.entries(request.resourceCallerPermissions).filter(([name]) => keptHierarchy.has(name))) }),
    // Subnetworks, keys and locations are bounded like accounts; the projects whose clusters are listed, like projects.
    ...(request.subnetworks && { subnetworks: Object.fromEntries(Object.entries(request.subnetworks).sort(([a], [b]) => byCodeUnits(a, b)).slice(0, maxAccounts)) }),
    ...(request.cryptoKeys && { cryptoKeys: [...request.cryptoKeys].sort().slice(0, maxAccounts) }),
    ...(request.workloadPoolProjects && { workloadPoolProjects: [...request.workloadPoolProjects].sort().slice(0, maxProjects) }),
    ...(request.serverConfigs && { serverConfigs: [...request.serverConfigs].sort().slice(0, maxAccounts) }),
  };
  return {
    request: bounded,
    notice: `reading ${projects.length} of ${request.projects.length} projects${hierarchy.length > maxProjects ? ` (and ${maxProjects} of ${hierarchy.length} folders and organisations)` : ""} and ${accounts.length} of ${request.serviceAccounts.length} service accounts${repositories.length > maxAccounts ? ` (and at most ${maxAccounts} of ${repositories.length} Artifact Registry repositories)` : ""}${resources > maxAccounts ? ` (and at most ${maxAccounts} subnetworks, keys and locations of each kind)` : ""} (PREFLIGHT_LIVE_MAX_PROJECTS / PREFLIGHT_LIVE_MAX_ACCOUNTS raise the limits); checks on the others stay unknown`,
  };
}

export function progressLine(write: (text: string) => void) {
  let last = 0;
  return {
    update: (done: number, total: number) => {
      const now = Date.now();
      if (done < total && now - last < 80) return; // redraw at most ~12 times a second
      last = now;
      write(`\r\x1b[Kpreflight: reading the live project(s) ${done}/${total}`);
    },
    clear: () => write("\r\x1b[K"),
  };
}

/**
 * One line per distinct reason a live fact could not be read, so the reader knows which role to
 * ask for. The verdicts that needed those facts stay `unknown` and say so themselves.
 */
export function liveNotices(facts: LiveFacts, limit = 6): string[] {
  const errors = collectErrors(facts);
  if (errors.length === 0) return [];
  const byReason = new Map<string, string[]>();
  for (const { where, error } of errors) {
    const reason = error.missingPermission ? `the caller lacks ${error.missingPermission}` : error.error;
    byReason.set(reason, [...(byReason.get(reason) ?? []), where]);
  }
  const lines = [...byReason].map(([reason, where]) => `--live could not read ${describe(where)}: ${reason}`);
  return lines.length > limit ? [...lines.slice(0, limit), `--live: ${lines.length - limit} more reasons; see the unknown findings`] : lines;
}

function describe(where: string[]): string {
  const unique = [...new Set(where)];
  return unique.length <= 3 ? unique.join(", ") : `${unique.slice(0, 3).join(", ")} and ${unique.length - 3} more`;
}

function collectErrors(facts: LiveFacts): Array<{ where: string; error: LiveError }> {
  const found: Array<{ where: string; error: LiveError }> = [];
  const seenProjects = new Set<object>();
  for (const [key, project] of Object.entries(facts.projects)) {
    if (seenProjects.has(project)) continue; // the same project under its id and number
    seenProjects.add(project);
    if (isLiveError(project)) {
      found.push({ where: `project ${key}`, error: project });
      continue;
    }
    const parts: Array<[string, unknown]> = [
      ["ancestry", project.ancestry],
      ["IAM policy", project.iamPolicy],
      ["enabled APIs", project.enabledServices],
      ["deny policies", project.denyRules],
      ["deployer permissions", project.callerPermissions],
      ...Object.entries(project.ancestorPolicies ?? {}).map(([name, policy]): [string, unknown] => [`IAM policy of ${name}`, policy]),
    ];
    for (const [what, value] of parts) if (isLiveError(value)) found.push({ where: `${what} of ${project.projectId}`, error: value });
  }
  for (const [email, account] of Object.entries(facts.serviceAccounts)) {
    if (isLiveError(account)) found.push({ where: email, error: account });
    else if (isLiveError(account.callerCanActAs)) found.push({ where: `actAs on ${email}`, error: account.callerCanActAs });
  }
  for (const [role, permissions] of Object.entries(facts.roles)) if (isLiveError(permissions)) found.push({ where: role, error: permissions });
  for (const [name, repository] of Object.entries(facts.artifactRepositories ?? {})) if (isLiveError(repository)) found.push({ where: `IAM policy of ${name}`, error: repository });
  for (const [name, held] of Object.entries(facts.resourceCallerPermissions ?? {})) if (isLiveError(held)) found.push({ where: `deployer permissions on ${name}`, error: held });
  for (const [name, subnetwork] of Object.entries(facts.subnetworks ?? {})) {
    if (isLiveError(subnetwork.secondaryRanges)) found.push({ where: `subnetwork ${name}`, error: subnetwork.secondaryRanges });
    if (isLiveError(subnetwork.iamPolicy)) found.push({ where: `IAM policy of ${name}`, error: subnetwork.iamPolicy });
  }
  for (const [name, key] of Object.entries(facts.cryptoKeys ?? {})) {
    if (isLiveError(key.state)) found.push({ where: `key ${name}`, error: key.state });
    if (isLiveError(key.iamPolicy)) found.push({ where: `IAM policy of ${name}`, error: key.iamPolicy });
    if (isLiveError(key.ringIamPolicy)) found.push({ where: `IAM policy of the key ring of ${name}`, error: key.ringIamPolicy });
  }
  for (const [project, pool] of Object.entries(facts.workloadPools ?? {})) if (isLiveError(pool)) found.push({ where: `clusters of ${project}`, error: pool });
  for (const [name, config] of Object.entries(facts.serverConfigs ?? {})) if (isLiveError(config)) found.push({ where: `server config of ${name}`, error: config });
  return found;
}
