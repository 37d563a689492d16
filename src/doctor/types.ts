/** What `preflight doctor` reports: one verdict per step of the page's diagnosis, in the page's order. */
export type StepStatus = "pass" | "fail" | "unknown";

export type StepId = "cluster" | "credentials" | "permission" | "kubeconfig" | "plugin" | "kubectl" | "api-server" | "recreation";

export interface StepRemediation {
  /** One sentence in the project's own words. */
  summary: string;
  /** Shell commands with the real names filled in (shell-quoted). */
  commands: string[];
}

export interface DoctorStep {
  id: StepId;
  title: string;
  /** The row of Google's 4xx page this step diagnoses. */
  pageRow: "401" | "403" | "404" | "400";
  status: StepStatus;
  /** One line: what was found. */
  message: string;
  /** For `unknown`: why it could not be decided. */
  reason?: string;
  remediation?: StepRemediation;
  /** Plain facts for machine readers (never a token, key or kubeconfig secret). */
  details?: Record<string, unknown>;
}

export interface ClusterTarget {
  project: string;
  location: string;
  cluster: string;
  /** How the target was found. */
  source: "flags" | "kubeconfig context";
  /** The kubeconfig context that named it, when it came from one. */
  context?: string;
}

export interface DoctorCall {
  methodId: string;
  httpMethod: string;
  path: string;
  status?: number;
}

export interface DoctorReport {
  schemaVersion: 1;
  target: ClusterTarget;
  steps: DoctorStep[];
  summary: Record<StepStatus, number>;
  /** Every read made, Google's and the Kubernetes API's: method and path, nothing secret. */
  calls: DoctorCall[];
}

/** A read that did not answer with data. */
export interface ReadError {
  error: string;
  status?: number;
  /** Google's ErrorInfo reason, e.g. ACCESS_TOKEN_SCOPE_INSUFFICIENT. */
  reason?: string;
}

export function isReadError(value: unknown): value is ReadError {
  return typeof value === "object" && value !== null && typeof (value as ReadError).error === "string" && !Array.isArray(value);
}

export const PAGE_URL = "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors";
