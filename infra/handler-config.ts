/**
 * The three handlers' configs from the stack settings: the one place both the
 * deployed Lambdas (infra/entrypoints.ts) and the local stack
 * (local/handlers.ts) build them, so the two cannot drift. Pure: no Pulumi,
 * no AWS SDK; the facts only a deployment knows (the distribution's domain,
 * its id, the key slots) come in as plain values.
 */
import { DEFAULT_ROTATION_LEASE_SECONDS } from "../contract/defaults";
import type { KeySourceConfig } from "../functions/keys/config";
import {
  checkManifestEdgeConfig,
  maxFetchTimeoutMs,
  type ManifestEdgeConfig,
} from "../functions/handlers/manifest-edge/manifest-edge";
import type { RotationHandlerConfig } from "../functions/handlers/rotate/rotate";
import type { SignHandlerConfig } from "../functions/handlers/sign/sign";
import type { RotationSlot } from "../functions/rotation/config";
import type { StackConfig } from "./config";

/** The stack settings the handlers read (the local stack fills the same fields from its options). */
export type HandlerSettings = Pick<
  StackConfig,
  | "region"
  | "parameterPrefix"
  | "keyAlgorithm"
  | "hashAlgorithm"
  | "defaultUrlLifetimeSeconds"
  | "maxUrlLifetimeSeconds"
  | "signerCacheTtlSeconds"
  | "signerMaxStaleSeconds"
  | "clockSkewSeconds"
  | "minIpPrefixLength"
  | "ipv6Enabled"
  | "assetRootDepth"
  | "rotationIntervalSeconds"
  | "edgeTrigger"
  | "edgeTimeoutSeconds"
  | "aliases"
  | "extraAllowedHosts"
  | "corsOrigins"
  | "cookieMode"
  | "cookieDomain"
>;

/** The rotation Lambda's timeout and the lease a run holds (which must outlast it). */
export const ROTATION_TIMEOUT_SECONDS = 600;
export const ROTATION_LEASE_SECONDS = DEFAULT_ROTATION_LEASE_SECONDS;

/** Where every signer finds the active key. */
export function keySourceConfig(settings: HandlerSettings): KeySourceConfig {
  return {
    region: settings.region,
    parameterPrefix: settings.parameterPrefix,
    cacheTtlSeconds: settings.signerCacheTtlSeconds,
    maxStaleSeconds: settings.signerMaxStaleSeconds,
    hashAlgorithm: settings.hashAlgorithm,
  };
}

/** Hosts the signer signs for: the aliases, the distribution's own domain, the extra allowed hosts. */
export function signerAllowedHosts(
  settings: Pick<HandlerSettings, "aliases" | "extraAllowedHosts">,
  distributionDomainName: string,
): string[] {
  return [...new Set([...settings.aliases, distributionDomainName, ...settings.extraAllowedHosts])];
}

/** `distributionDomainName`: the distribution's `*.cloudfront.net` name (the first alias wins when there is one). */
export function signHandlerConfig(
  settings: HandlerSettings,
  distributionDomainName: string,
): SignHandlerConfig {
  return {
    distributionDomain: settings.aliases[0] ?? distributionDomainName,
    allowedHosts: signerAllowedHosts(settings, distributionDomainName),
    defaultLifetimeSeconds: settings.defaultUrlLifetimeSeconds,
    maxLifetimeSeconds: settings.maxUrlLifetimeSeconds,
    // docs/ARCHITECTURE.md ("Signing for the application"): the signer clamps the lifetime to the stack's maximum.
    clampLifetime: true,
    minIpPrefixLength: settings.minIpPrefixLength,
    ...(settings.ipv6Enabled ? { refuseIpBinding: true } : {}),
    assetRootDepth: settings.assetRootDepth,
    keySource: keySourceConfig(settings),
    ...(settings.cookieMode
      ? {
          cookies: {
            sameSite: "None" as const,
            ...(settings.cookieDomain ? { domain: settings.cookieDomain } : {}),
          },
        }
      : {}),
  };
}

