/**
 * Wiring from the stack config to the three handlers' own config types, and
 * the callback factories the Lambdas are built from. No handler logic here:
 * each factory runs once per cold start and returns the handler that
 * functions/handlers builds; only plain JSON config is captured in the
 * closures (an Output captured here serializes as its deployed value).
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { KeySourceConfig } from "../functions/keys/config";
import {
  checkManifestEdgeConfig,
  maxFetchTimeoutMs,
  type ManifestEdgeConfig,
} from "../functions/handlers/manifest-edge/manifest-edge";
import { manifestEdgeLambda } from "../functions/handlers/manifest-edge/manifest-edge-lambda";
import type { CloudFrontRequestEvent } from "../functions/handlers/manifest-edge/cloudfront-events";
import { createRotationHandler, type RotationHandlerConfig } from "../functions/handlers/rotate/rotate";
import { createSignHandler, type SignHandlerConfig } from "../functions/handlers/sign/sign";
import type { StackConfig } from "./config";

type Factory = aws.lambda.CallbackFactory<unknown, unknown>;

/** Lambda calls every handler with (event, context); the handlers type their events more narrowly than CallbackFactory. */
function asCallback(
  handler: (event: never, context?: never) => Promise<unknown>,
): aws.lambda.Callback<unknown, unknown> {
  return handler as unknown as aws.lambda.Callback<unknown, unknown>;
}

/** Where every signer finds the active key. */
export function keySourceConfig(config: StackConfig): KeySourceConfig {
  return {
    region: config.region,
    parameterPrefix: config.parameterPrefix,
    cacheTtlSeconds: config.signerCacheTtlSeconds,
    maxStaleSeconds: config.signerMaxStaleSeconds,
    hashAlgorithm: config.hashAlgorithm,
  };
}

/**
 * The edge function's config without the distribution's domain when the
 * stack has no alias: the distribution cannot exist before the function
 * version it associates, so its `*.cloudfront.net` name is read from the
 * first CloudFront event instead (`cf.config.distributionDomainName`), and
 * `allowedHosts` then lists only the extra hosts, to which that name is added.
 */
export type ManifestEdgeDeployConfig = Omit<ManifestEdgeConfig, "distributionDomain"> & {
  readonly distributionDomain?: string;
};

export function manifestEdgeConfig(config: StackConfig): ManifestEdgeDeployConfig {
  const viewerHost = config.aliases[0];
  const deployConfig: ManifestEdgeDeployConfig = {
    ...(viewerHost
      ? {
          distributionDomain: viewerHost,
          allowedHosts: [...new Set([...config.aliases, ...config.extraAllowedHosts])],
        }
      : config.extraAllowedHosts.length > 0
        ? { allowedHosts: [...config.extraAllowedHosts] }
        : {}),
    distributionProtocol: "https",
    trigger: config.edgeTrigger,
    // Raw playlists come through the distribution's `*.m3u8` behavior, so they are cached once for every viewer.
    fetch: { mode: "distribution" },
    fetchTimeoutMs: maxFetchTimeoutMs(config.edgeTimeoutSeconds),
    playlistLifetimeSeconds: config.maxUrlLifetimeSeconds,
    keySource: keySourceConfig(config),
    // The same origins and credentials flag as the response headers policy (functions/handlers/manifest-edge/edge-cors.ts).
    ...(config.corsOrigins.length > 0
      ? { cors: { origins: [...config.corsOrigins], allowCredentials: config.cookieMode } }
      : {}),
    ...(config.ipv6Enabled ? { refuseIpBinding: true } : {}),
  };
  // Fail the deploy, not the first viewer, on a config the handler refuses.
  checkManifestEdgeConfig({
    ...deployConfig,
    distributionDomain: viewerHost ?? "d111111abcdef8.cloudfront.net",
  });
  return deployConfig;
}

/**
 * `slotSecretArns`: the two key slot secrets, whose public keys the function verifies viewer
 * grants against (an Output: read with `.get()` at cold start, as its deployed value).
 */
