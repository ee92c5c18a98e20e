/**
 * What the rotation owns after the first deploy (the key groups' items and
 * the active-key parameters), created by the program once and never written
 * again by it.
 *
 * Why not `aws.cloudfront.KeyGroup` / `aws.ssm.Parameter` with
 * `ignoreChanges`: ignoreChanges only hides a diff; when another field of the
 * same resource changes, the provider's update sends the whole resource from
 * state, ignored fields included (https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/:
 * "the old value is used"). An `up` that edits a description would put the
 * first key id back into the active-key parameter. And the key group's update
 * and delete send the ETag stored in state (UpdateKeyGroup / DeleteKeyGroup
 * need `IfMatch`: https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteKeyGroup.html),
 * which every rotation changed, so `destroy` fails with PreconditionFailed.
 *
 * So these dynamic providers: create once; `update` only refreshes the AWS
 * account settings kept in state and makes no AWS call; `delete` reads the
 * current ETag (and, for a key group, deletes the public keys it holds, the
 * rotation's included, unless another group still uses them). Runs in
 * Pulumi's dynamic-provider host: packages are required inside functions.
 */
import * as pulumi from "@pulumi/pulumi";
import { awsClientConfig, type AwsAccountSettings, type AwsClientSettings } from "./dynamic-aws";

/** CloudFront is global; its API is served from us-east-1. */
const CLOUDFRONT_API_REGION = "us-east-1";
/** Attempts at DeleteKeyGroup when a rotation changes the group between our read and our delete. */
const DELETE_ATTEMPTS = 5;

function errorName(error: unknown): string {
  return (error as { name?: string } | undefined)?.name ?? "";
}

/** Account settings changed: the only thing an update records (in state, not in AWS). */
function createOnlyDiff(
  olds: { account?: AwsAccountSettings } & Record<string, unknown>,
  news: { account?: AwsAccountSettings } & Record<string, unknown>,
  fixedAtCreation: readonly string[],
): pulumi.dynamic.DiffResult {
  const moved = fixedAtCreation.filter((key) => olds[key] !== news[key]);
  if (moved.length > 0) {
    throw new Error(
      `${moved.map((key) => `${key} "${String(olds[key])}" -> "${String(news[key])}"`).join(", ")}: ` +
        "fixed at creation because the rotation owns the value; a new one would start from the first key, which a rotation may have deleted",
    );
  }
  return { changes: JSON.stringify(olds.account ?? {}) !== JSON.stringify(news.account ?? {}) };
}

/** The only update: new account settings go into state; no AWS call. */
async function recordAccountSettings<Outputs extends { account?: AwsAccountSettings }>(
  _id: string,
  olds: Outputs,
  news: { account?: AwsAccountSettings },
): Promise<{ outs: Outputs }> {
  return { outs: { ...olds, ...(news.account ? { account: news.account } : {}) } };
}

// ---- key group --------------------------------------------------------------

export interface SigningKeyGroupInputs {
  readonly name: string;
  readonly comment: string;
  /** The first public key, made in the same create. */
  readonly publicKeyName: string;
  readonly publicKeyComment: string;
  readonly encodedKey: string;
  readonly account?: AwsAccountSettings;
}

export interface SigningKeyGroupOutputs extends SigningKeyGroupInputs {
  readonly keyGroupId: string;
  readonly initialPublicKeyId: string;
}

async function cloudFront(account: AwsAccountSettings | undefined) {
  const sdk = require("@aws-sdk/client-cloudfront") as typeof import("@aws-sdk/client-cloudfront");
  const settings: AwsClientSettings = { region: CLOUDFRONT_API_REGION, account: account ?? {} };
  return { sdk, client: new sdk.CloudFrontClient(await awsClientConfig(settings)) };
}

export const signingKeyGroupProvider: pulumi.dynamic.ResourceProvider<
  SigningKeyGroupInputs,
  SigningKeyGroupOutputs
