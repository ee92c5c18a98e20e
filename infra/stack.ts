/**
 * The whole stack, reading like docs/ARCHITECTURE.md: signing keys ->
 * manifest edge function -> distribution ->
 * signer -> rotation, then the outputs an application's config is built from.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dynamicAccountSettings, explicitProviderArgs, stackAwsConfig } from "./aws-account";
import type { StackConfig } from "./config";
import type { AppConfig } from "./app-config";
import { buildAppConfig } from "./build-app-config";
import { Distribution } from "./components/distribution";
import { EDGE_FUNCTION_REGION, ManifestEdgeFunction } from "./components/manifest-edge-function";
import { Monitoring } from "./components/monitoring";
import { RotationFunction } from "./components/rotation";
import { SignerFunction } from "./components/signer";
import { SigningKeys } from "./components/signing-keys";
import {
  manifestEdgeFactory,
  rotationConfig,
  rotationFactory,
  signerConfig,
  signerFactory,
} from "./entrypoints";
import { manifestEdgeDeployConfig, ROTATION_TIMEOUT_SECONDS } from "./handler-config";
import { readActiveKeyStatements, rotationStatements } from "./iam";
import type { IpBinding } from "./policy/conventions";

export interface StackOutputs {
  readonly distributionId: pulumi.Output<string>;
  readonly distributionDomainName: pulumi.Output<string>;
  readonly keyGroupIds: pulumi.Output<{ active: string; inactive: string }>;
  readonly parameterNames: { activeKeyId: string; activeSecretArn: string; rotationState: string };
  readonly secretArns: pulumi.Output<{ active: string; inactive: string }>;
  readonly signerFunctionName: pulumi.Output<string>;
  readonly signerFunctionUrl: pulumi.Output<string>;
  readonly rotationFunctionName: pulumi.Output<string>;
  readonly manifestFunctionVersionArn: pulumi.Output<string>;
  readonly appConfig: pulumi.Output<AppConfig>;
  /** The IAM policy (JSON) an application role needs to call the signer's Function URL. */
  readonly applicationPolicy: pulumi.Output<string>;
  /** MediaPackage v2 origin only: the endpoint policy to apply to the endpoint (README, "Deploying a stack"). */
  readonly originEndpointPolicy?: pulumi.Output<string>;
  /** HTTPS origin with `originSecretHeader` only: the header's value, a secret. */
  readonly originSecretHeaderValue?: pulumi.Output<string>;
  /** SNS topic ARN per region the stack's alarms notify (README "Operating"). */
  readonly alarmTopicArns: pulumi.Output<Record<string, string>>;
  readonly dashboardName: pulumi.Output<string>;
}

