/**
 * CloudFront in the in-memory cloud: public keys, key groups and
 * distributions whose configuration takes `deploymentDelaySeconds` to deploy
 * (the model of functions/rotation/aws/cloudfront.ts). Faithful where the
 * rotation depends on it: ETags and IfMatch, CallerReference and name
 * uniqueness, PublicKeyInUse, the keys-per-group and public-key quotas.
 */
import { createPublicKey } from "node:crypto";
import { MAX_KEYS_PER_KEY_GROUP } from "../../contract/limits";
import type { TrustedKeys } from "../../functions/cloudfront/types";
import { ServiceError } from "../../functions/rotation/errors";
import type {
  CloudFrontPort,
  DistributionView,
  KeyGroupView,
  PublicKeyView,
} from "../../functions/rotation/ports";
import type { DistributionRecord, KeyGroupRecord, ModelStore, PublicKeyRecord } from "./store";

export interface CloudFrontSettings {
  /** Seconds a distribution stays InProgress after a trusted key group changes. */
  readonly deploymentDelaySeconds: number;
  /** Public keys the account may hold. */
  readonly publicKeyQuota: number;
}

export function memoryCloudFront(store: ModelStore, settings: CloudFrontSettings): CloudFrontPort {
  const { data } = store;
  return {
    getKeyGroup: (id) => store.call("GetKeyGroup", false, () => viewGroup(findKeyGroup(store, id))),
    updateKeyGroup: (id, config, ifMatch) =>
      store.call("UpdateKeyGroup", false, () => {
        const group = findKeyGroup(store, id);
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
          if (!data.publicKeys.some((key) => key.id === item))
            throw new ServiceError("invalid", `no public key ${item}`, "InvalidArgument");
        }
        group.name = config.name;
        group.items = [...new Set(config.items)];
        group.comment = config.comment;
        group.etag = store.newEtag();
        for (const distribution of data.distributions) {
          if (distribution.behaviors.some((behavior) => behavior.trustedKeyGroupIds.includes(id)))
            redeploy(store, distribution, settings.deploymentDelaySeconds);
        }
        store.save();
        return { etag: group.etag };
      }),
    createPublicKey: (input) =>
      store.call("CreatePublicKey", false, () => {
        if (
          data.publicKeys.some(
            (key) => key.callerReference === input.callerReference || key.name === input.name,
          )
        ) {
          throw new ServiceError(
            "public-key-exists",
            `public key ${input.name} already exists`,
            "PublicKeyAlreadyExists",
          );
        }
        if (data.publicKeys.length >= settings.publicKeyQuota) {
          throw new ServiceError(
            "quota-exceeded",
            `the account already holds ${data.publicKeys.length} public keys (quota ${settings.publicKeyQuota})`,
            "TooManyPublicKeys",
          );
        }
        const key = insertPublicKey(store, input, store.clock.now());
        store.save();
        return { id: key.id };
      }),
    getPublicKey: (id) =>
      store.call("GetPublicKey", false, () => {
        const key = data.publicKeys.find((entry) => entry.id === id);
        return key ? viewKey(key) : undefined;
      }),
    findPublicKeyByName: (name) =>
      store.call("ListPublicKeys", false, () => {
        const key = data.publicKeys.find((entry) => entry.name === name);
        return key ? viewKey(key) : undefined;
      }),
    listPublicKeys: () =>
      store.call("ListPublicKeys", false, () =>
        data.publicKeys.map((key) => ({ id: key.id, name: key.name, createdAt: key.createdAt })),
      ),
    deletePublicKey: (id, ifMatch) =>
      store.call("DeletePublicKey", false, () => {
        const key = data.publicKeys.find((entry) => entry.id === id);
        if (!key) throw new ServiceError("not-found", `no public key ${id}`, "NoSuchPublicKey");
        if (key.etag !== ifMatch)
          throw new ServiceError(
            "precondition-failed",
            `IfMatch ${ifMatch} does not match ${key.etag}`,
            "PreconditionFailed",
          );
        if (data.keyGroups.some((group) => group.items.includes(id))) {
          throw new ServiceError("public-key-in-use", `public key ${id} is in a key group`, "PublicKeyInUse");
        }
        data.publicKeys = data.publicKeys.filter((entry) => entry.id !== id);
        store.save();
      }),
    getDistribution: (id) =>
      store.call("GetDistribution", false, () =>
        viewDistribution(findDistribution(store, id), store.clock.now()),
      ),
  };
}

// ---------- administration (not counted, no faults): what Pulumi would create ----------

