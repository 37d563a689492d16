import type { GcloudConfig } from "./gcloud-config";
import { parseGkeContextName, type Kubeconfig } from "./kubeconfig";
import type { ClusterTarget } from "./types";

/** The doctor cannot start: it does not know which cluster to look at. Exit 2, one line. */
export class DoctorUsageError extends Error {
  override name = "DoctorUsageError";
}

export interface TargetFlags {
  cluster?: string;
  location?: string;
  project?: string;
  context?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Which cluster: each of --cluster/--location/--project wins; what they leave open comes from the
 * kubeconfig context (`--context`, else the current one) when it is a GKE context, and the
 * project lastly from gcloud's active project.
 */
export function resolveTarget(flags: TargetFlags, kubeconfig: Kubeconfig, gcloud: GcloudConfig): ClusterTarget {
  const contextName = flags.context ?? (flags.cluster ? undefined : kubeconfig.currentContext);
  if (flags.context && !kubeconfig.contexts.has(flags.context)) {
    throw new DoctorUsageError(`--context ${flags.context}: no such context in ${kubeconfig.files.join(", ") || "the kubeconfig"}`);
  }
  const fromContext = contextName ? parseGkeContextName(contextName) : undefined;
  if (!flags.cluster && !fromContext) {
    throw new DoctorUsageError(
      contextName
        ? `doctor: context ${contextName} is not a GKE context (gke_PROJECT_LOCATION_CLUSTER); name the cluster with --cluster, --location and --project`
        : "doctor: no cluster named and no current kubeconfig context; give --cluster, --location and --project",
    );
  }
  const cluster = flags.cluster ?? fromContext!.cluster;
  const location = flags.location ?? (flags.cluster ? undefined : fromContext?.location);
  const project = flags.project ?? (flags.cluster ? undefined : fromContext?.project) ?? gcloud.project;
  if (!location) throw new DoctorUsageError("doctor: --cluster needs --location (the cluster's zone or region)");
  if (!project) throw new DoctorUsageError("doctor: no project: give --project (gcloud has no active project either)");
  for (const [flag, value] of [["--cluster", cluster], ["--location", location], ["--project", project]] as const) {
    if (!NAME.test(value)) throw new DoctorUsageError(`doctor: ${flag} "${value}" is not a cluster, location or project name`);
  }
  const usedContext = !flags.cluster && contextName;
  return { project, location, cluster, source: usedContext ? "kubeconfig context" : "flags", ...(usedContext && { context: contextName }) };
}
