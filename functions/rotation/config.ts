/**
 * Rotation settings, plain JSON (captured in the rotation Lambda's closure and
 * used by the CLI). The safety window of a retired key is the rotation
 * invariant's key retention (contract/rotation-window.ts) after it was last
 * the active key. Defaults are the stack's (contract/defaults.ts).
 */
import {
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_MIN_PROPAGATION_SECONDS,
  DEFAULT_ROTATION_INTERVAL_DAYS,
  DEFAULT_ROTATION_LEASE_SECONDS,
  DEFAULT_SIGNER_CACHE_TTL_SECONDS,
  DEFAULT_SIGNER_MAX_STALE_SECONDS,
} from "../../contract/defaults";
import { keyRetentionSeconds } from "../../contract/rotation-window";
import type { KeyAlgorithm } from "../cloudfront/types";
import { MAX_KEY_GROUPS_PER_BEHAVIOR } from "../../contract/limits";

export interface RotationSlot {
  /** CloudFront key group id. */
  readonly keyGroupId: string;
  /** ARN of the Secrets Manager secret holding this slot's private key. */
  readonly secretArn: string;
}

export interface RotationConfig {
  /** SSM prefix, e.g. `/cloudfront-signer/dev` (see `parameterNames`). */
  readonly parameterPrefix: string;
  /** CloudFront distribution id whose behaviors trust both key groups. */
  readonly distributionId: string;
  /** The two key group + secret pairs; whichever the active secret parameter names is active. */
  readonly slots: readonly [RotationSlot, RotationSlot];
  /** Algorithm of generated keys. Default DEFAULT_KEY_ALGORITHM. */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Rotate when the active key is this old. Default DEFAULT_ROTATION_INTERVAL_DAYS. */
  readonly rotationIntervalDays?: number;
  /** Signers' key cache TTL (KeySourceConfig.cacheTtlSeconds). Default DEFAULT_SIGNER_CACHE_TTL_SECONDS. */
  readonly signerCacheTtlSeconds?: number;
  /** Signers' hard maximum key age (KeySourceConfig.maxStaleSeconds). Default DEFAULT_SIGNER_MAX_STALE_SECONDS. */
  readonly signerMaxStaleSeconds?: number;
  /** Longest lifetime any signer grants a URL or cookie (stack maximum). Required. */
  readonly maxUrlLifetimeSeconds: number;
  /** Clock difference allowed between signers, CloudFront and the rotation. Default DEFAULT_CLOCK_SKEW_SECONDS. */
  readonly clockSkewSeconds?: number;
  /** Minimum wait after a key group change before trusting a `Deployed` status. Default DEFAULT_MIN_PROPAGATION_SECONDS. */
  readonly minPropagationSeconds?: number;
  /** How long a run holds the rotation lease; longer than the Lambda timeout. Default DEFAULT_ROTATION_LEASE_SECONDS. */
  readonly leaseSeconds?: number;
  /** Prefix of generated public key names (letters, digits, `-`, `_`). Default from the parameter prefix. */
  readonly keyNamePrefix?: string;
}

export type ResolvedRotationConfig = Required<RotationConfig>;