> = {
  async create(inputs) {
    const { sdk, client } = await cloudFront(inputs.account);
    try {
      const key = await client.send(
        new sdk.CreatePublicKeyCommand({
          PublicKeyConfig: {
            CallerReference: inputs.publicKeyName,
            Name: inputs.publicKeyName,
            EncodedKey: inputs.encodedKey,
            Comment: inputs.publicKeyComment,
          },
        }),
      );
      const publicKeyId = key.PublicKey?.Id ?? "";
      let group;
      try {
        group = await client.send(
          new sdk.CreateKeyGroupCommand({
            KeyGroupConfig: { Name: inputs.name, Items: [publicKeyId], Comment: inputs.comment },
          }),
        );
      } catch (error) {
        // Leave no orphan key behind (an account holds at most 10).
        await client.send(new sdk.DeletePublicKeyCommand({ Id: publicKeyId, IfMatch: key.ETag }));
        throw error;
      }
      const keyGroupId = group.KeyGroup?.Id ?? "";
      return { id: keyGroupId, outs: { ...inputs, keyGroupId, initialPublicKeyId: publicKeyId } };
    } finally {
      client.destroy();
    }
  },
  async diff(_id, olds, news) {
    // Name, comment and first key are creation-time values; the items are the rotation's from then on.
    return createOnlyDiff({ ...olds }, { ...news }, []);
  },
  update: recordAccountSettings,
  async delete(id, props) {
    const { sdk, client } = await cloudFront(props.account);
    try {
      let held: string[] = [props.initialPublicKeyId];
      for (let attempt = 1; ; attempt++) {
        let current;
        try {
          current = await client.send(new sdk.GetKeyGroupCommand({ Id: id }));
        } catch (error) {
          if (errorName(error) === "NoSuchResource") break;
          throw error;
        }
        held = [...new Set([...held, ...(current.KeyGroup?.KeyGroupConfig?.Items ?? [])])];
        try {
          await client.send(new sdk.DeleteKeyGroupCommand({ Id: id, IfMatch: current.ETag }));
          break;
        } catch (error) {
          // A rotation wrote the group between our read and our delete: read again.
          if (errorName(error) !== "PreconditionFailed" || attempt >= DELETE_ATTEMPTS) throw error;
        }
      }
      for (const keyId of held) {
        try {
          const key = await client.send(new sdk.GetPublicKeyCommand({ Id: keyId }));
          await client.send(new sdk.DeletePublicKeyCommand({ Id: keyId, IfMatch: key.ETag }));
        } catch (error) {
          // Gone already, or still trusted by the other group (whose delete removes it).
          if (!["NoSuchPublicKey", "PublicKeyInUse"].includes(errorName(error))) throw error;
        }
      }
    } finally {
      client.destroy();
    }
  },
};

export interface SigningKeyGroupArgs {
  readonly name: pulumi.Input<string>;
  readonly comment: pulumi.Input<string>;
  readonly publicKeyName: pulumi.Input<string>;
  readonly publicKeyComment: pulumi.Input<string>;
  readonly encodedKey: pulumi.Input<string>;
  readonly account: AwsAccountSettings;
}

/** A CloudFront key group and its first public key; the rotation owns its items. */
export class SigningKeyGroup extends pulumi.dynamic.Resource {
  declare readonly keyGroupId: pulumi.Output<string>;
  declare readonly initialPublicKeyId: pulumi.Output<string>;

  constructor(name: string, args: SigningKeyGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      signingKeyGroupProvider,
      name,
      { ...args, keyGroupId: undefined, initialPublicKeyId: undefined },
      opts,
      "signed-hls-cdn",
      "SigningKeyGroup",
    );
  }
}

// ---- parameter ----------------------------------------------------------------

export interface RotationOwnedParameterInputs {
  readonly name: string;
  /** Written at creation only; the rotation writes every later value. */
  readonly initialValue: string;
  readonly description: string;
  readonly region: string;
  readonly account?: AwsAccountSettings;
}

export interface RotationOwnedParameterOutputs extends RotationOwnedParameterInputs {
  readonly arn: string;
}

async function ssm(inputs: Pick<RotationOwnedParameterInputs, "region" | "account">) {
  const sdk = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
  const settings: AwsClientSettings = { region: inputs.region, account: inputs.account ?? {} };
  return { sdk, client: new sdk.SSMClient(await awsClientConfig(settings)) };
}

export const rotationOwnedParameterProvider: pulumi.dynamic.ResourceProvider<
  RotationOwnedParameterInputs,
  RotationOwnedParameterOutputs
> = {
  async create(inputs) {
    const { sdk, client } = await ssm(inputs);
    try {
      // Overwrite: a parameter left by an earlier stack with this prefix names that stack's keys.
      await client.send(
        new sdk.PutParameterCommand({
          Name: inputs.name,
          Value: inputs.initialValue,
          Type: "String",
          Description: inputs.description,
          Overwrite: true,
        }),
      );
      const read = await client.send(new sdk.GetParameterCommand({ Name: inputs.name }));
      return { id: inputs.name, outs: { ...inputs, arn: read.Parameter?.ARN ?? "" } };
    } finally {
      client.destroy();
    }
  },
  async diff(_id, olds, news) {
    // Another name would start from the initial value, not the rotation's: refused.
    return createOnlyDiff({ ...olds }, { ...news }, ["name", "region"]);
  },
  update: recordAccountSettings,
  async delete(id, props) {
    const { sdk, client } = await ssm(props);
    try {
      await client.send(new sdk.DeleteParameterCommand({ Name: id }));
    } catch (error) {
      if (errorName(error) !== "ParameterNotFound") throw error;
    } finally {
      client.destroy();
    }
  },
};

export interface RotationOwnedParameterArgs {
  readonly name: pulumi.Input<string>;
  readonly initialValue: pulumi.Input<string>;
  readonly description: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  readonly account: AwsAccountSettings;
}

/** An SSM String parameter the program creates once; the rotation writes its value. */
export class RotationOwnedParameter extends pulumi.dynamic.Resource {
  declare readonly arn: pulumi.Output<string>;

  constructor(name: string, args: RotationOwnedParameterArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      rotationOwnedParameterProvider,
      name,
      { ...args, arn: undefined },
      opts,
      "signed-hls-cdn",
      "RotationOwnedParameter",
    );
  }
}
