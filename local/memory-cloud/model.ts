/**
 * An in-memory CloudFront (public keys, key groups, a distribution whose
 * configuration takes time to deploy), SSM Parameter Store and Secrets
 * Manager, behind the same ports as the AWS adapters. Tests and the local
 * stack run the real rotation and the real key cache against it.
 *
 * Faithful where the rotation depends on it: ETags and IfMatch, CallerReference
 * and name uniqueness, PublicKeyInUse, parameter versions and Overwrite,
 * secret versions by ClientRequestToken. Optionally persisted to a JSON file
 * (mode 0600: it holds private keys) so a restarted local stack keeps its keys.
 */
import { createPublicKey } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { generateKeyPair } from "../../functions/cloudfront/keys";
import type { KeyAlgorithm, TrustedKeys } from "../../functions/cloudfront/types";
import type { KeySourcePort } from "../../functions/keys/ports";
import { formatKeySecret } from "../../functions/keys/secret-value";
import { parameterNames } from "../../functions/keys/types";
import { DEFAULT_KEY_ALGORITHM } from "../../contract/defaults";
import { MAX_KEYS_PER_KEY_GROUP, MAX_PUBLIC_KEYS_PER_ACCOUNT } from "../../contract/limits";
import { ServiceError } from "../../functions/rotation/errors";
import type {
  AuditEvent,
  AuditSink,
  Clock,
  CloudFrontPort,
  DistributionView,
  KeyGroupView,
  ParameterStorePort,
  PublicKeyView,
  RotationPorts,
  SecretStorePort,
  StoredParameter,
} from "../../functions/rotation/ports";
import { FaultInjector, type MemoryOperation } from "./faults";

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

interface PublicKeyRecord {
  id: string;
  name: string;
  encodedKey: string;
  callerReference: string;
  comment?: string;
  etag: string;
  createdAt: number;
}
interface KeyGroupRecord {
  id: string;
  name: string;
  items: string[];
  comment?: string;
  etag: string;
}
interface Deployment {
  /** Key id -> PEM trusted by every behavior under this configuration. */
  trusted: [string, string][];
  startedAt: number;
  completesAt: number;
}
interface DistributionRecord {
  id: string;
  domainName: string;
  behaviors: { pathPattern: string; trustedKeyGroupIds: string[] }[];
  deployments: Deployment[];
}
interface ParameterVersion {
  value: string;
  version: number;
  lastModified: number;
}
interface SecretRecord {
  arn: string;
  name: string;
  versions: { versionId: string; value: string; createdAt: number }[];
  current?: string;
}
interface ModelData {
  schema: 1;
  counter: number;
  publicKeys: PublicKeyRecord[];
  keyGroups: KeyGroupRecord[];
  distributions: DistributionRecord[];
  parameters: Record<string, ParameterVersion[]>;
  secrets: SecretRecord[];
  /** Stacks created by seedStack, by parameter prefix. */
  stacks: Record<string, { distributionId: string; slots: SeededStack["slots"] }>;
}