export function resolveRotationConfig(config: RotationConfig): ResolvedRotationConfig {
  const fail = (message: string): never => {
    throw new Error(`rotation config: ${message}`);
  };
  if (!config || typeof config !== "object") fail("expected an object");
  if (typeof config.parameterPrefix !== "string" || !/^\/[A-Za-z0-9_.\-/]+$/.test(config.parameterPrefix)) {
    fail(`parameterPrefix must be an absolute SSM path, got ${JSON.stringify(config.parameterPrefix)}`);
  }
  if (typeof config.distributionId !== "string" || !/^[A-Z0-9]{6,32}$/.test(config.distributionId)) {
    fail(`distributionId must be a CloudFront distribution id, got ${JSON.stringify(config.distributionId)}`);
  }
  if (!Array.isArray(config.slots) || config.slots.length !== 2)
    fail("slots must be exactly two {keyGroupId, secretArn}");
  for (const slot of config.slots) {
    if (!slot || typeof slot.keyGroupId !== "string" || !slot.keyGroupId)
      fail("every slot needs a keyGroupId");
    if (typeof slot.secretArn !== "string" || !slot.secretArn) fail("every slot needs a secretArn");
  }
  if (config.slots[0].keyGroupId === config.slots[1].keyGroupId)
    fail("the two slots must use different key groups");
  if (config.slots[0].secretArn === config.slots[1].secretArn)
    fail("the two slots must use different secrets");
  const keyAlgorithm = config.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM;
  if (keyAlgorithm !== "ecdsa-p256" && keyAlgorithm !== "rsa-2048")
    fail(`keyAlgorithm must be ecdsa-p256 or rsa-2048`);
  const seconds = (value: unknown, name: string, fallback?: number, allowZero = false): number => {
    const chosen = value ?? fallback;
    if (
      typeof chosen !== "number" ||
      !Number.isFinite(chosen) ||
      chosen < 0 ||
      (!allowZero && chosen === 0)
    ) {
      return fail(
        `${name} must be a ${allowZero ? "non-negative" : "positive"} number, got ${JSON.stringify(value)}`,
      );
    }
    return chosen;
  };
  const rotationIntervalDays = seconds(
    config.rotationIntervalDays,
    "rotationIntervalDays",
    DEFAULT_ROTATION_INTERVAL_DAYS,
  );
  const signerCacheTtlSeconds = seconds(
    config.signerCacheTtlSeconds,
    "signerCacheTtlSeconds",
    DEFAULT_SIGNER_CACHE_TTL_SECONDS,
  );
  const signerMaxStaleSeconds = seconds(
    config.signerMaxStaleSeconds,
    "signerMaxStaleSeconds",
    Math.max(DEFAULT_SIGNER_MAX_STALE_SECONDS, signerCacheTtlSeconds),
  );
  if (signerMaxStaleSeconds < signerCacheTtlSeconds)
    fail("signerMaxStaleSeconds must be >= signerCacheTtlSeconds");
  const maxUrlLifetimeSeconds = seconds(config.maxUrlLifetimeSeconds, "maxUrlLifetimeSeconds");
  const clockSkewSeconds = seconds(
    config.clockSkewSeconds,
    "clockSkewSeconds",
    DEFAULT_CLOCK_SKEW_SECONDS,
    true,
  );
  const minPropagationSeconds = seconds(
    config.minPropagationSeconds,
    "minPropagationSeconds",
    DEFAULT_MIN_PROPAGATION_SECONDS,
    true,
  );
  const leaseSeconds = seconds(config.leaseSeconds, "leaseSeconds", DEFAULT_ROTATION_LEASE_SECONDS);
  const keyNamePrefix =
    config.keyNamePrefix ??
    `signed-hls${config.parameterPrefix.replace(/[^A-Za-z0-9]+/g, "-")}`.replace(/-+$/, "").slice(0, 64);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(keyNamePrefix))
    fail("keyNamePrefix must be 1-64 letters, digits, - or _");
  if (MAX_KEY_GROUPS_PER_BEHAVIOR < 2) fail("CloudFront must allow two key groups per behavior");
  return {
    parameterPrefix: config.parameterPrefix,
    distributionId: config.distributionId,
    slots: [{ ...config.slots[0] }, { ...config.slots[1] }],
    keyAlgorithm,
    rotationIntervalDays,
    signerCacheTtlSeconds,
    signerMaxStaleSeconds,
    maxUrlLifetimeSeconds,
    clockSkewSeconds,
    minPropagationSeconds,
    leaseSeconds,
    keyNamePrefix,
  };
}

/**
 * Seconds after a key stopped being active during which URLs signed with it may still be presented:
 * the rotation invariant's rule (contract/rotation-window.ts), shared with the stack config, `npm start`
 * and the policy pack. The rotation does not refuse a shorter interval: it untrusts a retired key only
 * once this window has passed (safety.ts), so a short interval delays a rotation, never breaks a URL.
 */
export function retentionSeconds(config: ResolvedRotationConfig): number {
  return keyRetentionSeconds(config);
}

/**
 * How long a command-line run may act: well inside its lease, so a laptop
 * that sleeps mid-run stops before the lease can pass to another run.
 */
export function commandLineDeadlineSeconds(config: ResolvedRotationConfig): number {
  return Math.max(1, Math.floor(config.leaseSeconds / 2));
}
