import { sh } from "../../text/shell";
import type { DoctorFacts } from "../facts";
import { isReadError, type DoctorStep } from "../types";
import { readProblem, refreshCredentials, verdict, type StepMeta } from "./common";

export const meta: StepMeta = { id: "cluster", title: "The cluster exists where it is looked for", pageRow: "404" };

/**
 * A 404 from `gcloud container` has three everyday causes: the cluster is in another location of
 * the project, the project is not the one meant, or the credentials are stale. clusters.list on
 * `locations/-` tells the first two apart.
 */
export function checkCluster(facts: DoctorFacts): DoctorStep {
  const { project, location, cluster: name } = facts.target;
  const where = `${project}/${location}/${name}`;
  const cluster = facts.cluster;
  if (cluster === undefined) return verdict(meta, "unknown", `cluster ${where} not read`, { reason: "no usable Google credentials (see the credentials step)" });
  if (!isReadError(cluster)) {
    return verdict(meta, "pass", `cluster ${where} found${cluster.status ? `, status ${cluster.status}` : ""}`, {
      details: { status: cluster.status, endpoint: cluster.endpoint, currentMasterVersion: cluster.currentMasterVersion },
    });
  }
  if (cluster.status === 403) {
    return verdict(meta, "unknown", `cluster ${where} cannot be seen`, {
      reason: `clusters.get was refused (HTTP 403): without container.clusters.get the doctor cannot tell whether it exists (see the permission step)`,
    });
  }
  if (cluster.status === 401) return verdict(meta, "unknown", `cluster ${where} not read`, { reason: "Google refused the credentials (HTTP 401; see the credentials step)" });
  if (cluster.status !== 404) return verdict(meta, "unknown", `cluster ${where} not read`, { reason: readProblem("the cluster", cluster) });
  return notFound(facts);
}

function notFound(facts: DoctorFacts): DoctorStep {
  const { project, location, cluster: name } = facts.target;
  const active = facts.gcloud.project;
  const otherProject = active && active !== project ? `gcloud's active project is ${active}, not ${project}` : undefined;
  const everywhere = facts.clustersEverywhere;
  if (everywhere && !isReadError(everywhere)) {
    const elsewhere = everywhere.filter((candidate) => candidate.name === name && candidate.location !== location);
    if (elsewhere.length > 0) {
      const locations = elsewhere.map((candidate) => candidate.location);
      return verdict(meta, "fail", `project ${project} has no cluster ${name} in ${location}; it has one in ${locations.join(", ")}`, {
        remediation: {
          summary: `Name the cluster's real location (a zonal cluster is not found under its region, nor the reverse), and fetch the kubeconfig entry for it`,
          commands: locations.map((real) => sh`gcloud container clusters get-credentials ${name} --location=${real} --project=${project}`),
        },
        details: { foundIn: locations },
      });
    }
    const names = everywhere.map((candidate) => `${candidate.name} (${candidate.location})`).slice(0, 10);
    return verdict(meta, "fail", `project ${project} has no cluster named ${name} in any location${otherProject ? `; ${otherProject}` : ""}`, {
      remediation: otherProject
        ? { summary: `Point gcloud (or --project) at the project that holds the cluster`, commands: [sh`gcloud config set project ${project}`] }
        : { summary: `Check the cluster's name and project; if it does exist there, your credentials may be stale: log in again`, commands: refreshCredentials().commands },
      details: { clustersInProject: names, ...(active && { activeProject: active }) },
    });
  }
  return verdict(meta, "fail", `clusters.get answered 404 for ${project}/${location}/${name}${otherProject ? `; ${otherProject}` : ""}`, {
    remediation: {
      summary: `Check the location (zone or region) and the project; if both are right, your credentials may be stale: log in again`,
      commands: refreshCredentials().commands,
    },
    ...(everywhere && isReadError(everywhere) && { reason: readProblem("the clusters in other locations", everywhere) }),
  });
}
