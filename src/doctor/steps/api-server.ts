import { sh } from "../../text/shell";
import type { DoctorFacts } from "../facts";
import { isKubeFailure } from "../kube-api";
import { isReadError, type DoctorStep } from "../types";
import { identityOf, memberOf, readProblem, verdict, type StepMeta } from "./common";
import { rolesGrantingClusterGet } from "./permission";

export const meta: StepMeta = { id: "api-server", title: "The API server accepts the identity's token", pageRow: "401" };

/**
 * The page's curl: GET /api/v1/namespaces with the token and the cluster's CA. It bypasses kubectl
 * and the plugin, so its answer says which side is at fault.
 */
export function checkApiServer(facts: DoctorFacts): DoctorStep {
  const server = facts.apiServer;
  const who = identityOf(facts) ?? "the doctor's identity";
  if (server === undefined) return verdict(meta, "unknown", "the API server was not called", { reason: "the cluster's endpoint and CA were not read (see the cluster step)" });
  if (isReadError(server)) return verdict(meta, "unknown", "the API server was not called", { reason: server.error });
  const answer = server.namespaces;
  const version = server.version && !isKubeFailure(server.version) ? server.version.gitVersion : undefined;
  const details = { endpoint: server.endpoint, ...(version && { serverVersion: version }) };
  if (answer === undefined) return verdict(meta, "unknown", `the API server at ${server.endpoint} was not asked`, { reason: "no token", details });
  if (isKubeFailure(answer)) {
    return verdict(meta, "unknown", `the API server at ${server.endpoint} could not be asked`, {
      reason: answer.tls
        ? `${answer.error} (the server's certificate is not the cluster's: a proxy in between, or the wrong endpoint)`
        : `${answer.error} (a private endpoint or authorised networks may keep this machine out)`,
      details,
    });
  }
  if (answer.status === 200) {
    return verdict(meta, "pass", `${server.endpoint} lists namespaces for ${who}: if kubectl still gets 401, the plugin or the kubeconfig is at fault (see those steps)`, { details });
  }
  if (answer.status === 401) {
    const roles = rolesGrantingClusterGet();
    return verdict(meta, "fail", `${server.endpoint} does not accept ${who}'s token (401 ${answer.reason ?? "Unauthorized"}): this identity has no access to the cluster`, {
      remediation: {
        summary: `Ask an administrator for access to the cluster (an IAM role such as ${roles.slice(0, 2).join(" or ")}), or use the account that has it`,
        commands: [sh`gcloud projects add-iam-policy-binding ${facts.target.project} --member=${memberOf(identityOf(facts))} --role=${roles[0] ?? "roles/container.clusterViewer"}`, "gcloud auth list"],
      },
      details,
    });
  }
  if (answer.status === 403) {
    return verdict(meta, "fail", `${server.endpoint} knows ${who} but does not let it list namespaces (403): Kubernetes RBAC (or IAM) grants it nothing there`, {
      remediation: {
        summary: "Have a cluster admin bind a Kubernetes role to the identity, or grant an IAM role such as roles/container.viewer",
        commands: [sh`kubectl create clusterrolebinding ${`view-${(identityOf(facts) ?? "user").replace(/[^a-z0-9-]/gi, "-").toLowerCase()}`.slice(0, 63)} --clusterrole=view --user=${identityOf(facts) ?? "EMAIL"}`],
      },
      details,
    });
  }
  return verdict(meta, "unknown", `${server.endpoint} answered ${answer.status} to GET /api/v1/namespaces`, {
    reason: readProblem("the namespaces", { error: `HTTP ${answer.status}${answer.message ? `: ${answer.message}` : ""}` }),
    details,
  });
}
