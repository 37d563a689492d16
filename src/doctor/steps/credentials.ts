import type { DoctorFacts } from "../facts";
import { isReadError, type DoctorStep } from "../types";
import { PLUGIN, readProblem, refreshCredentials, verdict, type StepMeta } from "./common";

export const meta: StepMeta = { id: "credentials", title: "A valid Google token, and whose it is", pageRow: "401" };

const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

/**
 * The page checks the token with tokeninfo. The token the doctor checks is its own (as for
 * `--live`: GOOGLE_OAUTH_ACCESS_TOKEN, else Application Default Credentials), or with --as-kubectl
 * the plugin's; kubectl's plugin takes gcloud's active account, so a difference is said.
 */
export function checkCredentials(facts: DoctorFacts): DoctorStep {
  const credentials = facts.credentials;
  if (isReadError(credentials)) {
    return verdict(meta, "fail", `no usable Google credentials: ${credentials.error}`, { remediation: refreshCredentials() });
  }
  const source = `${credentials.source}${credentials.detail ? ` (${credentials.detail})` : ""}`;
  const info = facts.tokenInfo;
  if (info === undefined) return verdict(meta, "unknown", `token from ${source} not checked`, { reason: "tokeninfo was not asked" });
  if (isReadError(info)) {
    if (info.status === 400 || info.status === 401) {
      return verdict(meta, "fail", `Google does not accept the token from ${source} (tokeninfo answered ${info.status}): it has expired or was revoked`, {
        remediation: refreshCredentials(),
      });
    }
    return verdict(meta, "unknown", `token from ${source} not checked`, { reason: readProblem("tokeninfo", info) });
  }
  const details: Record<string, unknown> = {
    source: credentials.source,
    ...(credentials.detail && { sourceDetail: credentials.detail }),
    ...(info.email && { email: info.email }),
    scopes: info.scopes,
    ...(info.expiresIn !== undefined && { expiresInSeconds: info.expiresIn }),
    ...(facts.gcloud.account && { gcloudAccount: facts.gcloud.account }),
  };
  if (info.expiresIn !== undefined && info.expiresIn <= 0) {
    return verdict(meta, "fail", `the token from ${source} has expired`, { remediation: refreshCredentials(), details });
  }
  const cluster = facts.cluster;
  if (cluster && isReadError(cluster) && cluster.reason === "ACCESS_TOKEN_SCOPE_INSUFFICIENT") {
    return verdict(meta, "fail", `the token from ${source} lacks the scope the Container API needs (it has: ${info.scopes.join(" ") || "none"})`, {
      remediation: {
        summary: `Use a token with the ${CLOUD_PLATFORM} scope (gcloud's own login has it; a VM's service account needs the cloud-platform access scope)`,
        commands: ["gcloud auth login"],
      },
      details,
    });
  }
  const whose = info.email ?? "an identity tokeninfo does not name";
  const minutes = info.expiresIn !== undefined ? `, valid for ${Math.floor(info.expiresIn / 60)} more minutes` : "";
  const differs = credentials.source !== PLUGIN && facts.gcloud.account && info.email && facts.gcloud.account !== info.email
    ? `; note: gcloud's active account, which kubectl's auth plugin uses, is ${facts.gcloud.account}: the steps below speak for ${info.email}`
    : "";
  return verdict(meta, "pass", `token of ${whose} from ${source}${minutes}${differs}`, { details });
}
