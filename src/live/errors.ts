import { ALLOWED_METHODS, RefusedRequestError } from "./allowlist";
import type { LiveError } from "./facts";
import { redact } from "./redact";
import { LiveCallError } from "./transport";

interface ErrorInfo {
  "@type"?: string;
  reason?: string;
  metadata?: Record<string, string>;
}

/**
 * A failed read as a fact: what failed, in one line, and the permission the caller lacks when
 * the API said so (or, for a bare 403, the permission the method is documented to need).
 */
export function toLiveError(error: unknown, secrets: readonly string[] = []): LiveError {
  const callError = findCallError(error);
  if (callError) return fromCallError(callError);
  if (error instanceof RefusedRequestError) return { error: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { error: redact(message.split("\n")[0] ?? "unknown error", secrets) };
}

/** The gax clients may wrap what the transport threw; look through `cause` chains. */
function findCallError(error: unknown): LiveCallError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof LiveCallError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function fromCallError(error: LiveCallError): LiveError {
  if (error.status !== 403) return { error: error.message };
  const details = errorDetails(error.body);
  const disabled = details.find((detail) => detail.reason === "SERVICE_DISABLED");
  if (disabled) {
    const service = disabled.metadata?.service ?? "the API";
    return { error: `${error.message} (${service} is not enabled in the project that pays for the call)` };
  }
  const permission =
    details.map((detail) => detail.metadata?.permission).find((value): value is string => typeof value === "string") ??
    permissionInText(error.message) ??
    ALLOWED_METHODS.find((method) => method.id === error.methodId)?.permission;
  return permission ? { error: error.message, missingPermission: permission } : { error: error.message };
}

function errorDetails(body: unknown): ErrorInfo[] {
  const details = (body as { error?: { details?: unknown } })?.error?.details;
  return Array.isArray(details) ? (details.filter((detail) => typeof detail === "object" && detail !== null) as ErrorInfo[]) : [];
}

/** "Permission 'iam.serviceAccounts.get' denied …", "Permission iam.roles.get is required …". */
function permissionInText(text: string): string | undefined {
  return /[Pp]ermission[s]?\s+['"‘]?([a-z][a-zA-Z0-9]*(?:\.[a-zA-Z0-9]+){2,})/.exec(text)?.[1];
}
