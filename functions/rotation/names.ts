/**
 * Deterministic names for everything a rotation creates, so a retried step
 * finds what an interrupted one made instead of making it twice.
 */
import { createHash } from "node:crypto";
import type { ResolvedRotationConfig } from "./config";

/** Public key Name and CallerReference for a rotation attempt (max 128 characters). */
export function publicKeyName(config: ResolvedRotationConfig, rotationId: string, attempt: number): string {
  return `${config.keyNamePrefix}-${rotationId}-a${attempt}`.slice(0, 128);
}

/** Secrets Manager ClientRequestToken (becomes the VersionId): a UUID-shaped digest of the attempt. */
export function secretRequestToken(
  config: ResolvedRotationConfig,
  rotationId: string,
  attempt: number,
): string {
  const hex = createHash("sha256").update(`${config.parameterPrefix}|${rotationId}|${attempt}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A short public fingerprint for audit logs (SHA-256 of the SPKI PEM body), never the key itself. */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const body = publicKeyPem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return `sha256:${createHash("sha256").update(body, "base64").digest("hex").slice(0, 16)}`;
}

/**
 * Whether `name` is one publicKeyName made for this stack: a rotation
 * (`<prefix>-r<n>-<time>-a<attempt>`) or a revocation (`<prefix>-v<time>-s<slot>-a<attempt>`).
 * Anchored, so another stack whose prefix starts with ours never matches.
 */
export function isGeneratedKeyName(config: ResolvedRotationConfig, name: string): boolean {
  // keyNamePrefix is letters, digits, - and _ (resolveRotationConfig): nothing to escape.
  return new RegExp(`^${config.keyNamePrefix}-(?:r\\d+-\\d+|v\\d+-s[01])-a\\d+$`).test(name);
}