/**
 * The edge function's config without the distribution's domain when the
 * stack has no alias: the distribution cannot exist before the function
 * version it associates, so its `*.cloudfront.net` name is read from the
 * first CloudFront event instead (`cf.config.distributionDomainName`, see
 * `withDistributionDomain`), and `allowedHosts` then lists only the extra
 * hosts, to which that name is added.
 */
export type ManifestEdgeDeployConfig = Omit<ManifestEdgeConfig, "distributionDomain"> & {
  readonly distributionDomain?: string;
};

export function manifestEdgeDeployConfig(settings: HandlerSettings): ManifestEdgeDeployConfig {
  const viewerHost = settings.aliases[0];
  const deployConfig: ManifestEdgeDeployConfig = {
    ...(viewerHost
      ? {
          distributionDomain: viewerHost,
          allowedHosts: [...new Set([...settings.aliases, ...settings.extraAllowedHosts])],
        }
      : settings.extraAllowedHosts.length > 0
        ? { allowedHosts: [...settings.extraAllowedHosts] }
        : {}),
    distributionProtocol: "https",
    trigger: settings.edgeTrigger,
    // Raw playlists come through the distribution's `*.m3u8` behavior, so they are cached once for every viewer.
    fetch: { mode: "distribution" },
    fetchTimeoutMs: maxFetchTimeoutMs(settings.edgeTimeoutSeconds),
    playlistLifetimeSeconds: settings.maxUrlLifetimeSeconds,
    keySource: keySourceConfig(settings),
    // The same origins and credentials flag as the response headers policy (functions/handlers/manifest-edge/edge-cors.ts).
    ...(settings.corsOrigins.length > 0
      ? { cors: { origins: [...settings.corsOrigins], allowCredentials: settings.cookieMode } }
      : {}),
    ...(settings.ipv6Enabled ? { refuseIpBinding: true } : {}),
    assetRootDepth: settings.assetRootDepth,
  };
  // Fail the deploy, not the first viewer, on a config the handler refuses.
  checkManifestEdgeConfig(withDistributionDomain(deployConfig, "d111111abcdef8.cloudfront.net"));
  return deployConfig;
}

/**
 * The complete edge config once the distribution's domain is known (at the
 * function's cold start, from the event): an alias, when set, stays the domain.
 * Runs inside the deployed function, so it uses no module-level Map or Set.
 */
export function withDistributionDomain(
  config: ManifestEdgeDeployConfig,
  distributionDomainName: string,
): ManifestEdgeConfig {
  if (config.distributionDomain) return config as ManifestEdgeConfig;
  const allowedHosts = config.allowedHosts ? [distributionDomainName, ...config.allowedHosts] : undefined;
  return { ...config, distributionDomain: distributionDomainName, ...(allowedHosts ? { allowedHosts } : {}) };
}

/** What only the deployment knows: the distribution the key groups are trusted by, and the two key slots. */
export interface RotationTargets {
  readonly distributionId: string;
  readonly slots: readonly [RotationSlot, RotationSlot];
}

export function rotationHandlerConfig(
  settings: HandlerSettings,
  targets: RotationTargets,
): RotationHandlerConfig {
  return {
    region: settings.region,
    rotation: {
      parameterPrefix: settings.parameterPrefix,
      distributionId: targets.distributionId,
      slots: [{ ...targets.slots[0] }, { ...targets.slots[1] }],
      keyAlgorithm: settings.keyAlgorithm,
      rotationIntervalDays: settings.rotationIntervalSeconds / 86400,
      signerCacheTtlSeconds: settings.signerCacheTtlSeconds,
      signerMaxStaleSeconds: settings.signerMaxStaleSeconds,
      maxUrlLifetimeSeconds: settings.maxUrlLifetimeSeconds,
      clockSkewSeconds: settings.clockSkewSeconds,
      // Longer than the function's timeout (ROTATION_TIMEOUT_SECONDS), as the lease requires.
      leaseSeconds: ROTATION_LEASE_SECONDS,
    },
  };
}
