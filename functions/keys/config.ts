/**
 * Where a signer finds the active key, as plain JSON so it can be captured in
 * a Pulumi callback closure or an edge function's baked-in config.
 */
import {
  DEFAULT_HASH_ALGORITHM,
  DEFAULT_SIGNER_CACHE_TTL_SECONDS,
  DEFAULT_SIGNER_MAX_STALE_SECONDS,
} from "../../contract/defaults";
import type { HashAlgorithm } from "../cloudfront/types";

export interface KeySourceConfig {
  /** Region of the SSM parameters and secrets (the stack's region), whatever region the caller runs in. */
  readonly region: string;
  /** SSM parameter prefix, e.g. `/cloudfront-signer/dev` (see `parameterNames`). */
  readonly parameterPrefix: string;
  /** How long a loaded key is used before it is re-read. Default DEFAULT_CACHE_TTL_SECONDS. */
  readonly cacheTtlSeconds?: number;
  /**
   * Hard maximum age (seconds since the last successful load) of a key served
   * while refreshes fail; past it `getSigner` fails closed. Default DEFAULT_MAX_STALE_SECONDS; never
   * below `cacheTtlSeconds`. The rotation's safety window must use the same value.
   */
  readonly maxStaleSeconds?: number;
  /** Signature hash the signer uses. Default `sha1` (CloudFront's default). */
  readonly hashAlgorithm?: HashAlgorithm;
}

/** The stack's defaults (contract/defaults.ts), for a key source config that leaves them out. */
export const DEFAULT_CACHE_TTL_SECONDS = DEFAULT_SIGNER_CACHE_TTL_SECONDS;
export const DEFAULT_MAX_STALE_SECONDS = DEFAULT_SIGNER_MAX_STALE_SECONDS;
/**
 * Deadline for one key-store read (an SSM GetParameters or a Secrets Manager GetSecretValue,
 * the SDK's retries included), ms. The manifest edge reads the stack's region from wherever
 * CloudFront runs it, so a cold read pays DNS, TCP, TLS and the request across regions: about
 * four round trips, 800 ms at a 200 ms RTT. Its 5 s viewer-request limit is shared out in
 * functions/handlers/manifest-edge/manifest-edge.ts (maxFetchTimeoutMs).
 */
export const KEY_READ_TIMEOUT_MS = 1000;

/** After a failed refresh, callers keep the stale key and do not retry before this many seconds (capped at the TTL). */
export const REFRESH_RETRY_SECONDS = 30;

export interface ResolvedKeySourceConfig {
  readonly region: string;
  readonly parameterPrefix: string;
  readonly cacheTtlSeconds: number;
  readonly maxStaleSeconds: number;
  readonly hashAlgorithm: HashAlgorithm;
}

/** Validates and fills defaults; throws a plain-words Error on a bad config (a deploy-time mistake). */
export function resolveKeySourceConfig(config: KeySourceConfig): ResolvedKeySourceConfig {
  if (!config || typeof config !== "object") throw new Error("key source config: expected an object");
  if (typeof config.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(config.region)) {
    throw new Error(
      `key source config: region must be an AWS region name such as us-east-1, got ${JSON.stringify(config.region)}`,
    );
  }
  if (typeof config.parameterPrefix !== "string" || !/^\/[A-Za-z0-9_.\-/]+$/.test(config.parameterPrefix)) {
    throw new Error(
      `key source config: parameterPrefix must be an absolute SSM path such as /cloudfront-signer/dev, got ${JSON.stringify(config.parameterPrefix)}`,
    );
  }
  const cacheTtlSeconds = positiveInteger(
    config.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS,
    "cacheTtlSeconds",
  );
  const maxStaleSeconds = positiveInteger(
    config.maxStaleSeconds ?? Math.max(DEFAULT_MAX_STALE_SECONDS, cacheTtlSeconds),
    "maxStaleSeconds",
  );
  if (maxStaleSeconds < cacheTtlSeconds) {
    throw new Error(
      `key source config: maxStaleSeconds (${maxStaleSeconds}) must be >= cacheTtlSeconds (${cacheTtlSeconds})`,
    );
  }
  const hashAlgorithm = config.hashAlgorithm ?? DEFAULT_HASH_ALGORITHM;
  if (hashAlgorithm !== "sha1" && hashAlgorithm !== "sha256") {
    throw new Error(
      `key source config: hashAlgorithm must be "sha1" or "sha256", got ${JSON.stringify(hashAlgorithm)}`,
    );
  }
  return {
    region: config.region,
    parameterPrefix: config.parameterPrefix,
    cacheTtlSeconds,
    maxStaleSeconds,
    hashAlgorithm,
  };
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new Error(
      `key source config: ${name} must be a positive whole number of seconds, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
