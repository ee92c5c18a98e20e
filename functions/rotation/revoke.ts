/**
 * Emergency revocation of a compromised key: unlike a rotation it does not
 * wait for anything and ignores the safety window, because a leaked private
 * key is worse than rejected URLs. It says exactly what it breaks first.
 *
 * If the key is active: a fresh key goes into the other slot and is promoted
 * at once. Then every key group holding the compromised key gets a fresh key
 * instead (each slot always holds a key whose private half is in its secret),
 * and the compromised public key is deleted.
 */
import { randomUUID } from "node:crypto";
import { generateKeyPair } from "../cloudfront/keys";
import { formatKeySecret } from "../keys/secret-value";
import { parameterNames } from "../keys/types";
import { resolveRotationConfig, type ResolvedRotationConfig, type RotationConfig } from "./config";
import { type DeploymentStatus, type DeploymentWait, distributionDeployment } from "./deployment";
import { fencedPorts } from "./fence";
import { acquireLease, inheritedState, readState } from "./lease";
import { reconcile } from "./machine";
import { publicKeyFingerprint, publicKeyName, secretRequestToken } from "./names";
import { observe } from "./observe";
import { activeSlotOf, keysInUse, keysUntrustedBy, type Observation } from "./observation";
import type { RotationPorts } from "./ports";
import { auditWriter } from "./runner";
import { iso, safeToUntrustAt } from "./safety";
import { createPublicKeyWithinQuota, deletePublicKeyIfPresent } from "./public-keys";
import { legacyStaleReason, stackIdentity } from "./stale-state";
import { safeKeyId } from "./steps";
import { emptyState, withDemoted, type RotationState } from "./state";

export interface RevokeOptions {
  /** Report what would happen and change nothing. */
  readonly dryRun?: boolean;
  readonly owner?: string;
  /** Take the lease even from a live rotation run (it stops at its next fence check). */
  readonly breakLease?: boolean;
  /** Stop before any write this long after taking the lease (the command line's). */
  readonly deadlineSeconds?: number;
  /** After revoking, poll the distribution until it reports Deployed (or the wait times out). */
  readonly wait?: DeploymentWait;
}

export interface RevocationReport {
  readonly outcome: "revoked" | "not-found" | "busy" | "failed" | "dry-run";
  readonly keyId: string;
  readonly message: string;
  /** Plain words: what stops working because of this revocation. */
  readonly breaks: readonly string[];
  /** What was done (or, in a dry run, would be done), in order. */
  readonly actions: readonly string[];
  readonly newActiveKeyId?: string;
  /** The distribution's deployment status when the report was made: edges reject the key only once Deployed. */
  readonly deployment?: DeploymentStatus;
}

