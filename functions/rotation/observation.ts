/**
 * A read-only snapshot of everything the rotation decides on, taken at the
 * start of each step. Pure helpers over it live here too.
 */
import type { DistributionView, KeyGroupView, StoredParameter } from "./ports";
import type { ResolvedRotationConfig } from "./config";

export interface Observation {
  readonly now: number;
  readonly activeKeyIdParam?: StoredParameter;
  readonly activeSecretArnParam?: StoredParameter;
  /** Key id written inside the active secret (rotation-written JSON); undefined for a bare PEM. */
  readonly activeSecretKeyId?: string;
  /** The two slots' key groups, in config order. */
  readonly groups: readonly [KeyGroupView, KeyGroupView];
  readonly distribution: DistributionView;
}

/** Index of the slot whose secret the active-secret parameter names, or undefined. */
export function activeSlotOf(observation: Observation, config: ResolvedRotationConfig): 0 | 1 | undefined {
  const arn = observation.activeSecretArnParam?.value;
  if (arn === config.slots[0].secretArn) return 0;
  if (arn === config.slots[1].secretArn) return 1;
  return undefined;
}

/** The key signers use: the secret's own id wins over the parameter (see functions/keys/secret-value.ts). */
export function signingKeyId(observation: Observation): string | undefined {
  return observation.activeSecretKeyId ?? observation.activeKeyIdParam?.value;
}

/** Every key a signer may be handed right now (both, while a promotion is half-written). */
export function keysInUse(observation: Observation): Set<string> {
  const keys = new Set<string>();
  if (observation.activeKeyIdParam?.value) keys.add(observation.activeKeyIdParam.value);
  if (observation.activeSecretKeyId) keys.add(observation.activeSecretKeyId);
  return keys;
}

/** Keys in a slot group that every behavior trusts. */
export function trustedKeyIds(observation: Observation): Set<string> {
  const trusted = new Set<string>();
  for (const group of observation.groups) {
    if (
      observation.distribution.behaviors.every((behavior) => behavior.trustedKeyGroupIds.includes(group.id))
    ) {
      for (const item of group.items) trusted.add(item);
    }
  }
  return trusted;
}

/** Keys that would no longer be in either slot group if slot `slot` held exactly `items`. */
export function keysUntrustedBy(observation: Observation, slot: 0 | 1, items: readonly string[]): string[] {
  const other = observation.groups[slot === 0 ? 1 : 0].items;
  return observation.groups[slot].items.filter((key) => !items.includes(key) && !other.includes(key));
}