export function createStack(config: StackConfig, stack: string): StackOutputs {
  const awsConfig = stackAwsConfig();
  const keys = new SigningKeys("signing-keys", {
    stack,
    region: config.region,
    keyAlgorithm: config.keyAlgorithm,
    parameterPrefix: config.parameterPrefix,
    secretRecoveryWindowDays: config.secretRecoveryWindowDays,
    protect: config.protectResources,
    account: dynamicAccountSettings(awsConfig),
  });
  const readKeyStatements = readActiveKeyStatements(
    [keys.activeKeyIdParameter.arn, keys.activeSecretArnParameter.arn],
    keys.secretArns,
  );

  // IPv6 on: the signer and the edge refuse IP-bound grants (infra/handler-config.ts passes refuseIpBinding).
  const ipBinding: IpBinding = config.ipv6Enabled ? "refused" : "allowed";
  const edge = new ManifestEdgeFunction("manifest-edge", {
    callbackFactory: manifestEdgeFactory(manifestEdgeDeployConfig(config), pulumi.all(keys.secretArns)),
    statements: readKeyStatements,
    trigger: config.edgeTrigger,
    providerArgs: explicitProviderArgs(EDGE_FUNCTION_REGION, awsConfig),
    memorySize: config.edgeMemoryMb,
    timeout: config.edgeTimeoutSeconds,
    ipBinding,
  });

  const cdn = new Distribution("cdn", {
    stack,
    config,
    trustedKeyGroupIds: keys.keyGroupIds,
    manifestFunctionVersionArn: edge.versionArn,
    production: config.monitoring.production,
  });
  const domainName = cdn.distribution.domainName;

  const signer = new SignerFunction("signer", {
    callbackFactory: signerFactory(signerConfig(config, domainName)),
    statements: readKeyStatements,
    logRetentionDays: config.logRetentionDays,
    ipBinding,
  });

  // The rotation-state parameter is created by the rotation itself; its ARN is known in advance.
  const identity = aws.getCallerIdentityOutput();
  const partition = aws.getPartitionOutput();
  const rotationStateArn = pulumi.interpolate`arn:${partition.partition}:ssm:${config.region}:${identity.accountId}:parameter${keys.parameterNames.rotationState}`;
  const rotation = new RotationFunction("rotation", {
    callbackFactory: rotationFactory(
      rotationConfig(config, {
        distributionId: cdn.distribution.id,
        keyGroupIds: {
          active: keys.slots.active.keyGroup.keyGroupId,
          inactive: keys.slots.inactive.keyGroup.keyGroupId,
        },
        secretArns: { active: keys.slots.active.secret.arn, inactive: keys.slots.inactive.secret.arn },
      }),
    ),
    statements: rotationStatements({
      parameterArns: [keys.activeKeyIdParameter.arn, keys.activeSecretArnParameter.arn, rotationStateArn],
      secretArns: keys.secretArns,
      distributionArn: cdn.distribution.arn,
    }),
    schedule: config.rotationSchedule,
    scheduleEnabled: config.rotationEnabled,
    timeout: ROTATION_TIMEOUT_SECONDS,
    timing: {
      rotationIntervalSeconds: config.rotationIntervalSeconds,
      signerCacheTtlSeconds: config.signerCacheTtlSeconds,
      signerMaxStaleSeconds: config.signerMaxStaleSeconds,
      maxUrlLifetimeSeconds: config.maxUrlLifetimeSeconds,
      clockSkewSeconds: config.clockSkewSeconds,
    },
    logRetentionDays: config.logRetentionDays,
  });

  const monitoring = new Monitoring("monitoring", {
    stack,
    region: config.region,
    config: config.monitoring,
    parameterPrefix: config.parameterPrefix,
    rotationIntervalSeconds: config.rotationIntervalSeconds,
    distributionId: cdn.distribution.id,
    signerFunctionName: signer.function.name,
  });

  const keyGroupIds = pulumi.output({
    active: keys.slots.active.keyGroup.keyGroupId,
    inactive: keys.slots.inactive.keyGroup.keyGroupId,
  });
  const secretArns = pulumi.output({
    active: keys.slots.active.secret.arn,
    inactive: keys.slots.inactive.secret.arn,
  });
  const appConfig = pulumi
    .output({
      distributionId: cdn.distribution.id,
      distributionDomainName: domainName,
      keyGroupIds,
      secretArns,
      parameterNames: keys.parameterNames,
      signerFunctionName: signer.function.name,
      signerFunctionArn: signer.function.arn,
      signerFunctionUrl: signer.functionUrl.functionUrl,
      rotationFunctionName: rotation.function.name,
      edgeFunctionVersionArn: edge.versionArn,
    })
    .apply((facts): AppConfig => buildAppConfig(config, stack, facts));

  return {
    distributionId: cdn.distribution.id,
    distributionDomainName: domainName,
    keyGroupIds,
    parameterNames: { ...keys.parameterNames },
    secretArns,
    signerFunctionName: signer.function.name,
    signerFunctionUrl: signer.functionUrl.functionUrl,
    rotationFunctionName: rotation.function.name,
    manifestFunctionVersionArn: edge.versionArn,
    appConfig,
    applicationPolicy: appConfig.apply((app) => app.signer.applicationPolicy),
    ...(cdn.originEndpointPolicy ? { originEndpointPolicy: cdn.originEndpointPolicy } : {}),
    ...(cdn.originSecretHeaderValue
      ? { originSecretHeaderValue: pulumi.secret(cdn.originSecretHeaderValue) }
      : {}),
    alarmTopicArns: monitoring.topicArns,
    dashboardName: monitoring.dashboard.dashboardName,
  };
}
