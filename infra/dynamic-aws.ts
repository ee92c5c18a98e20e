/**
 * AWS SDK v3 client settings for the program's dynamic providers, built from
 * the stack's `aws:` settings (infra/aws-account.ts) so they reach the same
 * account, through the same profile and assumed roles, as the stack's own
 * provider, and refuse an account that `aws:allowedAccountIds` /
 * `aws:forbiddenAccountIds` exclude before anything is written.
 *
 * Runs inside Pulumi's dynamic-provider host from serialized text: packages
 * are required inside the functions, and nothing here imports Pulumi.
 */

export interface AwsAccountSettings {
  readonly profile?: string;
  readonly sharedConfigFiles?: readonly string[];
  readonly sharedCredentialsFiles?: readonly string[];
  /** Assumed in order, each with the previous one's credentials (as the Pulumi AWS provider chains them). */
  readonly assumeRoles?: readonly { roleArn: string; sessionName?: string; externalId?: string }[];
  readonly allowedAccountIds?: readonly string[];
  readonly forbiddenAccountIds?: readonly string[];
}

export interface AwsClientSettings {
  readonly region: string;
  readonly account: AwsAccountSettings;
}

type CredentialProvider = import("@aws-sdk/types").AwsCredentialIdentityProvider;

/** `{ region, credentials }` for an SDK client; throws when the credentials belong to a refused account. */
export async function awsClientConfig(
  settings: AwsClientSettings,
): Promise<{ region: string; credentials: CredentialProvider }> {
  const providers =
    require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
  const { account, region } = settings;
  const files = {
    ...(account.sharedCredentialsFiles?.[0] ? { filepath: account.sharedCredentialsFiles[0] } : {}),
    ...(account.sharedConfigFiles?.[0] ? { configFilepath: account.sharedConfigFiles[0] } : {}),
  };
  let credentials: CredentialProvider =
    account.profile !== undefined || Object.keys(files).length > 0
      ? providers.fromIni({ ...(account.profile ? { profile: account.profile } : {}), ...files })
      : providers.fromNodeProviderChain();
  for (const role of account.assumeRoles ?? []) {
    credentials = providers.fromTemporaryCredentials({
      masterCredentials: credentials,
      params: {
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName ?? "signed-hls-cdn-deploy",
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
      },
      clientConfig: { region },
    });
  }
  if (account.allowedAccountIds || account.forbiddenAccountIds) {
    const { STSClient, GetCallerIdentityCommand } =
      require("@aws-sdk/client-sts") as typeof import("@aws-sdk/client-sts");
    const sts = new STSClient({ region, credentials });
    try {
      const { Account: accountId = "" } = await sts.send(new GetCallerIdentityCommand({}));
      if (account.allowedAccountIds && !account.allowedAccountIds.includes(accountId)) {
        throw new Error(
          `AWS account ${accountId} is not in aws:allowedAccountIds (${account.allowedAccountIds.join(", ")}): nothing written`,
        );
      }
      if (account.forbiddenAccountIds?.includes(accountId)) {
        throw new Error(`AWS account ${accountId} is in aws:forbiddenAccountIds: nothing written`);
      }
    } finally {
      sts.destroy();
    }
  }
  return { region, credentials };
}
