/**
 * What key loading needs from the outside world: two reads. The AWS adapter
 * (aws-source.ts) and the in-memory model (local/memory-cloud) both
 * implement it, so tests and the local stack run the real cache.
 */
export interface KeySourcePort {
  /** One round trip: the values of the named parameters that exist (missing names are absent from the map). */
  readParameters(names: readonly string[]): Promise<Map<string, string>>;
  /** One round trip: the current (AWSCURRENT) string value of a secret. */
  readSecret(secretId: string): Promise<string>;
}
