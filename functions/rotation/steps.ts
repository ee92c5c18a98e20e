/**
 * What each step does to AWS, through the ports. Every step is idempotent:
 * run again after a crash at any point inside it, it finds its own earlier
 * work (by CallerReference/Name, ClientRequestToken, ETag, current values)
 * and finishes instead of repeating it. Each returns the next state.
 */
import { createPublicKey } from "node:crypto";
import { generateKeyPair } from "../cloudfront/keys";
import { formatKeySecret, parseKeySecret } from "../keys/secret-value";
import { parameterNames } from "../keys/types";
import type { ResolvedRotationConfig } from "./config";
import { RotationConfigError, StaleObservationError, isServiceError } from "./errors";
import { publicKeyFingerprint, publicKeyName, secretRequestToken } from "./names";
import { activeSlotOf, keysUntrustedBy, signingKeyId, type Observation } from "./observation";
import type { AuditEvent, RotationPorts } from "./ports";
import { createPublicKeyWithinQuota, deletePublicKeyIfPresent } from "./public-keys";
import { safeToUntrustAt } from "./safety";
import { withDemoted, type InProgressRotation, type RotationState } from "./state";

export interface StepContext {
  readonly ports: RotationPorts;
  readonly config: ResolvedRotationConfig;
  readonly observation: Observation;
  /** Writes one audit event (ids only). */
  readonly audit: (event: Omit<AuditEvent, "type" | "at">) => Promise<void>;
}

export async function startRotation(
  state: RotationState,
  context: StepContext,
  forced: boolean,
): Promise<RotationState> {
  const { observation, config } = context;
  const activeSlot = activeSlotOf(observation, config)!;
  const current: InProgressRotation = {
    id: `r${state.completedRotations + 1}-${observation.now}`,
    startedAt: observation.now,
    forced,
    step: "create-key",
    attempt: 1,
    targetSlot: activeSlot === 0 ? 1 : 0,
    fromKeyId: signingKeyId(observation)!,
    // Recorded now, before step 3 removes them, so a crash right after the
    // UpdateKeyGroup cannot make the rotation forget what to delete in step 8.
    replaced: keysUntrustedBy(observation, activeSlot === 0 ? 1 : 0, []).map((keyId) => ({
      keyId,
      safeAfter: safeToUntrustAt(keyId, state, observation, config),
    })),
  };
  await context.audit({
    rotationId: current.id,
    step: "start",
    outcome: "done",
    message: `rotation started into slot ${current.targetSlot}${forced ? " (forced)" : ""}`,
    keyIds: { active: current.fromKeyId, keyGroup: config.slots[current.targetSlot].keyGroupId },
  });
  return { ...state, current };
}