export async function revokeKey(
  ports: RotationPorts,
  rawConfig: RotationConfig,
  keyId: string,
  options: RevokeOptions = {},
): Promise<RevocationReport> {
  const config = resolveRotationConfig(rawConfig);
  const names = parameterNames(config.parameterPrefix);
  const audit = auditWriter(ports, "revocation", options.dryRun === true);
  const owner = options.owner ?? randomUUID();
  const identity = stackIdentity(config);
  const staleReason = legacyStaleReason(ports.cloudFront, config);

  if (options.dryRun) {
    const stored = await readState(ports.parameters, names.rotationState);
    const state = stored ? (await inheritedState(stored.state, identity, staleReason)).state : emptyState();
    const observation = await observe(ports, config);
    const plan = planRevocation(keyId, reconcile(state, observation), observation, config);
    for (const action of plan.actions)
      await audit({ step: "plan", outcome: "planned", message: action, keyIds: { revoked: keyId } });
    return {
      outcome: plan.actions.length === 0 ? "not-found" : "dry-run",
      keyId,
      message:
        plan.actions.length === 0
          ? `${keyId} is in no key group of this stack and does not exist`
          : `dry run: revoking ${keyId} would do ${plan.actions.length} actions`,
      breaks: plan.breaks,
      actions: plan.actions,
      deployment: await distributionDeployment(ports, config.distributionId),
    };
  }

  const lease = await acquireLease(ports.parameters, names.rotationState, {
    owner,
    kind: "revocation",
    clock: ports.clock,
    leaseSeconds: config.leaseSeconds,
    clockSkewSeconds: config.clockSkewSeconds,
    identity,
    staleReason,
    deadlineSeconds: options.deadlineSeconds,
    // An emergency must not wait for a failed revocation's lease; a live rotation only with --break-lease.
    mayTakeOver: (holder) => options.breakLease === true || holder.kind === "revocation",
  });
  if (!lease.acquired) {
    return {
      outcome: "busy",
      keyId,
      message: `cannot revoke now: ${lease.reason}; retry when it ends, or add --break-lease (the rotation run stops before its next write)`,
      breaks: [],
      actions: [],
    };
  }
  const holder = lease.holder;
  const fenced = fencedPorts(ports, holder, config.parameterPrefix);
  const done: string[] = [];
  if (lease.tookOver)
    done.push(`took over the lease of ${lease.tookOver.kind ?? "rotation"} run ${lease.tookOver.owner}`);
  if (lease.discarded) done.push(`discarded a rotation state ${lease.discarded}`);
  let newActiveKeyId: string | undefined;
  let plan: { breaks: string[]; actions: string[] } = { breaks: [], actions: [] };
  try {
    const observation = await observe(fenced, config);
    let state = reconcile(holder.state, observation);
    plan = planRevocation(keyId, state, observation, config);
    const resumed = state.revocation?.keyId === keyId ? state.revocation : undefined;
    if (plan.actions.length === 0 && !resumed) {
      await holder.release(state);
      return {
        outcome: "not-found",
        keyId,
        message: `${keyId} is in no key group of this stack and does not exist`,
        breaks: [],
        actions: done,
      };
    }
    // Resumable: a re-run for the same key continues under the same id, so it finds the keys it made.
    const revocation = resumed ?? {
      id: `v${observation.now}`,
      keyId,
      startedAt: observation.now,
      targetSlot: activeSlotOf(observation, config) === 0 ? (1 as const) : (0 as const),
    };
    if (resumed) done.push(`resumed revocation ${resumed.id}`);
    await audit({
      step: "start",
      outcome: "done",
      message: `emergency revocation ${revocation.id}: ${plan.breaks.join(" ")}`,
      keyIds: { revoked: keyId },
    });
    if (state.current) {
      await audit({
        rotationId: state.current.id,
        step: "abort",
        outcome: "done",
        message: `rotation ${state.current.id} aborted by the revocation of ${keyId}`,
      });
      done.push(`aborted rotation ${state.current.id}`);
    }
    state = { ...state, current: undefined, revocation };
    await holder.write(state);
    if (keysInUse(observation).has(keyId)) {
      const target = revocation.targetSlot;
      newActiveKeyId = await replaceSlotKey(fenced, config, target, `${revocation.id}-s${target}`, audit);
      done.push(`key group ${config.slots[target].keyGroupId} now trusts new key ${newActiveKeyId}`);
      await fenced.parameters.putParameter(names.activeSecretArn, config.slots[target].secretArn, {
        overwrite: true,
      });
      await fenced.parameters.putParameter(names.activeKeyId, newActiveKeyId, { overwrite: true });
      await audit({
        step: "promote",
        outcome: "done",
        message: "signers switch to the new key without waiting for deployment",
        keyIds: { newKey: newActiveKeyId, revoked: keyId },
      });
      done.push(`promoted ${newActiveKeyId}`);
      const now = ports.clock.now();
      state = { ...withDemoted(state, keyId, now), activeKeyId: newActiveKeyId, activeSince: now };
      await holder.write(state);
    }
    for (const slot of [0, 1] as const) {
      const group = await fenced.cloudFront.getKeyGroup(config.slots[slot].keyGroupId);
      if (!group.items.includes(keyId)) continue;
      const replacement = await replaceSlotKey(fenced, config, slot, `${revocation.id}-s${slot}`, audit);
      done.push(`key group ${group.id} now trusts new key ${replacement} instead of ${keyId}`);
    }
    const deleted = await deletePublicKeyIfPresent(fenced.cloudFront, keyId);
    await audit({
      step: "delete-public-key",
      outcome: deleted === "in-use" ? "failed" : "done",
      message: `public key ${keyId}: ${deleted}`,
      keyIds: { revoked: keyId },
    });
    done.push(
      deleted === "in-use"
        ? `public key ${keyId} NOT deleted: a key group outside this stack holds it`
        : `public key ${keyId} ${deleted}`,
    );
    const revoked = [{ keyId, at: ports.clock.now() }, ...state.revoked].slice(0, 10);
    const released = await holder.release({ ...state, revoked, revocation: undefined });
    if (released !== "released")
      done.push(`the rotation state could not be updated (${released}); run revoke again to record it`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await audit({ step: "failed", outcome: "failed", message, keyIds: { revoked: keyId } }).catch(
      () => undefined,
    );
    await holder.release();
    return {
      outcome: "failed",
      keyId,
      message: `revocation stopped: ${message}; run it again to finish (it resumes where this run stopped)`,
      breaks: plan.breaks,
      actions: done,
      newActiveKeyId,
    };
  }
  const deployment = await distributionDeployment(ports, config.distributionId, options.wait);
  return {
    outcome: "revoked",
    keyId,
    message: deployment.deployed
      ? `${keyId} revoked; distribution ${config.distributionId} is Deployed: every edge rejects it`
      : `${keyId} revoked; distribution ${config.distributionId} is ${deployment.status}: edges still running the previous configuration accept it until it reports Deployed`,
    breaks: plan.breaks,
    actions: done,
    newActiveKeyId,
    deployment,
  };
}

/** What a revocation of `keyId` breaks and does, from an observation (pure). */
export function planRevocation(
  keyId: string,
  state: RotationState,
  observation: Observation,
  config: ResolvedRotationConfig,
): { breaks: string[]; actions: string[] } {
  const breaks: string[] = [];
  const actions: string[] = [];
  const inGroups = observation.groups.filter((group) => group.items.includes(keyId));
  const active = keysInUse(observation).has(keyId);
  if (!active && inGroups.length === 0) {
    return { breaks, actions };
  }
  if (active) {
    breaks.push(
      `Every URL and cookie signed with ${keyId} is rejected from now on (up to ${config.maxUrlLifetimeSeconds} s of issued lifetimes).`,
      `Signers keep signing with ${keyId} until their cache reloads (up to ${config.signerCacheTtlSeconds} s, ${config.signerMaxStaleSeconds} s if SSM is unreachable); those URLs are rejected.`,
      `URLs signed with the replacement key may be rejected by edges until distribution ${config.distributionId} reports Deployed (usually minutes).`,
    );
    const activeSlot = activeSlotOf(observation, config)!;
    const target = activeSlot === 0 ? 1 : 0;
    for (const other of keysUntrustedBy(observation, target, [])) {
      if (other === keyId) continue;
      const safeAfter = safeToUntrustAt(other, state, observation, config);
      if (safeAfter > observation.now)
        breaks.push(
          `The previous key ${other} is replaced too: URLs signed with it that are valid until ${iso(safeAfter)} are rejected.`,
        );
    }
    actions.push(
      `create a new key into slot ${target} (key group ${config.slots[target].keyGroupId}, secret ${config.slots[target].secretArn})`,
      `promote it at once (active-secret-arn, then active-key-id)`,
    );
  } else {
    const safeAfter = safeToUntrustAt(keyId, state, observation, config);
    breaks.push(
      safeAfter > observation.now
        ? `URLs and cookies signed with ${keyId} that are valid until ${iso(safeAfter)} are rejected from now on.`
        : `Nothing valid should break: ${keyId} has not been usable since before ${iso(safeAfter - config.maxUrlLifetimeSeconds)}.`,
    );
  }
  for (const group of inGroups)
    actions.push(`replace ${keyId} in key group ${group.id} with a new key (and its secret)`);
  actions.push(`delete public key ${keyId}`);
  return { breaks, actions };
}

/**
 * Makes a slot hold exactly one fresh key whose private half is in the slot's
 * secret; returns its id. Idempotent per `label`: a re-run finds the key and
 * secret version an earlier run made (by Name and ClientRequestToken), and an
 * attempt interrupted between the two is deleted and replaced by the next attempt.
 */
async function replaceSlotKey(
  ports: RotationPorts,
  config: ResolvedRotationConfig,
  slot: 0 | 1,
  label: string,
  audit: ReturnType<typeof auditWriter>,
): Promise<string> {
  const secretArn = config.slots[slot].secretArn;
  let keyId: string | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS && keyId === undefined; attempt++) {
    const name = publicKeyName(config, label, attempt);
    const token = secretRequestToken(config, label, attempt);
    const [stored, existing] = await Promise.all([
      ports.secrets.getSecretValue(secretArn, token),
      ports.cloudFront.findPublicKeyByName(name),
    ]);
    if (stored && existing && safeKeyId(stored.value) === existing.id) {
      keyId = existing.id;
      break;
    }
    if (stored || existing) {
      if (existing) await deletePublicKeyIfPresent(ports.cloudFront, existing.id);
      continue;
    }
    const pair = generateKeyPair(config.keyAlgorithm);
    const { id } = await createPublicKeyWithinQuota(ports, config, {
      callerReference: name,
      name,
      encodedKey: pair.publicKeyPem,
      comment: `signed-hls-cdn revocation ${label}`,
    });
    await ports.secrets.putSecretValue(
      secretArn,
      formatKeySecret({ keyPairId: id, privateKeyPem: pair.privateKeyPem }),
      token,
    );
    await audit({
      step: "create-key",
      outcome: "done",
      message: `slot ${slot} key ${publicKeyFingerprint(pair.publicKeyPem)} created and stored`,
      keyIds: { newKey: id, secret: secretArn },
    });
    keyId = id;
  }
  if (keyId === undefined)
    throw new Error(`slot ${slot}: ${MAX_ATTEMPTS} interrupted attempts to create a key; resolve by hand`);
  const group = await ports.cloudFront.getKeyGroup(config.slots[slot].keyGroupId);
  if (group.items.length !== 1 || group.items[0] !== keyId) {
    await ports.cloudFront.updateKeyGroup(
      group.id,
      { name: group.name, items: [keyId], comment: group.comment },
      group.etag,
    );
    await audit({
      step: "replace-slot-key",
      outcome: "done",
      message: `slot ${slot} now holds only its new key`,
      keyIds: { newKey: keyId, replaced: group.items, keyGroup: group.id },
    });
  }
  return keyId;
}

const MAX_ATTEMPTS = 5;
