/** Local stack options for the browser tests: rotation every 8 s with 4 s URLs. */
import type { LocalStackOptions } from "../../local/options";

/** Fast rotation that still satisfies rotate-every > max stale + URL lifetime + skew (2 + 4 + 1 < 8). */
export const FAST_ROTATION: Partial<LocalStackOptions> = {
  port: 0,
  stateDir: undefined,
  rotateEverySeconds: 8,
  urlLifetimeSeconds: 4,
  keyCacheTtlSeconds: 1,
  keyMaxStaleSeconds: 2,
  clockSkewSeconds: 1,
};
