/**
 * The rotation invariant, as one rule for the stack config, `npm start`, the
 * rotation's safety window and the policy pack. A rotation demotes the active
 * key and the next one untrusts it; a URL signed with it just before the
 * demotion must still open until it expires. Imports nothing.
 */

/** The numbers the invariant is made of, in seconds. */
export interface RotationTiming {
  /** How long a signer uses a loaded key before reading the active key again. */
  readonly signerCacheTtlSeconds: number;
  /** How long a signer keeps serving its last key while refreshes fail. */
  readonly signerMaxStaleSeconds: number;
  /** Longest lifetime any signer grants a URL or cookie. */
  readonly maxUrlLifetimeSeconds: number;
  /** Clock disagreement allowed between signers, CloudFront and the rotation. */
  readonly clockSkewSeconds: number;
}

/**
 * Seconds after a key stopped being the active key during which a URL or
 * cookie it signed may still be presented: a signer may keep signing with it
 * for its cache TTL, or up to its stale maximum while the active key cannot be
 * read (the larger counts), then the grant lives its lifetime, give or take
 * the clock skew.
 */
export function keyRetentionSeconds(timing: RotationTiming): number {
  return (
    Math.max(timing.signerCacheTtlSeconds, timing.signerMaxStaleSeconds) +
    timing.maxUrlLifetimeSeconds +
    timing.clockSkewSeconds
  );
}

/**
 * The bound a rotation interval must exceed (strictly: at exactly this age
 * the key would be untrusted in the second a URL it signed may still be
 * presented, and the clocks that judge "exactly" disagree by the skew).
 */
export function minimumRotationIntervalSeconds(timing: RotationTiming): number {
  return keyRetentionSeconds(timing);
}

/** The rule itself: true when rotating every `intervalSeconds` never untrusts a key a live URL needs. */
export function rotationIntervalIsSafe(intervalSeconds: number, timing: RotationTiming): boolean {
  return intervalSeconds > minimumRotationIntervalSeconds(timing);
}