/** [1, 2, 4] Generate, create the public key, store the private key in the inactive secret. */
export async function createKey(state: RotationState, context: StepContext): Promise<RotationState> {
  const { ports, config } = context;
  const current = state.current!;
  const secretArn = config.slots[current.targetSlot].secretArn;
  const token = secretRequestToken(config, current.id, current.attempt);
  const name = publicKeyName(config, current.id, current.attempt);

  const stored = await ports.secrets.getSecretValue(secretArn, token);
  if (stored) {
    const keyPairId = parseKeySecret(stored.value).keyPairId;
    if (keyPairId && (await ports.cloudFront.getPublicKey(keyPairId))) {
      await context.audit({
        rotationId: current.id,
        step: "create-key",
        outcome: "skipped",
        message: "key already created and stored by an earlier run",
        keyIds: { newKey: keyPairId },
      });
      return {
        ...state,
        current: { ...current, step: "stage-key", newKeyId: keyPairId, secretVersionId: stored.versionId },
      };
    }
    return discardAttempt(state, context, `secret version ${token} names a public key that does not exist`);
  }

  const orphan = await ports.cloudFront.findPublicKeyByName(name);
  if (orphan) {
    // An earlier run created this public key and died before storing its
    // private key: the key can never sign, so it goes, and a new attempt starts.
    if (context.observation.groups.some((group) => group.items.includes(orphan.id))) {
      throw new RotationConfigError(
        `public key ${orphan.id} (${name}) has no stored private key but a key group trusts it`,
      );
    }
    await deletePublicKeyIfPresent(ports.cloudFront, orphan.id);
    return discardAttempt(
      state,
      context,
      `public key ${orphan.id} from an interrupted attempt had no stored private key; deleted`,
    );
  }

  const pair = generateKeyPair(config.keyAlgorithm);
  const fingerprint = publicKeyFingerprint(pair.publicKeyPem);
  await context.audit({
    rotationId: current.id,
    step: "generate-key",
    outcome: "done",
    message: `generated ${config.keyAlgorithm} key pair ${fingerprint}`,
  });

  let keyPairId: string;
  try {
    keyPairId = (
      await createPublicKeyWithinQuota(ports, config, {
        callerReference: name,
        name,
        encodedKey: pair.publicKeyPem,
        comment: `signed-hls-cdn rotation ${current.id}`,
      })
    ).id;
  } catch (error) {
    if (!isServiceError(error, "public-key-exists")) throw error;
    const existing = await ports.cloudFront.findPublicKeyByName(name);
    if (!existing || !samePublicKey(existing.encodedKey, pair.publicKeyPem)) {
      throw new RotationConfigError(
        `a public key named ${name} exists with another key; refusing to reuse it`,
      );
    }
    keyPairId = existing.id;
  }
  await context.audit({
    rotationId: current.id,
    step: "create-public-key",
    outcome: "done",
    message: `created public key ${name}`,
    keyIds: { newKey: keyPairId },
  });

  const written = await ports.secrets.putSecretValue(
    secretArn,
    formatKeySecret({ keyPairId, privateKeyPem: pair.privateKeyPem }),
    token,
  );
  await context.audit({
    rotationId: current.id,
    step: "store-private-key",
    outcome: "done",
    message: `private key stored as version ${written.versionId} of the inactive secret`,
    keyIds: { newKey: keyPairId, secret: secretArn },
  });
  return {
    ...state,
    current: { ...current, step: "stage-key", newKeyId: keyPairId, secretVersionId: written.versionId },
  };
}

async function discardAttempt(
  state: RotationState,
  context: StepContext,
  why: string,
): Promise<RotationState> {
  const current = state.current!;
  await context.audit({
    rotationId: current.id,
    step: "create-key",
    outcome: "failed",
    message: `attempt ${current.attempt} discarded: ${why}`,
  });
  return {
    ...state,
    current: { ...current, attempt: current.attempt + 1, newKeyId: undefined, secretVersionId: undefined },
  };
}

/** [3] The inactive key group trusts exactly the new key. */
export async function stageKey(state: RotationState, context: StepContext): Promise<RotationState> {
  const { ports, config, observation } = context;
  const current = state.current!;
  const groupId = config.slots[current.targetSlot].keyGroupId;
  const newKeyId = current.newKeyId!;
  const replaced = keysUntrustedBy(observation, current.targetSlot, [newKeyId]).map((keyId) => ({
    keyId,
    safeAfter: safeToUntrustAt(keyId, state, observation, config),
  }));
  const group = await ports.cloudFront.getKeyGroup(groupId);
  if (group.items.length === 1 && group.items[0] === newKeyId) {
    await context.audit({
      rotationId: current.id,
      step: "stage-key",
      outcome: "skipped",
      message: `key group ${groupId} already holds only the new key`,
      keyIds: { newKey: newKeyId },
    });
  } else {
    if (group.etag !== observation.groups[current.targetSlot].etag) {
      throw new StaleObservationError(`key group ${groupId} changed after the safety check`);
    }
    try {
      await ports.cloudFront.updateKeyGroup(
        groupId,
        { name: group.name, items: [newKeyId], comment: group.comment },
        group.etag,
      );
    } catch (error) {
      if (isServiceError(error, "precondition-failed"))
        throw new StaleObservationError(`key group ${groupId} changed during the update (ETag)`);
      throw error;
    }
    await context.audit({
      rotationId: current.id,
      step: "stage-key",
      outcome: "done",
      message: `key group ${groupId} now trusts the new key`,
      keyIds: {
        newKey: newKeyId,
        replaced: group.items.filter((key) => key !== newKeyId),
        keyGroup: groupId,
      },
    });
  }
  const merged = [...current.replaced];
  for (const entry of replaced) if (!merged.some((known) => known.keyId === entry.keyId)) merged.push(entry);
  return {
    ...state,
    current: { ...current, step: "await-deployment", stagedAt: observation.now, replaced: merged },
  };
}

