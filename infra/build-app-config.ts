/**
 * The `appConfig` stack output from the stack settings and the deployed
 * resources' facts: pure (no Pulumi), so tests build it from plain values.
 * infra/stack.ts only waits for the Outputs and calls it.
 */
import { MANIFEST_SUFFIX } from "../contract/behaviors";
import { APP_CONFIG_SCHEMA_VERSION, type AppConfig } from "./app-config";
import type { StackConfig } from "./config";
import { signerAllowedHosts } from "./handler-config";

export type AppConfigSettings = Pick<
  StackConfig,
  | "region"
  | "aliases"
  | "extraAllowedHosts"
  | "keyAlgorithm"
  | "hashAlgorithm"
  | "defaultUrlLifetimeSeconds"
  | "maxUrlLifetimeSeconds"
  | "cookieMode"
  | "signerCacheTtlSeconds"
  | "signerMaxStaleSeconds"
  | "rotationSchedule"
  | "rotationIntervalSeconds"
  | "rotationEnabled"
  | "edgeTrigger"
>;

/** What only the deployment knows: ids, names and ARNs of the resources it created. */
export interface DeployedFacts {
  readonly distributionId: string;
  /** The distribution's `*.cloudfront.net` name. */
  readonly distributionDomainName: string;
  readonly keyGroupIds: { readonly active: string; readonly inactive: string };
  readonly secretArns: { readonly active: string; readonly inactive: string };
  readonly parameterNames: AppConfig["keys"]["parameterNames"];
  readonly signerFunctionName: string;
  readonly signerFunctionArn: string;
  readonly signerFunctionUrl: string;
  readonly rotationFunctionName: string;
  readonly edgeFunctionVersionArn: string;
}

export function buildAppConfig(settings: AppConfigSettings, stack: string, facts: DeployedFacts): AppConfig {
  return {
    schemaVersion: APP_CONFIG_SCHEMA_VERSION,
    stack,
    region: settings.region,
    distribution: {
      id: facts.distributionId,
      domainName: facts.distributionDomainName,
      aliases: [...settings.aliases],
      baseUrl: `https://${settings.aliases[0] ?? facts.distributionDomainName}`,
    },
    signing: {
      keyAlgorithm: settings.keyAlgorithm,
      hashAlgorithm: settings.hashAlgorithm,
      defaultUrlLifetimeSeconds: settings.defaultUrlLifetimeSeconds,
      maxUrlLifetimeSeconds: settings.maxUrlLifetimeSeconds,
      allowedHosts: signerAllowedHosts(settings, facts.distributionDomainName),
      cookieMode: settings.cookieMode,
      manifestSuffix: MANIFEST_SUFFIX,
    },
    keys: {
      keyGroupIds: { ...facts.keyGroupIds },
      parameterNames: { ...facts.parameterNames },
      secretArns: { ...facts.secretArns },
      signerCacheTtlSeconds: settings.signerCacheTtlSeconds,
      signerMaxStaleSeconds: settings.signerMaxStaleSeconds,
    },
    signer: {
      functionName: facts.signerFunctionName,
      functionArn: facts.signerFunctionArn,
      functionUrl: facts.signerFunctionUrl,
      applicationPolicy: JSON.stringify(applicationInvokeDocument(facts.signerFunctionArn)),
    },
    rotation: {
      functionName: facts.rotationFunctionName,
      schedule: settings.rotationSchedule,
      intervalSeconds: settings.rotationIntervalSeconds,
      scheduleEnabled: settings.rotationEnabled,
    },
    edge: { trigger: settings.edgeTrigger, functionVersionArn: facts.edgeFunctionVersionArn },
  };
}

/**
 * What an application role needs to call the signer's Function URL (AWS_IAM
 * auth). New function URLs need both `lambda:InvokeFunctionUrl` and
 * `lambda:InvokeFunction` (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html):
 * either one alone gets 403. Exported as the `applicationPolicy` stack output.
 */
export function applicationInvokeDocument(signerFunctionArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeSignerFunctionUrl",
        Effect: "Allow",
        Action: "lambda:InvokeFunctionUrl",
        Resource: signerFunctionArn,
        Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
      },
      {
        Sid: "InvokeSignerFunction",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: signerFunctionArn,
      },
    ],
  };
}