/** What `seedStack` created: the ids a RotationConfig / KeySourceConfig needs. */
export interface SeededStack {
  readonly distributionId: string;
  readonly domainName: string;
  readonly parameterPrefix: string;
  readonly slots: readonly [
    { keyGroupId: string; secretArn: string },
    { keyGroupId: string; secretArn: string },
  ];
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
  private data: ModelData;
  private readonly counts = new Map<string, number>();
  private readonly persistPath?: string;

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
    this.persistPath = options.persistPath;
    this.data = this.persistPath && existsSync(this.persistPath) ? loadModel(this.persistPath) : emptyModel();
    this.cloudFront = this.makeCloudFront();
    this.parameters = this.makeParameters();
    this.secrets = this.makeSecrets();
    this.keySource = this.makeKeySource();
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
    return this.counts.get(operation) ?? 0;
  }

  resetCallCounts(): void {
    this.counts.clear();
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
    const existing = this.findSeeded(options.parameterPrefix);
    if (existing) return existing;
    const now = this.clock.now();
    const algorithm = options.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM;
    const tag = options.parameterPrefix.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
    const slots = ["a", "b"].map((slotName) => {
      const pair = generateKeyPair(algorithm);
      const key = this.insertPublicKey(
        {
          name: `${tag}-initial-${slotName}`,
          callerReference: `${tag}-initial-${slotName}`,
          encodedKey: pair.publicKeyPem,
        },
        now,
      );
      const group: KeyGroupRecord = {
        id: this.newId("KG"),
        name: `${tag}-${slotName}`,
        items: [key.id],
        comment: `slot ${slotName}`,
        etag: this.newEtag(),
      };
      this.data.keyGroups.push(group);
      const secret: SecretRecord = {
        arn: this.secretArn(`${tag}-${slotName}`),
        name: `${tag}-${slotName}`,
        versions: [],
      };
      const versionId = `initial-${slotName}-${this.data.counter++}`;
      secret.versions.push({
        versionId,
        value: formatKeySecret({ keyPairId: key.id, privateKeyPem: pair.privateKeyPem }),
        createdAt: now,
      });
      secret.current = versionId;
      this.data.secrets.push(secret);
      return { keyGroupId: group.id, secretArn: secret.arn, keyId: key.id };
    });
    const names = parameterNames(options.parameterPrefix);
    this.data.parameters[names.activeKeyId] = [{ value: slots[0].keyId, version: 1, lastModified: now }];
    this.data.parameters[names.activeSecretArn] = [
      { value: slots[0].secretArn, version: 1, lastModified: now },
    ];
    const distribution: DistributionRecord = {
      id: this.newId("E"),
      domainName: options.domainName ?? `d${String(this.data.counter++).padStart(12, "0")}.cloudfront.net`,
      behaviors: (options.pathPatterns ?? ["*"]).map((pathPattern) => ({
        pathPattern,
        trustedKeyGroupIds: slots.map((slot) => slot.keyGroupId),
      })),
      deployments: [],
    };
    distribution.deployments.push({
      trusted: this.trustSnapshot(distribution),
      startedAt: now,
      completesAt: now,
    });
    this.data.distributions.push(distribution);
    const [slotA, slotB] = slots.map(({ keyGroupId, secretArn }) => ({ keyGroupId, secretArn }));
    this.data.stacks[options.parameterPrefix] = { distributionId: distribution.id, slots: [slotA, slotB] };
    this.save();
    return this.findSeeded(options.parameterPrefix)!;
  }

  /** The stack `seedStack` created under this prefix, if any (never creates one). */
  stack(parameterPrefix: string): SeededStack | undefined {
    return this.findSeeded(parameterPrefix);
  }

  /** Key id -> PEM sets CloudFront may enforce right now: the last deployed configuration and every one still deploying. */
  liveTrustSets(distributionId: string): TrustedKeys[] {
    const distribution = this.distribution(distributionId);
    return liveDeployments(distribution, this.clock.now()).map((deployment) => new Map(deployment.trusted));
  }

  /** Distribution status as GetDistribution reports it. */
  distributionStatus(distributionId: string): "Deployed" | "InProgress" {
    return statusOf(this.distribution(distributionId), this.clock.now());
  }

  /** The public keys that exist (ids), for assertions. */
  publicKeyIds(): string[] {
    return this.data.publicKeys.map((key) => key.id);
  }

  keyGroupItems(keyGroupId: string): string[] {
    return [...this.keyGroup(keyGroupId).items];
  }

  /** Changes a behavior's trusted groups (to simulate a misconfigured distribution). */
  setTrustedKeyGroups(distributionId: string, pathPattern: string, keyGroupIds: string[]): void {
    const distribution = this.distribution(distributionId);
    const behavior = distribution.behaviors.find((entry) => entry.pathPattern === pathPattern);
    if (!behavior) throw new Error(`no behavior ${pathPattern}`);
    behavior.trustedKeyGroupIds = [...keyGroupIds];
    this.redeploy(distribution);
    this.save();
  }

  // ---------- ports ----------

  private async call<T>(operation: MemoryOperation, keySource: boolean, body: () => T): Promise<T> {
    // One macrotask per call so concurrent callers really interleave, as over a network.
    await new Promise((resolve) => setImmediate(resolve));
    const label = keySource ? `keySource:${operation}` : operation;
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    const decision = this.faults.before(operation, keySource);
    const result = body();
    this.faults.after(operation, decision);
    return result;
  }

  private makeCloudFront(): CloudFrontPort {
    return {
      getKeyGroup: (id) => this.call("GetKeyGroup", false, () => viewGroup(this.keyGroup(id))),
      updateKeyGroup: (id, config, ifMatch) =>
        this.call("UpdateKeyGroup", false, () => {
          const group = this.keyGroup(id);
          if (ifMatch !== group.etag)
            throw new ServiceError(
              "precondition-failed",
              `IfMatch ${ifMatch} does not match ${group.etag}`,
              "PreconditionFailed",
            );
          if (config.items.length === 0)
            throw new ServiceError("invalid", "a key group needs at least one public key", "InvalidArgument");
          if (config.items.length > MAX_KEYS_PER_KEY_GROUP) {
            throw new ServiceError(
              "invalid",
              `more than ${MAX_KEYS_PER_KEY_GROUP} keys`,
              "TooManyPublicKeysInKeyGroup",
            );
          }
          for (const item of config.items) {
            if (!this.data.publicKeys.some((key) => key.id === item))
              throw new ServiceError("invalid", `no public key ${item}`, "InvalidArgument");
          }
          group.name = config.name;
          group.items = [...new Set(config.items)];
          group.comment = config.comment;
          group.etag = this.newEtag();
          for (const distribution of this.data.distributions) {
            if (distribution.behaviors.some((behavior) => behavior.trustedKeyGroupIds.includes(id)))
              this.redeploy(distribution);
          }
          this.save();
          return { etag: group.etag };
        }),
      createPublicKey: (input) =>
        this.call("CreatePublicKey", false, () => {
          if (
            this.data.publicKeys.some(
              (key) => key.callerReference === input.callerReference || key.name === input.name,
            )
          ) {
            throw new ServiceError(
              "public-key-exists",
              `public key ${input.name} already exists`,
              "PublicKeyAlreadyExists",
            );
          }
          if (this.data.publicKeys.length >= this.publicKeyQuota) {
            throw new ServiceError(
              "quota-exceeded",
              `the account already holds ${this.data.publicKeys.length} public keys (quota ${this.publicKeyQuota})`,
              "TooManyPublicKeys",
            );
          }
          const key = this.insertPublicKey(input, this.clock.now());
          this.save();
          return { id: key.id };
        }),
      getPublicKey: (id) =>
        this.call("GetPublicKey", false, () => {
          const key = this.data.publicKeys.find((entry) => entry.id === id);
          return key ? viewKey(key) : undefined;
        }),
      findPublicKeyByName: (name) =>
        this.call("ListPublicKeys", false, () => {
          const key = this.data.publicKeys.find((entry) => entry.name === name);
          return key ? viewKey(key) : undefined;
        }),
      listPublicKeys: () =>
        this.call("ListPublicKeys", false, () =>
          this.data.publicKeys.map((key) => ({ id: key.id, name: key.name, createdAt: key.createdAt })),
        ),
      deletePublicKey: (id, ifMatch) =>
        this.call("DeletePublicKey", false, () => {
          const key = this.data.publicKeys.find((entry) => entry.id === id);
          if (!key) throw new ServiceError("not-found", `no public key ${id}`, "NoSuchPublicKey");
          if (key.etag !== ifMatch)
            throw new ServiceError(
              "precondition-failed",
              `IfMatch ${ifMatch} does not match ${key.etag}`,
              "PreconditionFailed",
            );
          if (this.data.keyGroups.some((group) => group.items.includes(id))) {
            throw new ServiceError(
              "public-key-in-use",
              `public key ${id} is in a key group`,
              "PublicKeyInUse",
            );
          }
          this.data.publicKeys = this.data.publicKeys.filter((entry) => entry.id !== id);
          this.save();
        }),
      getDistribution: (id) =>
        this.call("GetDistribution", false, () => viewDistribution(this.distribution(id), this.clock.now())),
    };
  }

  private makeParameters(): ParameterStorePort {
    return {
      getParameters: (names) => this.call("GetParameters", false, () => this.readParameters(names)),
      putParameter: (name, value, options) =>
        this.call("PutParameter", false, () => {
          if (value.length === 0 || value.length > 4096)
            throw new ServiceError(
              "invalid",
              `parameter value must be 1-4096 characters`,
              "ValidationException",
            );
          const history = this.data.parameters[name];
          if (history && !options.overwrite)
            throw new ServiceError(
              "parameter-exists",
              `parameter ${name} already exists`,
              "ParameterAlreadyExists",
            );
          const version = (history?.[history.length - 1]?.version ?? 0) + 1;
          const entry = { value, version, lastModified: this.clock.now() };
          // SSM keeps 100 versions; the model keeps the last 20.
          this.data.parameters[name] = [...(history ?? []), entry].slice(-20);
          this.save();
          return { version };
        }),
    };
  }

  private makeSecrets(): SecretStorePort {
    return {
      putSecretValue: (secretId, value, token) =>
        this.call("PutSecretValue", false, () => {
          const secret = this.secret(secretId);
          const existing = secret.versions.find((version) => version.versionId === token);
          if (existing) {
            if (existing.value !== value)
              throw new ServiceError(
                "invalid",
                `version ${token} exists with another value`,
                "ResourceExistsException",
              );
            return { versionId: token };
          }
          secret.versions.push({ versionId: token, value, createdAt: this.clock.now() });
          secret.versions = secret.versions.slice(-10);
          secret.current = token;
          this.save();
          return { versionId: token };
        }),
      getSecretValue: (secretId, versionId) =>
        this.call("GetSecretValue", false, () => {
          const secret = this.secret(secretId);
          const version = secret.versions.find((entry) => entry.versionId === (versionId ?? secret.current));
          return version ? { value: version.value, versionId: version.versionId } : undefined;
        }),
    };
  }

  private makeKeySource(): KeySourcePort {
    return {
      readParameters: (names) =>
        this.call("GetParameters", true, () => {
          const values = new Map<string, string>();
          for (const [name, parameter] of this.readParameters(names)) values.set(name, parameter.value);
          return values;
        }),
      readSecret: (secretId) =>
        this.call("GetSecretValue", true, () => {
          const secret = this.secret(secretId);
          const version = secret.versions.find((entry) => entry.versionId === secret.current);
          if (!version)
            throw new ServiceError(
              "not-found",
              `secret ${secretId} has no current value`,
              "ResourceNotFoundException",
            );
          return version.value;
        }),
    };
  }

  // ---------- internals ----------

  private readParameters(names: readonly string[]): Map<string, StoredParameter> {
    const found = new Map<string, StoredParameter>();
    for (const name of names) {
      const history = this.data.parameters[name];
      const latest = history?.[history.length - 1];
      if (latest) found.set(name, { ...latest });
    }
    return found;
  }

  private insertPublicKey(
    input: { callerReference: string; name: string; encodedKey: string; comment?: string },
    now: number,
  ): PublicKeyRecord {
    assertCloudFrontPublicKey(input.encodedKey);
    const key: PublicKeyRecord = { id: this.newId("K"), ...input, etag: this.newEtag(), createdAt: now };
    this.data.publicKeys.push(key);
    return key;
  }

  private trustSnapshot(distribution: DistributionRecord): [string, string][] {
    const perBehavior = distribution.behaviors.map((behavior) => {
      const keys = new Set<string>();
      for (const groupId of behavior.trustedKeyGroupIds) {
        for (const item of this.data.keyGroups.find((group) => group.id === groupId)?.items ?? [])
          keys.add(item);
      }
      return keys;
    });
    const everywhere = [...(perBehavior[0] ?? [])].filter((keyId) =>
      perBehavior.every((keys) => keys.has(keyId)),
    );
    return everywhere.map((keyId) => [
      keyId,
      this.data.publicKeys.find((key) => key.id === keyId)!.encodedKey,
    ]);
  }

  private redeploy(distribution: DistributionRecord): void {
    const now = this.clock.now();
    distribution.deployments.push({
      trusted: this.trustSnapshot(distribution),
      startedAt: now,
      completesAt: now + this.deploymentDelaySeconds,
    });
    // Keep the live ones and the last completed one.
    const live = liveDeployments(distribution, now);
    distribution.deployments = distribution.deployments.filter((deployment) => live.includes(deployment));
  }

  private keyGroup(id: string): KeyGroupRecord {
    const group = this.data.keyGroups.find((entry) => entry.id === id);
    if (!group) throw new ServiceError("not-found", `no key group ${id}`, "NoSuchResource");
    return group;
  }

  private distribution(id: string): DistributionRecord {
    const distribution = this.data.distributions.find((entry) => entry.id === id);
    if (!distribution) throw new ServiceError("not-found", `no distribution ${id}`, "NoSuchDistribution");
    return distribution;
  }

  private secret(id: string): SecretRecord {
    const secret = this.data.secrets.find((entry) => entry.arn === id || entry.name === id);
    if (!secret) throw new ServiceError("not-found", `no secret ${id}`, "ResourceNotFoundException");
    return secret;
  }

  private secretArn(name: string): string {
    const suffix = String(this.data.counter++).padStart(6, "0").slice(-6);
    return `arn:aws:secretsmanager:${this.region}:000000000000:secret:${name}-${suffix}`;
  }

  private newId(prefix: string): string {
    return `${prefix}${String(this.data.counter++).padStart(13 - prefix.length + 1, "0")}`;
  }

  private newEtag(): string {
    return `E${(this.data.counter++).toString(36).toUpperCase()}`;
  }

  private findSeeded(prefix: string): SeededStack | undefined {
    const names = parameterNames(prefix);
    const seeded = this.data.stacks[prefix];
    if (!seeded) return undefined;
    const { distributionId, slots } = seeded;
    const distribution = this.distribution(distributionId);
    const active = this.readParameters([names.activeKeyId]).get(names.activeKeyId)!.value;
    const inactive =
      slots.map((slot) => this.keyGroup(slot.keyGroupId).items[0]).find((key) => key !== active) ?? active;
    return {
      distributionId,
      domainName: distribution.domainName,
      parameterPrefix: prefix,
      slots,
      activeKeyId: active,
      inactiveKeyId: inactive,
    };
  }

  private save(): void {
    if (!this.persistPath) return;
    const temporary = `${this.persistPath}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data), { mode: 0o600 });
    renameSync(temporary, this.persistPath);
  }
}

function emptyModel(): ModelData {
  return {
    schema: 1,
    counter: 1,
    publicKeys: [],
    keyGroups: [],
    distributions: [],
    parameters: {},
    secrets: [],
    stacks: {},
  };
}

function loadModel(path: string): ModelData {
  const data = JSON.parse(readFileSync(path, "utf8")) as ModelData;
  if (data.schema !== 1 || !Array.isArray(data.publicKeys))
    throw new Error(`${path} is not an in-memory model file`);
  return data;
}

function liveDeployments(distribution: DistributionRecord, now: number): Deployment[] {
  const completed = distribution.deployments.filter((deployment) => deployment.completesAt <= now);
  const pending = distribution.deployments.filter((deployment) => deployment.completesAt > now);
  return [...completed.slice(-1), ...pending];
}

function statusOf(distribution: DistributionRecord, now: number): "Deployed" | "InProgress" {
  return distribution.deployments.some((deployment) => deployment.completesAt > now)
    ? "InProgress"
    : "Deployed";
}

function viewGroup(group: KeyGroupRecord): KeyGroupView {
  return {
    id: group.id,
    name: group.name,
    items: [...group.items],
    comment: group.comment,
    etag: group.etag,
  };
}

function viewKey(key: PublicKeyRecord): PublicKeyView {
  return {
    id: key.id,
    name: key.name,
    encodedKey: key.encodedKey,
    callerReference: key.callerReference,
    etag: key.etag,
  };
}

function viewDistribution(distribution: DistributionRecord, now: number): DistributionView {
  return {
    id: distribution.id,
    status: statusOf(distribution, now),
    behaviors: distribution.behaviors.map((behavior) => ({
      pathPattern: behavior.pathPattern,
      trustedKeyGroupIds: [...behavior.trustedKeyGroupIds],
    })),
  };
}

/** CloudFront accepts RSA-2048 and ECDSA P-256 public keys in PEM. */
function assertCloudFrontPublicKey(pem: string): void {
  try {
    const key = createPublicKey(pem);
    const details = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType === "rsa" && details?.modulusLength === 2048) return;
    if (key.asymmetricKeyType === "ec" && details?.namedCurve === "prime256v1") return;
  } catch {
    // fall through
  }
  throw new ServiceError(
    "invalid",
    "EncodedKey must be an RSA-2048 or ECDSA P-256 public key in PEM",
    "InvalidArgument",
  );
}
