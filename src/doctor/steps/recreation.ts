import { X509Certificate } from "node:crypto";
import { sh } from "../../text/shell";
import type { DoctorFacts } from "../facts";
import type { ClusterInfo, OperationInfo } from "../google-reads";
import { isReadError, type DoctorStep } from "../types";
import { readProblem, verdict, type StepMeta } from "./common";

export const meta: StepMeta = { id: "recreation", title: "No recreation of the cluster or its node pools is pending", pageRow: "400" };

/** Statuses of work in progress, and of trouble (Cluster.Status, NodePool.Status in the v1 API). */
const BUSY = new Set(["PROVISIONING", "RECONCILING", "STOPPING"]);
const TROUBLE = new Set(["ERROR", "DEGRADED", "RUNNING_WITH_ERROR"]);
const RUNNING_OPERATION = new Set(["PENDING", "RUNNING", "ABORTING"]);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * No API field says "marked for recreation". What shows it: operations still running on the
 * cluster (upgrades, credential or IP rotation), the cluster or a pool reconciling, error states
 * and conditions, and the cluster CA near its end (GKE degrades the cluster a week before).
 * An error status or an expired CA is a `fail`; work in progress and conditions are `unknown`
 * (wait, or start the pools' upgrade).
 */
export function checkRecreation(facts: DoctorFacts): DoctorStep {
  const cluster = facts.cluster;
  if (cluster === undefined || isReadError(cluster)) return verdict(meta, "unknown", "the cluster's state was not read", { reason: "clusters.get did not answer (see the cluster step)" });
  const trouble: string[] = [];
  const busy: string[] = [];
  if (cluster.status && TROUBLE.has(cluster.status)) trouble.push(`the cluster is ${cluster.status}${cluster.statusMessage ? ` (${cluster.statusMessage})` : ""}`);
  if (cluster.status && BUSY.has(cluster.status)) busy.push(`the cluster is ${cluster.status}`);
  // A condition without an error status is a sign, not a failure: it goes with the work in progress.
  for (const condition of cluster.conditions) busy.push(`cluster condition ${condition.code ?? "(no code)"}${condition.message ? `: ${condition.message}` : ""}`);
  const busyPools: string[] = [];
  for (const pool of cluster.nodePools) {
    if (pool.status && TROUBLE.has(pool.status)) trouble.push(`node pool ${pool.name} is ${pool.status}${pool.statusMessage ? ` (${pool.statusMessage})` : ""}`);
    if (pool.status && BUSY.has(pool.status)) {
      busy.push(`node pool ${pool.name} is ${pool.status}`);
      busyPools.push(pool.name);
    }
    for (const condition of pool.conditions) busy.push(`node pool ${pool.name} condition ${condition.code ?? "(no code)"}${condition.message ? `: ${condition.message}` : ""}`);
  }
  const operations = facts.operations;
  const running = operations && !isReadError(operations) ? operationsOn(cluster, operations) : [];
  for (const operation of running) busy.push(`operation ${operation.operationType ?? operation.name} is ${operation.status}${operation.startTime ? ` since ${operation.startTime}` : ""}`);
  const ca = caExpiry(cluster.clusterCaCertificate, facts.now);
  if (ca && ca.daysLeft < 0) trouble.push(`the cluster CA expired on ${ca.notAfter}`);
  const behind = cluster.currentMasterVersion ? cluster.nodePools.filter((pool) => pool.version && pool.version !== cluster.currentMasterVersion) : [];

  const details = {
    clusterStatus: cluster.status,
    nodePools: cluster.nodePools.map((pool) => ({ name: pool.name, status: pool.status, version: pool.version })),
    operationsInProgress: running.map((operation) => ({ type: operation.operationType, status: operation.status })),
    ...(ca && { caNotAfter: ca.notAfter, caDaysLeft: ca.daysLeft }),
    ...(behind.length > 0 && { poolsBehindControlPlane: behind.map((pool) => pool.name) }),
  };
  const { project, location } = facts.target;
  const upgrade = (pools: string[]) =>
    (pools.length > 0 ? pools : ["POOL_NAME"]).map((pool) => sh`gcloud container clusters upgrade ${cluster.name} --node-pool=${pool} --location=${location} --project=${project}`);
  if (trouble.length > 0) {
    return verdict(meta, "fail", trouble.join("; "), {
      remediation: {
        summary: ca && ca.daysLeft < 30 ? "Rotate the cluster's credentials before the CA runs out, then upgrade the node pools so they are recreated" : "Look into the errors above before starting an operation that recreates the control plane or nodes",
        commands: ca && ca.daysLeft < 30 ? [sh`gcloud container clusters update ${cluster.name} --start-credential-rotation --location=${location} --project=${project}`] : [sh`gcloud container operations list --location=${location} --project=${project}`],
      },
      details,
    });
  }
  if (operations && isReadError(operations) && busy.length === 0) {
    return verdict(meta, "unknown", "the cluster and its node pools are running; operations in progress could not be read", { reason: readProblem("the operations", operations), details });
  }
  if (busy.length > 0) {
    return verdict(meta, "unknown", `${busy.join("; ")}: an operation that recreates the control plane or nodes may be refused until it is done`, {
      reason: "whether pools are marked for recreation is not shown by any API; these are the signs of it",
      remediation: {
        summary: "Wait for the operations to finish (maintenance windows and exclusions can stretch this to days), or start the recreation yourself by upgrading each affected pool to the control plane's version",
        commands: upgrade(busyPools.length > 0 ? busyPools : behind.map((pool) => pool.name)),
      },
      details,
    });
  }
  const note = [
    behind.length > 0 ? `node pools ${behind.map((pool) => pool.name).join(", ")} run another version than the control plane (${cluster.currentMasterVersion})` : "",
    ca && ca.daysLeft < 30 ? `the cluster CA ends on ${ca.notAfter} (${ca.daysLeft} days)` : "",
  ].filter(Boolean);
  return verdict(meta, "pass", `the cluster and its ${cluster.nodePools.length} node pool(s) are running, no operation is in progress${note.length > 0 ? `; note: ${note.join("; ")}` : ""}`, { details });
}

/** Operations still running whose target is this cluster or one of its pools. */
export function operationsOn(cluster: ClusterInfo, operations: readonly OperationInfo[]): OperationInfo[] {
  const marker = `/clusters/${cluster.name}`;
  return operations.filter((operation) => {
    if (!operation.status || !RUNNING_OPERATION.has(operation.status) || !operation.targetLink) return false;
    const at = operation.targetLink.indexOf(marker);
    if (at < 0) return false;
    const next = operation.targetLink.charAt(at + marker.length);
    return next === "" || next === "/";
  });
}

/** The CA's end date, from `masterAuth.clusterCaCertificate` (base64 of a PEM). */
export function caExpiry(base64Pem: string | undefined, now: Date): { notAfter: string; daysLeft: number } | undefined {
  const pem = caPemOf(base64Pem);
  if (!pem) return undefined;
  try {
    const notAfter = new Date(new X509Certificate(pem).validTo);
    if (Number.isNaN(notAfter.getTime())) return undefined;
    return { notAfter: notAfter.toISOString().slice(0, 10), daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS) };
  } catch {
    return undefined;
  }
}

export function caPemOf(base64Pem: string | undefined): string | undefined {
  if (!base64Pem) return undefined;
  const text = Buffer.from(base64Pem, "base64").toString("utf8");
  return text.includes("-----BEGIN CERTIFICATE-----") ? text : undefined;
}
