/**
 * An in-memory CloudFront (public keys, key groups, a distribution whose
 * configuration takes time to deploy), SSM Parameter Store and Secrets
 * Manager, behind the same ports as the AWS adapters (functions/rotation/aws/).
 * Tests and the local stack run the real rotation and the real key cache
 * against it. One file per service (cloudfront.ts, ssm.ts, secrets.ts), the
 * shared state and its JSON file in store.ts, faults in faults.ts; this class
 * wires them together and seeds stacks as `pulumi up` would.
 */
import { DEFAULT_KEY_ALGORITHM } from "../../contract/defaults";
import { generateKeyPair } from "../../functions/cloudfront/keys";
import type { KeyAlgorithm, TrustedKeys } from "../../functions/cloudfront/types";
import type { KeySourcePort } from "../../functions/keys/ports";
import { formatKeySecret } from "../../functions/keys/secret-value";
import { parameterNames } from "../../functions/keys/types";
import { MAX_PUBLIC_KEYS_PER_ACCOUNT } from "../../contract/limits";
import type {
  AuditEvent,
  AuditSink,
  Clock,
  CloudFrontPort,
  ParameterStorePort,
  RotationPorts,
  SecretStorePort,
} from "../../functions/rotation/ports";
import {
  distributionStatus,
  findDistribution,
  findKeyGroup,
  insertDistribution,
  insertKeyGroup,
  insertPublicKey,
  liveTrustSets,
  memoryCloudFront,
  setTrustedKeyGroups,
} from "./cloudfront";
import { FaultInjector, type MemoryOperation } from "./faults";
import { insertSecret, memorySecretStore, signerSecretReader } from "./secrets";
import { insertParameter, memoryParameterStore, readParameters, signerParameterReader } from "./ssm";
import { ModelStore, type StackSlots } from "./store";

export interface MemoryCloudOptions {
  /** Clock (epoch seconds); default the real time. Tests pass a fake one. */
  readonly clock?: Clock;
  /** Seconds a distribution stays InProgress after a trusted key group changes. Default 0. */
  readonly deploymentDelaySeconds?: number;
  /** JSON file to load from (if present) and save to after every change. */
  readonly persistPath?: string;
  /** Seed of the fault injector's random generator. */
  readonly seed?: number;
  /** Public keys the account may hold (CloudFront's default quota, contract/limits.ts). */
  readonly publicKeyQuota?: number;
  readonly region?: string;
}

/** What `seedStack` created: the ids a RotationConfig / KeySourceConfig needs. */
export interface SeededStack {
  readonly distributionId: string;
  readonly domainName: string;
  readonly parameterPrefix: string;
  readonly slots: StackSlots;
  readonly activeKeyId: string;
  readonly inactiveKeyId: string;
}

const systemClock: Clock = { now: () => Math.floor(Date.now() / 1000) };

export class InMemoryCloud {
  readonly faults: FaultInjector;
  readonly clock: Clock;
  readonly deploymentDelaySeconds: number;
  readonly region: string;
  readonly publicKeyQuota: number;
  /** Audit events written through `ports.audit`, in order. */
  readonly auditLog: AuditEvent[] = [];
  private readonly store: ModelStore;

  readonly cloudFront: CloudFrontPort;
  readonly parameters: ParameterStorePort;
  readonly secrets: SecretStorePort;
  /** The signers' view: GetParameters + GetSecretValue, counted separately as `keySource:<op>`. */
  readonly keySource: KeySourcePort;
  readonly audit: AuditSink;

  constructor(options: MemoryCloudOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.deploymentDelaySeconds = options.deploymentDelaySeconds ?? 0;
    this.region = options.region ?? "us-east-1";
    this.publicKeyQuota = options.publicKeyQuota ?? MAX_PUBLIC_KEYS_PER_ACCOUNT;
    this.faults = new FaultInjector(options.seed ?? 1);
    this.store = new ModelStore(this.clock, this.faults, this.region, options.persistPath);
    this.cloudFront = memoryCloudFront(this.store, this);
    this.parameters = memoryParameterStore(this.store);
    this.secrets = memorySecretStore(this.store);
    this.keySource = {
      readParameters: signerParameterReader(this.store),
      readSecret: signerSecretReader(this.store),
    };
    this.audit = { write: (event) => void this.auditLog.push(event) };
  }

  /** All ports for `runRotation` / `revokeKey`, sharing this model's clock. */
  ports(audit: AuditSink = this.audit): RotationPorts {
    return {
      cloudFront: this.cloudFront,
      parameters: this.parameters,
      secrets: this.secrets,
      clock: this.clock,
      audit,
    };
  }

