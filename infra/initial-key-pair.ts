/**
 * The first key pair of a key group, made at deploy time so that the private
 * key never enters Pulumi state, program text or logs: the dynamic provider
 * generates the pair in the deploying process, writes the private key
 * straight into the Secrets Manager secret (PutSecretValue) and returns only
 * the public key PEM, which feeds `aws.cloudfront.PublicKey`.
 *
 * The provider runs with the stack's own AWS settings (profile, assumed
 * roles, allowed account ids: infra/aws-account.ts), against the stack's region.
 */
import * as pulumi from "@pulumi/pulumi";
import { generateKeyPair } from "../functions/cloudfront/keys";
import type { KeyAlgorithm } from "../functions/cloudfront/types";
import { awsClientConfig, type AwsAccountSettings } from "./dynamic-aws";

export interface InitialKeyPairInputs {
  /** ARN of the secret that receives the private key. */
  readonly secretId: string;
  readonly algorithm: KeyAlgorithm;
  readonly region: string;
  /** The stack's `aws:` account settings; absent in state written before they were carried over. */
  readonly account?: AwsAccountSettings;
}

/** Everything the resource keeps in state: public material and identifiers only. */
export interface InitialKeyPairOutputs extends InitialKeyPairInputs {
  readonly publicKeyPem: string;
  /** Secrets Manager version id of the value written at creation. */
  readonly secretVersionId: string;
}

/** Writes the private key into the secret; the value never leaves this function. */
async function putPrivateKey(inputs: InitialKeyPairInputs, privateKeyPem: string): Promise<string> {
  // Required here, not at the top: the provider is serialized and runs in Pulumi's dynamic-provider host.
  const { SecretsManagerClient, PutSecretValueCommand } =
    require("@aws-sdk/client-secrets-manager") as typeof import("@aws-sdk/client-secrets-manager");
  const client = new SecretsManagerClient(
    await awsClientConfig({ region: inputs.region, account: inputs.account ?? {} }),
  );
  try {
    const result = await client.send(
      new PutSecretValueCommand({ SecretId: inputs.secretId, SecretString: privateKeyPem }),
    );
    return result.VersionId ?? "";
  } finally {
    client.destroy();
  }
}

export const initialKeyPairProvider: pulumi.dynamic.ResourceProvider<
  InitialKeyPairInputs,
  InitialKeyPairOutputs
> = {
  async create(inputs) {
    const pair = generateKeyPair(inputs.algorithm);
    const secretVersionId = await putPrivateKey(inputs, pair.privateKeyPem);
    const outs: InitialKeyPairOutputs = {
      secretId: inputs.secretId,
      algorithm: inputs.algorithm,
      region: inputs.region,
      ...(inputs.account ? { account: inputs.account } : {}),
      publicKeyPem: pair.publicKeyPem,
      secretVersionId,
    };
    return { id: `${inputs.secretId}#${secretVersionId}`, outs };
  },
  async diff(_id, olds, news) {
    // Any change means another secret or algorithm: a new pair, never an in-place update.
    // The account settings only say how to reach the secret: a change there is no new pair.
    const replaces = (["secretId", "algorithm", "region"] as const).filter((key) => olds[key] !== news[key]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
  async delete() {
    // The secret (and its value) belongs to the aws.secretsmanager.Secret resource.
  },
};

export interface InitialKeyPairArgs {
  readonly secretId: pulumi.Input<string>;
  readonly algorithm: pulumi.Input<KeyAlgorithm>;
  readonly region: pulumi.Input<string>;
  readonly account: AwsAccountSettings;
}

export class InitialKeyPair extends pulumi.dynamic.Resource {
  declare readonly publicKeyPem: pulumi.Output<string>;
  declare readonly secretVersionId: pulumi.Output<string>;

  constructor(name: string, args: InitialKeyPairArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      initialKeyPairProvider,
      name,
      { ...args, publicKeyPem: undefined, secretVersionId: undefined },
      opts,
      "signed-hls-cdn",
      "InitialKeyPair",
    );
  }
}
