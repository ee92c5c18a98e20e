/**
 * The active-key cache every signer uses. One load = one parameter read (both
 * names in one call) + one secret read. A loaded key is served for the TTL;
 * callers arriving while a refresh is in flight share that refresh; a failed
 * refresh keeps the last good key until its hard maximum age, then fails closed.
 */
import { Signer, type SignerOptions } from "../cloudfront/signer";
import { parsePrivateKey } from "../cloudfront/keys";
import type { ResolvedKeySourceConfig } from "./config";
import { REFRESH_RETRY_SECONDS } from "./config";
import type { KeySourcePort } from "./ports";
import { parseKeySecret, isCloudFrontKeyId } from "./secret-value";
import { parameterNames, type ActiveKeyProvider } from "./types";

/** Signer options the cache applies to every signer it builds (not the key). */
export type SignerDefaults = Omit<SignerOptions, "keyPairId" | "privateKey" | "hashAlgorithm">;

/** Events the cache reports (for a structured log); never key material. */
export type KeyCacheEvent =
  | {
      readonly event: "key-loaded";
      readonly keyPairId: string;
      readonly secretId: string;
      readonly changed: boolean;
    }
  | {
      readonly event: "key-refresh-failed";
      readonly error: string;
      readonly servingStaleKeyPairId?: string;
      readonly staleAgeSeconds?: number;
    }
  | {
      readonly event: "key-id-mismatch";
      readonly parameterKeyPairId: string;
      readonly secretKeyPairId: string;
    };

/** Thrown when no key can be served: nothing loaded yet, or the last good key is past its hard maximum age. */
export class KeyUnavailableError extends Error {
  readonly code = "key-unavailable";
  constructor(message: string) {
    super(message);
    this.name = "KeyUnavailableError";
  }
}

interface CachedKey {
  readonly signer: Signer;
  readonly secretId: string;
  readonly secretText: string;
  readonly loadedAt: number;
}

export class CachingActiveKeyProvider implements ActiveKeyProvider {
  private cached: CachedKey | undefined;
  private inFlight: Promise<Signer> | undefined;
  private retryNotBefore = 0;
  private lastError: string | undefined;

  constructor(
    private readonly config: ResolvedKeySourceConfig,
    private readonly source: KeySourcePort,
    private readonly now: () => number,
    private readonly signerDefaults: SignerDefaults = {},
    private readonly report: (event: KeyCacheEvent) => void = () => {},
  ) {}

  getSigner(): Promise<Signer> {
    const now = this.now();
    const cached = this.cached;
    if (cached && now < cached.loadedAt + this.config.cacheTtlSeconds) return Promise.resolve(cached.signer);
    if (this.inFlight) return this.inFlight;
    if (cached && now < this.retryNotBefore && now < cached.loadedAt + this.config.maxStaleSeconds) {
      return Promise.resolve(cached.signer);
    }
    const refresh = this.refresh(now).finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = refresh;
    return refresh;
  }

  /** Drops the cached key (tests, or an operator-triggered reload). */
  invalidate(): void {
    this.cached = undefined;
    this.retryNotBefore = 0;
  }

  private async refresh(startedAt: number): Promise<Signer> {
    try {
      const loaded = await this.load(startedAt);
      this.cached = loaded;
      this.retryNotBefore = 0;
      this.lastError = undefined;
      return loaded.signer;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.lastError = message;
      const now = this.now();
      const cached = this.cached;
      if (cached && now < cached.loadedAt + this.config.maxStaleSeconds) {
        this.retryNotBefore = now + Math.min(REFRESH_RETRY_SECONDS, this.config.cacheTtlSeconds);
        this.report({
          event: "key-refresh-failed",
          error: message,
          servingStaleKeyPairId: cached.signer.keyPairId,
          staleAgeSeconds: now - cached.loadedAt,
        });
        return cached.signer;
      }
      this.report({ event: "key-refresh-failed", error: message });
      const why = cached
        ? `the last good key (${cached.signer.keyPairId}) is ${now - cached.loadedAt} s old, past the ${this.config.maxStaleSeconds} s maximum`
        : "no key has been loaded yet";
      throw new KeyUnavailableError(`signing key unavailable: ${why}; last error: ${message}`);
    }
  }

  private async load(now: number): Promise<CachedKey> {
    const names = parameterNames(this.config.parameterPrefix);
    const values = await this.source.readParameters([names.activeKeyId, names.activeSecretArn]);
    const parameterKeyId = values.get(names.activeKeyId);
    const secretId = values.get(names.activeSecretArn);
    if (!isCloudFrontKeyId(parameterKeyId)) {
      throw new Error(`SSM parameter ${names.activeKeyId} is missing or not a CloudFront key id`);
    }
    if (!secretId) throw new Error(`SSM parameter ${names.activeSecretArn} is missing or empty`);
    const secretText = await this.source.readSecret(secretId);
    const previous = this.cached;
    if (
      previous &&
      previous.secretId === secretId &&
      previous.secretText === secretText &&
      previous.signer.keyPairId === parameterKeyId
    ) {
      return { ...previous, loadedAt: now };
    }
    const secret = parseKeySecret(secretText);
    // The secret's own id wins: during a promotion the two parameters are
    // written one after the other, and only the secret pairs id and key atomically.
    const keyPairId = secret.keyPairId ?? parameterKeyId;
    if (secret.keyPairId && secret.keyPairId !== parameterKeyId) {
      this.report({
        event: "key-id-mismatch",
        parameterKeyPairId: parameterKeyId,
        secretKeyPairId: secret.keyPairId,
      });
    }
    const signer = new Signer({
      ...this.signerDefaults,
      keyPairId,
      privateKey: parsePrivateKey(secret.privateKeyPem),
      hashAlgorithm: this.config.hashAlgorithm,
    });
    this.report({
      event: "key-loaded",
      keyPairId,
      secretId,
      changed: previous?.signer.keyPairId !== keyPairId,
    });
    return { signer, secretId, secretText, loadedAt: now };
  }

  /** For logs and health checks: the cached key id and its age, without key material. */
  status(): { keyPairId?: string; ageSeconds?: number; lastError?: string } {
    const cached = this.cached;
    return cached
      ? {
          keyPairId: cached.signer.keyPairId,
          ageSeconds: this.now() - cached.loadedAt,
          lastError: this.lastError,
        }
      : { lastError: this.lastError };
  }
}