  /** Calls served per operation; signer reads are counted as `keySource:GetParameters` / `keySource:GetSecretValue`. */
  callCount(operation: MemoryOperation | `keySource:${MemoryOperation}`): number {
    return this.store.callCount(operation);
  }

  resetCallCounts(): void {
    this.store.resetCallCounts();
  }

  // ---------- administration (not counted, no faults): what Pulumi would create ----------

  /**
   * Creates a stack as the Pulumi program does: two public keys, two key
   * groups, two secrets (rotation JSON format), the SSM parameters pointing at
   * slot 0, and a distribution whose every behavior trusts both groups.
   * Idempotent per prefix: a persisted model that already has it returns it.
   */
  seedStack(options: {
    parameterPrefix: string;
    keyAlgorithm?: KeyAlgorithm;
    pathPatterns?: readonly string[];
    domainName?: string;
  }): SeededStack {
    const existing = this.stack(options.parameterPrefix);
    if (existing) return existing;
    const store = this.store;
    const now = this.clock.now();
    const algorithm = options.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM;
    const tag = options.parameterPrefix.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
    const slots = ["a", "b"].map((slotName) => {
      const pair = generateKeyPair(algorithm);
      const key = insertPublicKey(
        store,
        {
          name: `${tag}-initial-${slotName}`,
          callerReference: `${tag}-initial-${slotName}`,
          encodedKey: pair.publicKeyPem,
        },
        now,
      );
      const group = insertKeyGroup(store, {
        name: `${tag}-${slotName}`,
        items: [key.id],
        comment: `slot ${slotName}`,
      });
      const secret = insertSecret(
        store,
        {
          name: `${tag}-${slotName}`,
          versionLabel: `initial-${slotName}`,
          value: formatKeySecret({ keyPairId: key.id, privateKeyPem: pair.privateKeyPem }),
        },
        now,
      );
      return { keyGroupId: group.id, secretArn: secret.arn, keyId: key.id };
    });
    const names = parameterNames(options.parameterPrefix);
    insertParameter(store, names.activeKeyId, slots[0].keyId, now);
    insertParameter(store, names.activeSecretArn, slots[0].secretArn, now);
    const distribution = insertDistribution(
      store,
      {
        keyGroupIds: slots.map((slot) => slot.keyGroupId),
        pathPatterns: options.pathPatterns ?? ["*"],
        domainName: options.domainName,
      },
      now,
    );
    const [slotA, slotB] = slots.map(({ keyGroupId, secretArn }) => ({ keyGroupId, secretArn }));
    store.data.stacks[options.parameterPrefix] = { distributionId: distribution.id, slots: [slotA, slotB] };
    store.save();
    return this.stack(options.parameterPrefix)!;
  }

  /** The stack `seedStack` created under this prefix, if any (never creates one). */
  stack(parameterPrefix: string): SeededStack | undefined {
    const seeded = this.store.data.stacks[parameterPrefix];
    if (!seeded) return undefined;
    const { distributionId, slots } = seeded;
    const distribution = findDistribution(this.store, distributionId);
    const { activeKeyId } = parameterNames(parameterPrefix);
    const active = readParameters(this.store, [activeKeyId]).get(activeKeyId)!.value;
    const inactive =
      slots.map((slot) => findKeyGroup(this.store, slot.keyGroupId).items[0]).find((key) => key !== active) ??
      active;
    return {
      distributionId,
      domainName: distribution.domainName,
      parameterPrefix,
      slots,
      activeKeyId: active,
      inactiveKeyId: inactive,
    };
  }

  /** Key id -> PEM sets CloudFront may enforce right now: the last deployed configuration and every one still deploying. */
  liveTrustSets(distributionId: string): TrustedKeys[] {
    return liveTrustSets(this.store, distributionId);
  }

  /** Distribution status as GetDistribution reports it. */
  distributionStatus(distributionId: string): "Deployed" | "InProgress" {
    return distributionStatus(this.store, distributionId);
  }

  /** The public keys that exist (ids), for assertions. */
  publicKeyIds(): string[] {
    return this.store.data.publicKeys.map((key) => key.id);
  }

  keyGroupItems(keyGroupId: string): string[] {
    return [...findKeyGroup(this.store, keyGroupId).items];
  }

  /** Changes a behavior's trusted groups (to simulate a misconfigured distribution). */
  setTrustedKeyGroups(distributionId: string, pathPattern: string, keyGroupIds: string[]): void {
    setTrustedKeyGroups(this.store, this.deploymentDelaySeconds, distributionId, pathPattern, keyGroupIds);
  }
}