export function manifestEdgeFactory(
  config: ManifestEdgeDeployConfig,
  slotSecretArns: pulumi.Output<string[]>,
): Factory {
  return () => {
    const deployed = { ...config, trustedKeySecretIds: slotSecretArns.get() };
    if (deployed.distributionDomain) return asCallback(manifestEdgeLambda(deployed as ManifestEdgeConfig));
    let handler: ReturnType<typeof manifestEdgeLambda> | undefined;
    return asCallback((event: CloudFrontRequestEvent) => {
      if (!handler) {
        const distributionDomain = event.Records[0].cf.config.distributionDomainName;
        const allowedHosts = deployed.allowedHosts
          ? [distributionDomain, ...deployed.allowedHosts]
          : undefined;
        handler = manifestEdgeLambda({
          ...deployed,
          distributionDomain,
          ...(allowedHosts ? { allowedHosts } : {}),
        });
      }
      return handler(event);
    });
  };
}

export function signerConfig(
  config: StackConfig,
  distributionDomain: pulumi.Output<string>,
  allowedHosts: pulumi.Output<string[]>,
): pulumi.Output<SignHandlerConfig> {
  return pulumi.all([distributionDomain, allowedHosts]).apply(([domain, hosts]): SignHandlerConfig => ({
    distributionDomain: config.aliases[0] ?? domain,
    allowedHosts: hosts,
    defaultLifetimeSeconds: config.defaultUrlLifetimeSeconds,
    maxLifetimeSeconds: config.maxUrlLifetimeSeconds,
    // DESIGN.md section 3: the signer clamps the lifetime to the stack's maximum.
    clampLifetime: true,
    minIpPrefixLength: config.minIpPrefixLength,
    ...(config.ipv6Enabled ? { refuseIpBinding: true } : {}),
    keySource: keySourceConfig(config),
    ...(config.cookieMode
      ? {
          cookies: {
            sameSite: "None" as const,
            ...(config.cookieDomain ? { domain: config.cookieDomain } : {}),
          },
        }
      : {}),
  }));
}

export function signerFactory(config: pulumi.Output<SignHandlerConfig>): Factory {
  return () => asCallback(createSignHandler(config.get()));
}

export interface RotationFacts {
  readonly distributionId: pulumi.Output<string>;
  readonly keyGroupIds: { readonly active: pulumi.Output<string>; readonly inactive: pulumi.Output<string> };
  readonly secretArns: { readonly active: pulumi.Output<string>; readonly inactive: pulumi.Output<string> };
}

export function rotationConfig(
  config: StackConfig,
  facts: RotationFacts,
): pulumi.Output<RotationHandlerConfig> {
  return pulumi
    .all([
      facts.distributionId,
      facts.keyGroupIds.active,
      facts.keyGroupIds.inactive,
      facts.secretArns.active,
      facts.secretArns.inactive,
    ])
    .apply(
      ([
        distributionId,
        activeGroup,
        inactiveGroup,
        activeSecret,
        inactiveSecret,
      ]): RotationHandlerConfig => ({
        region: config.region,
        rotation: {
          parameterPrefix: config.parameterPrefix,
          distributionId,
          slots: [
            { keyGroupId: activeGroup, secretArn: activeSecret },
            { keyGroupId: inactiveGroup, secretArn: inactiveSecret },
          ],
          keyAlgorithm: config.keyAlgorithm,
          rotationIntervalDays: config.rotationIntervalSeconds / 86400,
          signerCacheTtlSeconds: config.signerCacheTtlSeconds,
          signerMaxStaleSeconds: config.signerMaxStaleSeconds,
          maxUrlLifetimeSeconds: config.maxUrlLifetimeSeconds,
          clockSkewSeconds: config.clockSkewSeconds,
          // Longer than the function's timeout (ROTATION_TIMEOUT_SECONDS), as the lease requires.
          leaseSeconds: ROTATION_LEASE_SECONDS,
        },
      }),
    );
}

/** The rotation Lambda's timeout and the lease a run holds (which must outlast it). */
export const ROTATION_TIMEOUT_SECONDS = 600;
export const ROTATION_LEASE_SECONDS = 900;

export function rotationFactory(config: pulumi.Output<RotationHandlerConfig>): Factory {
  return () => asCallback(createRotationHandler(config.get()));
}
