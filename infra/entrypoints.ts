/**
 * The callback factories the Lambdas are built from, and the Pulumi side of
 * their configs: the configs themselves come from infra/handler-config.ts
 * (shared with the local stack); here they only wait for the deployment's
 * Outputs. No handler logic: each factory runs once per cold start and
 * returns the handler that functions/handlers builds; only plain JSON config
 * is captured in the closures (an Output captured here serializes as its
 * deployed value).
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { manifestEdgeLambda } from "../functions/handlers/manifest-edge/manifest-edge-lambda";
import type { CloudFrontRequestEvent } from "../functions/handlers/manifest-edge/cloudfront-events";
import { createRotationHandler, type RotationHandlerConfig } from "../functions/handlers/rotate/rotate";
import { createSignHandler, type SignHandlerConfig } from "../functions/handlers/sign/sign";
import {
  rotationHandlerConfig,
  signHandlerConfig,
  withDistributionDomain,
  type HandlerSettings,
  type ManifestEdgeDeployConfig,
} from "./handler-config";

type Factory = aws.lambda.CallbackFactory<unknown, unknown>;

/** Lambda calls every handler with (event, context); the handlers type their events more narrowly than CallbackFactory. */
function asCallback(
  handler: (event: never, context?: never) => Promise<unknown>,
): aws.lambda.Callback<unknown, unknown> {
  return handler as unknown as aws.lambda.Callback<unknown, unknown>;
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
    if (deployed.distributionDomain)
      return asCallback(manifestEdgeLambda(withDistributionDomain(deployed, "")));
    let handler: ReturnType<typeof manifestEdgeLambda> | undefined;
    return asCallback((event: CloudFrontRequestEvent) => {
      handler ??= manifestEdgeLambda(
        withDistributionDomain(deployed, event.Records[0].cf.config.distributionDomainName),
      );
      return handler(event);
    });
  };
}

export function signerConfig(
  settings: HandlerSettings,
  distributionDomainName: pulumi.Output<string>,
): pulumi.Output<SignHandlerConfig> {
  return distributionDomainName.apply((domain) => signHandlerConfig(settings, domain));
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
  settings: HandlerSettings,
  facts: RotationFacts,
): pulumi.Output<RotationHandlerConfig> {
  return pulumi.output(facts).apply(({ distributionId, keyGroupIds, secretArns }) =>
    rotationHandlerConfig(settings, {
      distributionId,
      slots: [
        { keyGroupId: keyGroupIds.active, secretArn: secretArns.active },
        { keyGroupId: keyGroupIds.inactive, secretArn: secretArns.inactive },
      ],
    }),
  );
}

export function rotationFactory(config: pulumi.Output<RotationHandlerConfig>): Factory {
  return () => asCallback(createRotationHandler(config.get()));
}
