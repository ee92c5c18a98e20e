/**
 * Errors the rotation ports raise, independent of any SDK: adapters map AWS
 * error names onto these, the in-memory model throws them directly, and the
 * state machine decides per kind whether to retry, wait, or stop.
 */

export type ServiceErrorKind =
  | "precondition-failed" // an IfMatch ETag is stale
  | "public-key-in-use" // DeletePublicKey on a key a key group still holds
  | "public-key-exists" // CreatePublicKey with a CallerReference/name already used
  | "parameter-exists" // PutParameter without Overwrite on an existing name
  | "quota-exceeded" // CreatePublicKey: TooManyPublicKeys (the account's public key quota)
  | "not-found"
  | "throttled"
  | "unavailable" // 5xx, timeouts
  | "access-denied"
  | "invalid";

export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    /** The AWS error name when an adapter raised it. */
    readonly awsName?: string,
  ) {
    super(message);
    this.name = "ServiceError";
  }

  /** Worth retrying on the next run without any change of plan. */
  get retryable(): boolean {
    return this.kind === "throttled" || this.kind === "unavailable" || this.kind === "precondition-failed";
  }
}

export function isServiceError(error: unknown, kind?: ServiceErrorKind): error is ServiceError {
  return error instanceof ServiceError && (kind === undefined || error.kind === kind);
}

/** A rotation (or step) that would break an invariant; nothing was changed. */
export class RotationRefusedError extends Error {
  readonly code = "rotation-refused";
  constructor(
    message: string,
    /** Epoch seconds from which the refused action would be safe, when known. */
    readonly safeAfter?: number,
  ) {
    super(message);
    this.name = "RotationRefusedError";
  }
}

/** The AWS resources are not in a shape the rotation understands (misconfiguration). */
export class RotationConfigError extends Error {
  readonly code = "rotation-config";
  constructor(message: string) {
    super(message);
    this.name = "RotationConfigError";
  }
}

/** What a step read changed under it; the runner observes and decides again. */
export class StaleObservationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StaleObservationError";
  }
}

/**
 * The run no longer owns the rotation lease (another run wrote the state, the
 * lease is near expiry, or the run's deadline passed): it stopped before the
 * named write and changed nothing more.
 */
export class LeaseLostError extends Error {
  readonly code = "lease-lost";
  constructor(message: string) {
    super(message);
    this.name = "LeaseLostError";
  }
}
