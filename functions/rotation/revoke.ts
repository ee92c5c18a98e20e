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
import { acquireLease, readState } from "./lease";
import { reconcile } from "./machine";
import { publicKeyFingerprint, publicKeyName, secretRequestToken } from "./names";
import { observe } from "./observe";
import { activeSlotOf, keysInUse, keysUntrustedBy, type Observation } from "./observation";
import type { RotationPorts } from "./ports";
import { auditWriter } from "./runner";
import { iso, safeToUntrustAt } from "./safety";
import { emptyState, serializeRotationState, withDemoted, type RotationState } from "./state";
import { deletePublicKeyIfPresent } from "./steps";

export interface RevokeOptions {
  /** Report what would happen and change nothing. */
  readonly dryRun?: boolean;
  readonly owner?: string;
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

  let state: RotationState;
  if (options.dryRun) {
    state = (await readState(ports.parameters, names.rotationState))?.state ?? emptyState();
  } else {
    const lease = await acquireLease(
      ports.parameters,
      names.rotationState,
      owner,
      ports.clock.now(),
      config.leaseSeconds,
    );
    if (!lease.acquired) {
      return {
        outcome: "busy",
        keyId,
        message: `cannot revoke now: ${lease.reason}; retry when it ends`,
        breaks: [],
        actions: [],
      };
    }
    state = lease.state;
  }
  const observation = await observe(ports, config);
  state = reconcile(state, observation);
  const plan = planRevocation(keyId, state, observation, config);
  if (options.dryRun || plan.actions.length === 0) {
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
    };
  }

  const persist = async (next: RotationState, release = false) => {
    const lease = release ? undefined : { owner, expiresAt: ports.clock.now() + config.leaseSeconds };
    await ports.parameters.putParameter(names.rotationState, serializeRotationState({ ...next, lease }), {
      overwrite: true,
    });
    state = next;
  };
  const done: string[] = [];
  const revocationId = `v${observation.now}`;
  let newActiveKeyId: string | undefined;
  try {
    await audit({
      step: "start",
      outcome: "done",
      message: `emergency revocation: ${plan.breaks.join(" ")}`,
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
      state = { ...state, current: undefined };
    }
    const activeSlot = activeSlotOf(observation, config)!;
    if (keysInUse(observation).has(keyId)) {
      const target = activeSlot === 0 ? 1 : 0;
      newActiveKeyId = await replaceSlotKey(ports, config, target, `${revocationId}-s${target}`, audit);
      done.push(`key group ${config.slots[target].keyGroupId} now trusts new key ${newActiveKeyId}`);
      await ports.parameters.putParameter(names.activeSecretArn, config.slots[target].secretArn, {
        overwrite: true,
      });
      await ports.parameters.putParameter(names.activeKeyId, newActiveKeyId, { overwrite: true });
      await audit({
        step: "promote",
        outcome: "done",
        message: "signers switch to the new key without waiting for deployment",
        keyIds: { newKey: newActiveKeyId, revoked: keyId },
      });
      done.push(`promoted ${newActiveKeyId}`);
      await persist({
        ...withDemoted(state, keyId, ports.clock.now()),
        activeKeyId: newActiveKeyId,
        activeSince: ports.clock.now(),
      });
    }
    for (const slot of [0, 1] as const) {
      const group = await ports.cloudFront.getKeyGroup(config.slots[slot].keyGroupId);
      if (!group.items.includes(keyId)) continue;
      const replacement = await replaceSlotKey(ports, config, slot, `${revocationId}-s${slot}`, audit);
      done.push(`key group ${group.id} now trusts new key ${replacement} instead of ${keyId}`);
    }
    const deleted = await deletePublicKeyIfPresent(ports.cloudFront, keyId);
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
    await persist({ ...state, revoked }, true);
    return {
      outcome: "revoked",
      keyId,
      message: `${keyId} revoked`,
      breaks: plan.breaks,
      actions: done,
      newActiveKeyId,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await audit({ step: "failed", outcome: "failed", message, keyIds: { revoked: keyId } }).catch(
      () => undefined,
    );
    await persist(state, true).catch(() => undefined);
    return {
      outcome: "failed",
      keyId,
      message: `revocation stopped: ${message}; run it again to finish`,
      breaks: plan.breaks,
      actions: done,
      newActiveKeyId,
    };
  }
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

/** Generates a key for a slot, stores it, and makes the slot's group trust exactly it. Returns the new key id. */
async function replaceSlotKey(
  ports: RotationPorts,
  config: ResolvedRotationConfig,
  slot: 0 | 1,
  label: string,
  audit: ReturnType<typeof auditWriter>,
): Promise<string> {
  const pair = generateKeyPair(config.keyAlgorithm);
  const name = publicKeyName(config, label, 1);
  const { id } = await ports.cloudFront.createPublicKey({
    callerReference: name,
    name,
    encodedKey: pair.publicKeyPem,
    comment: `signed-hls-cdn revocation ${label}`,
  });
  await ports.secrets.putSecretValue(
    config.slots[slot].secretArn,
    formatKeySecret({ keyPairId: id, privateKeyPem: pair.privateKeyPem }),
    secretRequestToken(config, label, 1),
  );
  const group = await ports.cloudFront.getKeyGroup(config.slots[slot].keyGroupId);
  await ports.cloudFront.updateKeyGroup(
    group.id,
    { name: group.name, items: [id], comment: group.comment },
    group.etag,
  );
  await audit({
    step: "replace-slot-key",
    outcome: "done",
    message: `slot ${slot} now holds new key ${publicKeyFingerprint(pair.publicKeyPem)}`,
    keyIds: { newKey: id, replaced: group.items, keyGroup: group.id },
  });
  return id;
}
