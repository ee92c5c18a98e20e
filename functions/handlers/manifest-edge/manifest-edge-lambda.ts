/**
 * The deployed entry: the manifest handler with its signing key loaded from
 * SSM + Secrets Manager (functions/keys). Everything is created on the first
 * invocation, inside the running function, so the Pulumi closure only
 * captures `config` (plain JSON) and code.
 */
import { createActiveKeyProvider, createTrustedKeyProvider } from "../../keys";
import type { CloudFrontRequestEvent } from "./cloudfront-events";
import {
  checkManifestEdgeConfig,
  createManifestHandler,
  type ManifestEdgeConfig,
  type ManifestHandler,
} from "./manifest-edge";

export function manifestEdgeLambda(config: ManifestEdgeConfig): ManifestHandler {
  checkManifestEdgeConfig(config);
  const trustedKeySecretIds = config.trustedKeySecretIds;
  if (!trustedKeySecretIds) {
    throw new Error("manifest edge config: trustedKeySecretIds (the key slot secrets) is required");
  }
  let handler: ManifestHandler | undefined;
  return (event: CloudFrontRequestEvent) => {
    if (!handler) {
      const allowedHosts = [...(config.allowedHosts ?? [config.distributionDomain])].map((host) =>
        host.replace(/:\d+$/, ""),
      );
      handler = createManifestHandler(config, {
        keys: createActiveKeyProvider(config.keySource, { signerDefaults: { allowedHosts } }),
        trustedKeys: createTrustedKeyProvider(config.keySource, trustedKeySecretIds),
      });
    }
    return handler(event);
  };
}
