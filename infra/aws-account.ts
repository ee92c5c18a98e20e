/**
 * The stack's own AWS account settings (the `aws:` config namespace), carried
 * over to every provider the program makes itself. An explicit
 * `aws.Provider` reads only its own arguments and the environment, never the
 * stack's `aws:` config (https://www.pulumi.com/docs/iac/concepts/resources/providers/#explicit-provider-configuration),
 * and a dynamic provider runs the AWS SDK with whatever the environment holds.
 * Without this, `aws:profile`, `aws:assumeRoles` and `aws:allowedAccountIds`
 * would guard the default provider only, and the us-east-1 edge function or
 * the first key pair could land in another account.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsAccountSettings } from "./dynamic-aws";

const AWS_NAMESPACE = "aws:";
/** Keys whose values are credentials: passed to explicit providers as secrets, never to dynamic resources. */
const CREDENTIAL_KEYS = ["accessKey", "secretKey", "token"] as const;

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Every `aws:` key of the stack but the region, values parsed as the provider reads them. */
export function stackAwsConfig(
  all: Record<string, string> = pulumi.runtime.allConfig(),
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(AWS_NAMESPACE)) continue;
    const key = fullKey.slice(AWS_NAMESPACE.length);
    if (key === "region") continue;
    settings[key] = parsed(text);
  }
  return settings;
}

/** Arguments of an explicit provider in `region` that acts exactly as the stack's default provider would. */
export function explicitProviderArgs(region: string, awsConfig = stackAwsConfig()): aws.ProviderArgs {
  const args: Record<string, unknown> = { ...awsConfig, region };
  for (const key of CREDENTIAL_KEYS) {
    if (typeof args[key] === "string") args[key] = pulumi.secret(args[key] as string);
  }
  return args as aws.ProviderArgs;
}

function strings(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.some((item) => typeof item !== "string" || item === "")) {
    throw new Error(`aws:${key}: expected a list of strings`);
  }
  return list as string[];
}

/**
 * The subset a dynamic provider (AWS SDK v3) honours: profile, shared files,
 * a chain of assumed roles and the account allow/deny lists. Static keys in
 * the stack config are refused: a dynamic resource keeps its inputs in state.
 */
export function dynamicAccountSettings(awsConfig = stackAwsConfig()): AwsAccountSettings {
  const given = CREDENTIAL_KEYS.filter((key) => awsConfig[key] !== undefined);
  if (given.length > 0) {
    throw new Error(
      `aws:${given.join(", aws:")}: the program's dynamic resources (first key pairs, key groups, rotation-owned parameters) ` +
        "would keep static keys in state; give credentials through aws:profile, aws:assumeRoles or the environment instead",
    );
  }
  const roles = [
    ...(Array.isArray(awsConfig.assumeRoles) ? (awsConfig.assumeRoles as unknown[]) : []),
    ...(awsConfig.assumeRole !== undefined ? [awsConfig.assumeRole] : []),
  ].map((role) => {
    const fields = (role ?? {}) as Record<string, unknown>;
    if (typeof fields.roleArn !== "string") throw new Error("aws:assumeRoles: every role needs a roleArn");
    return {
      roleArn: fields.roleArn,
      ...(typeof fields.sessionName === "string" ? { sessionName: fields.sessionName } : {}),
      ...(typeof fields.externalId === "string" ? { externalId: fields.externalId } : {}),
    };
  });
  const profile = awsConfig.profile;
  const sharedConfigFiles = strings(awsConfig.sharedConfigFiles, "sharedConfigFiles");
  const sharedCredentialsFiles = strings(awsConfig.sharedCredentialsFiles, "sharedCredentialsFiles");
  const allowedAccountIds = strings(awsConfig.allowedAccountIds, "allowedAccountIds");
  const forbiddenAccountIds = strings(awsConfig.forbiddenAccountIds, "forbiddenAccountIds");
  return {
    ...(typeof profile === "string" && profile !== "" ? { profile } : {}),
    ...(sharedConfigFiles ? { sharedConfigFiles } : {}),
    ...(sharedCredentialsFiles ? { sharedCredentialsFiles } : {}),
    ...(roles.length > 0 ? { assumeRoles: roles } : {}),
    ...(allowedAccountIds ? { allowedAccountIds } : {}),
    ...(forbiddenAccountIds ? { forbiddenAccountIds } : {}),
  };
}
