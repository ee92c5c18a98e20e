/**
 * SigningKeys: the two key slots of docs/ARCHITECTURE.md ("A rotation") (public key, key
 * group, secret each, named "active" and "inactive" after their roles at
 * creation; rotations swap the roles) and the SSM parameters that say which
 * key signs. After the first deploy the rotation owns key group items,
 * public keys, secret values and parameter values: the key groups and the
 * parameters are create-only dynamic resources (infra/rotation-owned.ts says
 * why ignoreChanges is not enough), and the first key pair is never remade.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { KeyAlgorithm } from "../../functions/cloudfront/types";
import { parameterNames } from "../../functions/keys/types";
import type { AwsAccountSettings } from "../dynamic-aws";
import { InitialKeyPair } from "../initial-key-pair";
import { RotationOwnedParameter, SigningKeyGroup } from "../rotation-owned";

export const KEY_SLOTS = ["active", "inactive"] as const;
export type KeySlot = (typeof KEY_SLOTS)[number];

export interface SigningKeysArgs {
  /** Stack name, part of every physical name. */
  readonly stack: string;
  readonly region: string;
  readonly keyAlgorithm: KeyAlgorithm;
  /** SSM prefix, e.g. `/cloudfront-signer/dev`. */
  readonly parameterPrefix: string;
  readonly secretRecoveryWindowDays: number;
  /** Protect key groups, secrets and parameters from `pulumi destroy`. */
  readonly protect: boolean;
  /** The stack's `aws:` settings, for the dynamic providers (infra/aws-account.ts). */
  readonly account: AwsAccountSettings;
}

export interface KeySlotResources {
  readonly secret: aws.secretsmanager.Secret;
  readonly initialKeyPair: InitialKeyPair;
  readonly keyGroup: SigningKeyGroup;
}

export class SigningKeys extends pulumi.ComponentResource {
  readonly slots: Readonly<Record<KeySlot, KeySlotResources>>;
  readonly parameterNames: ReturnType<typeof parameterNames>;
  readonly activeKeyIdParameter: RotationOwnedParameter;
  readonly activeSecretArnParameter: RotationOwnedParameter;
  readonly keyGroupIds: pulumi.Output<string>[];
  readonly secretArns: pulumi.Output<string>[];

  constructor(name: string, args: SigningKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("signed-hls-cdn:keys:SigningKeys", name, {}, opts);
    const child = { parent: this };
    const kept = { parent: this, protect: args.protect };

    // Unique per stack incarnation: a destroyed secret keeps its name for the
    // recovery window, so a re-created stack must not reuse it.
    const suffix = new random.RandomId(`${name}-suffix`, { byteLength: 4 }, child);
    const physical = (what: string) => pulumi.interpolate`signed-hls-cdn-${args.stack}-${what}-${suffix.hex}`;

    const makeSlot = (slot: KeySlot): KeySlotResources => {
      const secret = new aws.secretsmanager.Secret(
        `${name}-${slot}-secret`,
        {
          name: pulumi.interpolate`signed-hls-cdn/${args.stack}/${slot}-private-key-${suffix.hex}`,
          description: `CloudFront signing private key (PEM) of the ${slot} key slot, stack ${args.stack}. Written by the deploy and by the rotation only.`,
          recoveryWindowInDays: args.secretRecoveryWindowDays,
        },
        kept,
      );
      // Never replaced or updated once made: the rotation writes later pairs (and a new algorithm).
      const initialKeyPair = new InitialKeyPair(
        `${name}-${slot}-initial-key-pair`,
        { secretId: secret.arn, algorithm: args.keyAlgorithm, region: args.region, account: args.account },
        { parent: this, ignoreChanges: ["algorithm"] },
      );
      const keyGroup = new SigningKeyGroup(
        `${name}-${slot}-key-group`,
        {
          name: physical(slot),
          comment: `Signing key group "${slot}" of stack ${args.stack}; items owned by the rotation`,
          publicKeyName: physical(`${slot}-initial`),
          publicKeyComment: `First ${slot} signing key of stack ${args.stack}; the rotation replaces it`,
          encodedKey: initialKeyPair.publicKeyPem,
          account: args.account,
        },
        kept,
      );
      return { secret, initialKeyPair, keyGroup };
    };
    this.slots = { active: makeSlot("active"), inactive: makeSlot("inactive") };

    this.parameterNames = parameterNames(args.parameterPrefix);
    this.activeKeyIdParameter = new RotationOwnedParameter(
      `${name}-active-key-id`,
      {
        name: this.parameterNames.activeKeyId,
        initialValue: this.slots.active.keyGroup.initialPublicKeyId,
        description: "CloudFront public key id that signers use now; written by the rotation",
        region: args.region,
        account: args.account,
      },
      kept,
    );
    this.activeSecretArnParameter = new RotationOwnedParameter(
      `${name}-active-secret-arn`,
      {
        name: this.parameterNames.activeSecretArn,
        initialValue: this.slots.active.secret.arn,
        description: "ARN of the secret holding the active private key; written by the rotation",
        region: args.region,
        account: args.account,
      },
      kept,
    );

    this.keyGroupIds = KEY_SLOTS.map((slot) => this.slots[slot].keyGroup.keyGroupId);
    this.secretArns = KEY_SLOTS.map((slot) => this.slots[slot].secret.arn);
    this.registerOutputs({
      keyGroupIds: this.keyGroupIds,
      secretArns: this.secretArns,
      activeKeyIdParameter: this.parameterNames.activeKeyId,
      activeSecretArnParameter: this.parameterNames.activeSecretArn,
    });
  }
}
