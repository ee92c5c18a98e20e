/**
 * The public keys the manifest edge function checks viewer grants against:
 * those of the stack's two key slots, derived from the private keys in the
 * two slot secrets (the function may already read both: the active one moves
 * between them). Any key that signed a still-valid grant is in one of them:
 * a key leaves its slot only when the next rotation overwrites it, a whole
 * rotation interval after it stopped signing, and the stack config requires
 * that interval to exceed the longest URL lifetime (contract/rotation-window.ts).
 *
 * A slot secret may be a bare PEM (written at deploy) with no key id, so the
 * keys are a list, not a map by id: CloudFront has already matched the id.
 */
import { createPublicKey } from "node:crypto";
import { keyAlgorithmOf, parsePublicKey, type PublicKey } from "../cloudfront/keys";
import { REFRESH_RETRY_SECONDS, type ResolvedKeySourceConfig } from "./config";
import type { KeySourcePort } from "./ports";
import { parseKeySecret } from "./secret-value";

export interface TrustedKeyProvider {
  /**
   * The trusted public keys, from cache while fresh. `recheck`: re-read them now (a grant they
   * reject may be signed by a key the rotation wrote since), unless another recheck did in the
   * last REFRESH_RETRY_SECONDS, so forged grants cannot make every request read the secrets.
   * Rejects when none can be loaded.
   */
  getTrustedKeys(options?: { readonly recheck?: boolean }): Promise<readonly PublicKey[]>;
}

/** Fixed keys (tests, benchmarks, tools that know the public keys). */
export function fixedTrustedKeys(publicKeyPems: readonly string[]): TrustedKeyProvider {
  const keys = publicKeyPems.map((pem) => parsePublicKey(pem));
  return { getTrustedKeys: () => Promise.resolve(keys) };
}

interface Loaded {
  readonly keys: readonly PublicKey[];
  readonly loadedAt: number;
}

/** Reads the slot secrets on first use and after the key cache's TTL; serves stale keys up to maxStaleSeconds. */
export class SlotTrustedKeyProvider implements TrustedKeyProvider {
  private loaded: Loaded | undefined;
  private inFlight: Promise<readonly PublicKey[]> | undefined;
  /** After a failed read, stale keys are served without another read until then. */
  private retryNotBefore = 0;
  private lastRecheckAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly secretIds: readonly string[],
    private readonly source: KeySourcePort,
    private readonly config: Pick<ResolvedKeySourceConfig, "cacheTtlSeconds" | "maxStaleSeconds">,
    private readonly now: () => number,
  ) {
    if (secretIds.length === 0) throw new Error("trusted keys: no slot secret to read");
  }

  getTrustedKeys(options: { readonly recheck?: boolean } = {}): Promise<readonly PublicKey[]> {
    const now = this.now();
    const loaded = this.loaded;
    if (options.recheck) {
      if (loaded && now < this.lastRecheckAt + this.retrySeconds()) return Promise.resolve(loaded.keys);
      this.lastRecheckAt = now;
    } else if (loaded && now < loaded.loadedAt + this.config.cacheTtlSeconds) {
      return Promise.resolve(loaded.keys);
    }
    if (loaded && now < this.retryNotBefore && now < loaded.loadedAt + this.config.maxStaleSeconds) {
      return Promise.resolve(loaded.keys);
    }
    this.inFlight ??= this.load(now).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private retrySeconds(): number {
    return Math.min(REFRESH_RETRY_SECONDS, this.config.cacheTtlSeconds);
  }

  private async load(now: number): Promise<readonly PublicKey[]> {
    try {
      const texts = await Promise.all(this.secretIds.map((id) => this.source.readSecret(id)));
      const keys = texts.map((text) => {
        const publicKey = createPublicKey(parseKeySecret(text).privateKeyPem);
        return { algorithm: keyAlgorithmOf(publicKey), keyObject: publicKey };
      });
      this.loaded = { keys, loadedAt: now };
      return keys;
    } catch (error) {
      const stale = this.loaded;
      if (stale && this.now() < stale.loadedAt + this.config.maxStaleSeconds) {
        this.retryNotBefore = this.now() + this.retrySeconds();
        return stale.keys;
      }
      throw new Error(`trusted keys unavailable: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
}
