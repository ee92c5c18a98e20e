/**
 * When may a key stop being trusted? Not before signer max key age + maximum
 * URL lifetime + clock skew after the last moment any signer could have been
 * handed it. That moment comes from the rotation's own history and, for keys
 * the history does not know, from the SSM parameters' last change (a key that
 * is not active now was active, if ever, at most until the parameters last changed).
 */
import { retentionSeconds, type ResolvedRotationConfig } from "./config";
import { keysInUse, type Observation } from "./observation";
import type { RotationState } from "./state";

/** Last moment `keyId` may have been the active key: +Infinity if active now, -Infinity if never. */
export function lastActiveBound(keyId: string, state: RotationState, observation: Observation): number {
  if (keysInUse(observation).has(keyId)) return Number.POSITIVE_INFINITY;
  let bound = Number.NEGATIVE_INFINITY;
  for (const entry of state.demoted) if (entry.keyId === keyId) bound = Math.max(bound, entry.at);
  if (state.activeKeyId === keyId) bound = Math.max(bound, observation.now);
  for (const parameter of [observation.activeKeyIdParam, observation.activeSecretArnParam]) {
    // Version 1 was written once, with today's value: no other key was ever named by it.
    if (parameter && parameter.version > 1) bound = Math.max(bound, parameter.lastModified);
  }
  return bound;
}

/** Earliest moment `keyId` can be untrusted without rejecting a URL inside its lifetime. */
export function safeToUntrustAt(
  keyId: string,
  state: RotationState,
  observation: Observation,
  config: ResolvedRotationConfig,
): number {
  return lastActiveBound(keyId, state, observation) + retentionSeconds(config);
}

export interface UntrustBlocker {
  readonly keyId: string;
  readonly safeAfter: number;
}

/** The keys among `keyIds` that must stay trusted at `observation.now`, with when they stop mattering. */
export function untrustBlockers(
  keyIds: readonly string[],
  state: RotationState,
  observation: Observation,
  config: ResolvedRotationConfig,
): UntrustBlocker[] {
  return keyIds
    .map((keyId) => ({ keyId, safeAfter: safeToUntrustAt(keyId, state, observation, config) }))
    .filter((entry) => entry.safeAfter > observation.now);
}

export function describeBlockers(
  blockers: readonly UntrustBlocker[],
  config: ResolvedRotationConfig,
): string {
  return blockers
    .map((blocker) =>
      Number.isFinite(blocker.safeAfter)
        ? `${blocker.keyId} may still sign or appear in valid URLs until ${iso(blocker.safeAfter)} ` +
          `(signer max key age ${config.signerMaxStaleSeconds} s + max URL lifetime ${config.maxUrlLifetimeSeconds} s + clock skew ${config.clockSkewSeconds} s)`
        : `${blocker.keyId} is the active signing key`,
    )
    .join("; ");
}

export function iso(epochSeconds: number): string {
  return Number.isFinite(epochSeconds) ? new Date(epochSeconds * 1000).toISOString() : String(epochSeconds);
}