/** [5] Nothing to change: the decision already saw Deployed. */
export async function markDeployed(state: RotationState, context: StepContext): Promise<RotationState> {
  const current = state.current!;
  await context.audit({
    rotationId: current.id,
    step: "await-deployment",
    outcome: "done",
    message: `distribution ${context.config.distributionId} is Deployed`,
    keyIds: { newKey: current.newKeyId },
  });
  return { ...state, current: { ...current, step: "promote", deployedAt: context.observation.now } };
}

/** [6] Point the parameters at the new key: secret ARN first (its JSON carries the key id), then the id. */
export async function promote(state: RotationState, context: StepContext): Promise<RotationState> {
  const { ports, config, observation } = context;
  const current = state.current!;
  const slot = config.slots[current.targetSlot];
  const secret = await ports.secrets.getSecretValue(slot.secretArn);
  const storedId = secret ? safeKeyId(secret.value) : undefined;
  if (storedId !== current.newKeyId) {
    throw new RotationConfigError(
      `secret ${slot.secretArn} no longer holds the new key ${current.newKeyId} (holds ${storedId ?? "something else"}); not promoting`,
    );
  }
  const names = parameterNames(config.parameterPrefix);
  await ports.parameters.putParameter(names.activeSecretArn, slot.secretArn, { overwrite: true });
  await ports.parameters.putParameter(names.activeKeyId, current.newKeyId!, { overwrite: true });
  await context.audit({
    rotationId: current.id,
    step: "promote",
    outcome: "done",
    message: "signers now load the new key; the previous key stays trusted in the other key group",
    keyIds: { newKey: current.newKeyId, previous: current.fromKeyId, secret: slot.secretArn },
  });
  const demoted = withDemoted(state, current.fromKeyId, observation.now);
  return {
    ...demoted,
    activeKeyId: current.newKeyId,
    activeSince: observation.now,
    current: { ...current, step: "await-signers", promotedAt: observation.now },
  };
}

/** [7] Nothing to change: every signer's cache has expired since the promotion. */
export async function markSignersReady(state: RotationState, context: StepContext): Promise<RotationState> {
  const current = state.current!;
  await context.audit({
    rotationId: current.id,
    step: "await-signers",
    outcome: "done",
    message: "signer caches have expired since the promotion",
    keyIds: { newKey: current.newKeyId },
  });
  return {
    ...state,
    current: { ...current, step: "delete-replaced", signersReadyAt: context.observation.now },
  };
}

/** [8] Delete the public keys step 3 replaced (never one a key group still holds). */
export async function deleteReplaced(state: RotationState, context: StepContext): Promise<RotationState> {
  const { ports, observation } = context;
  const current = state.current!;
  const deleted: string[] = [];
  const kept: string[] = [];
  for (const { keyId } of current.replaced) {
    if (observation.groups.some((group) => group.items.includes(keyId))) {
      kept.push(keyId);
      continue;
    }
    const outcome = await deletePublicKeyIfPresent(ports.cloudFront, keyId);
    (outcome === "in-use" ? kept : deleted).push(keyId);
  }
  await context.audit({
    rotationId: current.id,
    step: "delete-replaced",
    outcome: "done",
    message: kept.length
      ? `kept ${kept.join(", ")}: still held by a key group`
      : "replaced public keys deleted",
    keyIds: { deleted, kept },
  });
  const completed: RotationState = {
    ...state,
    current: undefined,
    completedRotations: state.completedRotations + 1,
    lastCompleted: { id: current.id, at: observation.now },
  };
  await context.audit({
    rotationId: current.id,
    step: "complete",
    outcome: "done",
    message: "rotation complete",
    keyIds: { active: current.newKeyId },
  });
  return completed;
}

function samePublicKey(a: string, b: string): boolean {
  try {
    const der = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" });
    return der(a).equals(der(b));
  } catch {
    return false;
  }
}

/** The key id a rotation-written secret names, or undefined. */
export function safeKeyId(secretText: string): string | undefined {
  try {
    return parseKeySecret(secretText).keyPairId;
  } catch {
    return undefined;
  }
}