export function insertPublicKey(
  store: ModelStore,
  input: { callerReference: string; name: string; encodedKey: string; comment?: string },
  now: number,
): PublicKeyRecord {
  assertCloudFrontPublicKey(input.encodedKey);
  const key: PublicKeyRecord = { id: store.newId("K"), ...input, etag: store.newEtag(), createdAt: now };
  store.data.publicKeys.push(key);
  return key;
}

export function insertKeyGroup(
  store: ModelStore,
  input: { name: string; items: string[]; comment?: string },
): KeyGroupRecord {
  const group: KeyGroupRecord = {
    id: store.newId("KG"),
    name: input.name,
    items: input.items,
    comment: input.comment,
    etag: store.newEtag(),
  };
  store.data.keyGroups.push(group);
  return group;
}

/** A distribution whose every behavior trusts `keyGroupIds`, already Deployed. */
export function insertDistribution(
  store: ModelStore,
  input: { keyGroupIds: string[]; pathPatterns: readonly string[]; domainName?: string },
  now: number,
): DistributionRecord {
  const distribution: DistributionRecord = {
    id: store.newId("E"),
    domainName: input.domainName ?? `d${String(store.next()).padStart(12, "0")}.cloudfront.net`,
    behaviors: input.pathPatterns.map((pathPattern) => ({
      pathPattern,
      trustedKeyGroupIds: [...input.keyGroupIds],
    })),
    deployments: [],
  };
  distribution.deployments.push({
    trusted: trustSnapshot(store, distribution),
    startedAt: now,
    completesAt: now,
  });
  store.data.distributions.push(distribution);
  return distribution;
}

/** Changes a behavior's trusted groups (to simulate a misconfigured distribution). */
export function setTrustedKeyGroups(
  store: ModelStore,
  deploymentDelaySeconds: number,
  distributionId: string,
  pathPattern: string,
  keyGroupIds: string[],
): void {
  const distribution = findDistribution(store, distributionId);
  const behavior = distribution.behaviors.find((entry) => entry.pathPattern === pathPattern);
  if (!behavior) throw new Error(`no behavior ${pathPattern}`);
  behavior.trustedKeyGroupIds = [...keyGroupIds];
  redeploy(store, distribution, deploymentDelaySeconds);
  store.save();
}

/** Key id -> PEM sets CloudFront may enforce right now: the last deployed configuration and every one still deploying. */
export function liveTrustSets(store: ModelStore, distributionId: string): TrustedKeys[] {
  const distribution = findDistribution(store, distributionId);
  return liveDeployments(distribution, store.clock.now()).map((deployment) => new Map(deployment.trusted));
}

/** Distribution status as GetDistribution reports it. */
export function distributionStatus(store: ModelStore, distributionId: string): "Deployed" | "InProgress" {
  return statusOf(findDistribution(store, distributionId), store.clock.now());
}

export function findKeyGroup(store: ModelStore, id: string): KeyGroupRecord {
  const group = store.data.keyGroups.find((entry) => entry.id === id);
  if (!group) throw new ServiceError("not-found", `no key group ${id}`, "NoSuchResource");
  return group;
}

export function findDistribution(store: ModelStore, id: string): DistributionRecord {
  const distribution = store.data.distributions.find((entry) => entry.id === id);
  if (!distribution) throw new ServiceError("not-found", `no distribution ${id}`, "NoSuchDistribution");
  return distribution;
}

// ---------- internals ----------

function trustSnapshot(store: ModelStore, distribution: DistributionRecord): [string, string][] {
  const perBehavior = distribution.behaviors.map((behavior) => {
    const keys = new Set<string>();
    for (const groupId of behavior.trustedKeyGroupIds) {
      for (const item of store.data.keyGroups.find((group) => group.id === groupId)?.items ?? [])
        keys.add(item);
    }
    return keys;
  });
  const everywhere = [...(perBehavior[0] ?? [])].filter((keyId) =>
    perBehavior.every((keys) => keys.has(keyId)),
  );
  return everywhere.map((keyId) => [
    keyId,
    store.data.publicKeys.find((key) => key.id === keyId)!.encodedKey,
  ]);
}

function redeploy(store: ModelStore, distribution: DistributionRecord, delaySeconds: number): void {
  const now = store.clock.now();
  distribution.deployments.push({
    trusted: trustSnapshot(store, distribution),
    startedAt: now,
    completesAt: now + delaySeconds,
  });
  // Keep the live ones and the last completed one.
  const live = liveDeployments(distribution, now);
  distribution.deployments = distribution.deployments.filter((deployment) => live.includes(deployment));
}

function liveDeployments(distribution: DistributionRecord, now: number): DistributionRecord["deployments"] {
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
