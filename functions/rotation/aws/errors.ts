/** Maps AWS SDK errors onto the ports' ServiceError kinds (by error name, then HTTP status). */
import { ServiceError, type ServiceErrorKind } from "../errors";

const BY_NAME: Record<string, ServiceErrorKind> = {
  PreconditionFailed: "precondition-failed",
  InvalidIfMatchVersion: "precondition-failed",
  PublicKeyInUse: "public-key-in-use",
  PublicKeyAlreadyExists: "public-key-exists",
  ParameterAlreadyExists: "parameter-exists",
  NoSuchResource: "not-found",
  NoSuchPublicKey: "not-found",
  NoSuchDistribution: "not-found",
  ResourceNotFoundException: "not-found",
  ParameterNotFound: "not-found",
  Throttling: "throttled",
  ThrottlingException: "throttled",
  TooManyRequestsException: "throttled",
  RequestLimitExceeded: "throttled",
  TooManyUpdates: "throttled",
  AccessDenied: "access-denied",
  AccessDeniedException: "access-denied",
  InternalServerError: "unavailable",
  InternalFailure: "unavailable",
  InternalServiceError: "unavailable",
  ServiceUnavailable: "unavailable",
  ResourceExistsException: "invalid",
  InvalidArgument: "invalid",
  ValidationException: "invalid",
  TooManyPublicKeysInKeyGroup: "invalid",
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreatePublicKey.html (Errors)
  TooManyPublicKeys: "quota-exceeded",
};

export function toServiceError(error: unknown, operation: string): ServiceError {
  if (error instanceof ServiceError) return error;
  const name = (error as { name?: string })?.name ?? "Error";
  const message = (error as { message?: string })?.message ?? String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const throttling = (error as { $retryable?: { throttling?: boolean } })?.$retryable?.throttling === true;
  const kind: ServiceErrorKind =
    BY_NAME[name] ??
    (throttling || status === 429
      ? "throttled"
      : status !== undefined && status < 500
        ? "invalid"
        : "unavailable");
  return new ServiceError(kind, `${operation}: ${name}: ${message}`, name);
}

/** Runs one SDK call, mapping any error. */
export async function mapped<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toServiceError(error, operation);
  }
}
