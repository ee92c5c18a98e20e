/**
 * Key loading for every signer: `createActiveKeyProvider(config)` in a Lambda,
 * `createActiveKeyProvider(config, { source: memoryModel })` locally and in tests.
 */
import { AwsKeySource } from "./aws-source";
import { CachingActiveKeyProvider, type KeyCacheEvent, type SignerDefaults } from "./cache";
import { resolveKeySourceConfig, type KeySourceConfig } from "./config";
import type { KeySourcePort } from "./ports";
import { SlotTrustedKeyProvider } from "./trusted";
import { keyCacheLine } from "../observability/metrics";

export interface ActiveKeyProviderDeps {
  /** Where keys are read from. Default: SSM + Secrets Manager in `config.region`, clients created on first use. */
  readonly source?: KeySourcePort;
  /** Clock in epoch seconds. Default: `Date.now() / 1000`. */
  readonly now?: () => number;
  /** Options applied to every Signer built (allowed hosts, maximum lifetime, clock). */
  readonly signerDefaults?: SignerDefaults;
  /** Receives cache events (loads, failed refreshes); default: one log line each (functions/observability). */
  readonly report?: (event: KeyCacheEvent) => void;
}

export function createActiveKeyProvider(
  config: KeySourceConfig,
  deps: ActiveKeyProviderDeps = {},
): CachingActiveKeyProvider {
  const resolved = resolveKeySourceConfig(config);
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const report = deps.report ?? ((event: KeyCacheEvent) => console.log(JSON.stringify(keyCacheLine(event))));
  return new CachingActiveKeyProvider(
    resolved,
    deps.source ?? new AwsKeySource(resolved.region),
    now,
    deps.signerDefaults,
    report,
  );
}

/** The stack's trusted public keys from its slot secrets, cached like the active key (functions/keys/trusted.ts). */
export function createTrustedKeyProvider(
  config: KeySourceConfig,
  secretIds: readonly string[],
  deps: Pick<ActiveKeyProviderDeps, "source" | "now"> = {},
): SlotTrustedKeyProvider {
  const resolved = resolveKeySourceConfig(config);
  return new SlotTrustedKeyProvider(
    [...secretIds],
    deps.source ?? new AwsKeySource(resolved.region),
    resolved,
    deps.now ?? (() => Math.floor(Date.now() / 1000)),
  );
}

export { CachingActiveKeyProvider, KeyUnavailableError } from "./cache";
export { fixedTrustedKeys, SlotTrustedKeyProvider, type TrustedKeyProvider } from "./trusted";
export type { KeyCacheEvent, SignerDefaults } from "./cache";
export { resolveKeySourceConfig, DEFAULT_CACHE_TTL_SECONDS, DEFAULT_MAX_STALE_SECONDS } from "./config";
export type { KeySourceConfig, ResolvedKeySourceConfig } from "./config";
export type { KeySourcePort } from "./ports";
export { AwsKeySource } from "./aws-source";
export { parseKeySecret, formatKeySecret, isCloudFrontKeyId } from "./secret-value";
export type { KeySecretValue } from "./secret-value";
export { parameterNames } from "./types";
export type { ActiveKeyProvider } from "./types";
