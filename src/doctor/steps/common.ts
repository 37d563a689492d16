import { sh } from "../../text/shell";
import type { DoctorFacts } from "../facts";
import { isReadError, type DoctorStep, type StepId, type StepRemediation } from "../types";

export interface StepMeta {
  id: StepId;
  title: string;
  pageRow: DoctorStep["pageRow"];
}

export function verdict(meta: StepMeta, status: DoctorStep["status"], message: string, extra: Partial<Pick<DoctorStep, "reason" | "remediation" | "details">> = {}): DoctorStep {
  return { ...meta, status, message, ...extra };
}

/** The email tokeninfo gave for the doctor's token, when it answered. */
export function identityOf(facts: DoctorFacts): string | undefined {
  return facts.tokenInfo && !isReadError(facts.tokenInfo) ? facts.tokenInfo.email : undefined;
}

export function memberOf(email: string | undefined): string {
  if (!email) return "user:EMAIL";
  return email.endsWith(".gserviceaccount.com") ? `serviceAccount:${email}` : `user:${email}`;
}

export function getCredentials(facts: DoctorFacts): string {
  const { cluster, location, project } = facts.target;
  return sh`gcloud container clusters get-credentials ${cluster} --location=${location} --project=${project}`;
}

export function refreshCredentials(): StepRemediation {
  return {
    summary: "Log in again so that gcloud and Application Default Credentials hold a fresh token (or export a new GOOGLE_OAUTH_ACCESS_TOKEN)",
    commands: ["gcloud auth login", "gcloud auth application-default login"],
  };
}

/** Why a Google read could not decide a step, in one line. */
export function readProblem(what: string, error: { error: string }): string {
  return `${what} could not be read: ${error.error}`;
}

/** `basename` for both separators: a kubeconfig written on Windows names `C:\…\gke-gcloud-auth-plugin.exe`. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export const PLUGIN = "gke-gcloud-auth-plugin";
