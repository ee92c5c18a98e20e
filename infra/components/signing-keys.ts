/**
 * SigningKeys: the two key slots of DESIGN.md section 5 (public key, key
 * group, secret each, named "active" and "inactive" after their roles at
 * creation; rotations swap the roles) and the SSM parameters that say which
 * key signs. After the first deploy the rotation owns key group items,
 * public keys, secret values and parameter values: they are in ignoreChanges.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { KeyAlgorithm } from "../../functions/cloudfront/types";
import { parameterNames } from "../../functions/keys/types";
import { InitialKeyPair } from "../initial-key-pair";

export const KEY_SLOTS = ["active", "inactive"] as const;
export type KeySlot = (typeof KEY_SLOTS)[number];

/** Fields that `pulumi up` must never take back from the rotation. */
export const ROTATION_OWNED = {
  keyGroup: ["items"],
  publicKey: ["encodedKey", "name", "comment"],
  parameter: ["value"],
  initialKeyPair: ["algorithm"],
} as const;

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
}

export interface KeySlotResources {
  readonly secret: aws.secretsmanager.Secret;
  readonly initialKeyPair: InitialKeyPair;
  readonly publicKey: aws.cloudfront.PublicKey;
  readonly keyGroup: aws.cloudfront.KeyGroup;
}

export class SigningKeys extends pulumi.ComponentResource {
  readonly slots: Readonly<Record<KeySlot, KeySlotResources>>;
  readonly parameterNames: ReturnType<typeof parameterNames>;
  readonly activeKeyIdParameter: aws.ssm.Parameter;
  readonly activeSecretArnParameter: aws.ssm.Parameter;
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
      const initialKeyPair = new InitialKeyPair(
        `${name}-${slot}-initial-key-pair`,
        { secretId: secret.arn, algorithm: args.keyAlgorithm, region: args.region },
        { parent: this, ignoreChanges: [...ROTATION_OWNED.initialKeyPair] },
      );
      const publicKey = new aws.cloudfront.PublicKey(
        `${name}-${slot}-public-key`,
        {
          name: physical(`${slot}-initial`),
          encodedKey: initialKeyPair.publicKeyPem,
          comment: `First ${slot} signing key of stack ${args.stack}; the rotation replaces it`,
        },
        { parent: this, ignoreChanges: [...ROTATION_OWNED.publicKey] },
      );
      const keyGroup = new aws.cloudfront.KeyGroup(
        `${name}-${slot}-key-group`,
        {
          name: physical(slot),
          items: [publicKey.id],
          comment: `Signing key group "${slot}" of stack ${args.stack}; items owned by the rotation`,
        },
        { ...kept, ignoreChanges: [...ROTATION_OWNED.keyGroup] },
      );
      return { secret, initialKeyPair, publicKey, keyGroup };
    };
    this.slots = { active: makeSlot("active"), inactive: makeSlot("inactive") };

    this.parameterNames = parameterNames(args.parameterPrefix);
    this.activeKeyIdParameter = new aws.ssm.Parameter(
      `${name}-active-key-id`,
      {
        name: this.parameterNames.activeKeyId,
        type: "String",
        value: this.slots.active.publicKey.id,
        description: "CloudFront public key id that signers use now; written by the rotation",
      },
      { ...kept, ignoreChanges: [...ROTATION_OWNED.parameter] },
    );
    this.activeSecretArnParameter = new aws.ssm.Parameter(
      `${name}-active-secret-arn`,
      {
        name: this.parameterNames.activeSecretArn,
        type: "String",
        value: this.slots.active.secret.arn,
        description: "ARN of the secret holding the active private key; written by the rotation",
      },
      { ...kept, ignoreChanges: [...ROTATION_OWNED.parameter] },
    );

    this.keyGroupIds = KEY_SLOTS.map((slot) => this.slots[slot].keyGroup.id);
    this.secretArns = KEY_SLOTS.map((slot) => this.slots[slot].secret.arn);
    this.registerOutputs({
      keyGroupIds: this.keyGroupIds,
      secretArns: this.secretArns,
      activeKeyIdParameter: this.activeKeyIdParameter.name,
      activeSecretArnParameter: this.activeSecretArnParameter.name,
    });
  }
}
