/**
 * The rotation state parameter outlives `pulumi destroy` (the rotation
 * creates it, not the program). A stack re-created under the same prefix must
 * not inherit it: its keys, groups and distribution are other ones, and an
 * inherited rotation in progress would act on keys that no longer exist.
 */
import type { ResolvedRotationConfig } from "./config";
import type { CloudFrontPort } from "./ports";
import type { RotationState, StackIdentity } from "./state";

export function stackIdentity(config: ResolvedRotationConfig): StackIdentity {
  return {
    distributionId: config.distributionId,
    keyGroupIds: [config.slots[0].keyGroupId, config.slots[1].keyGroupId],
    secretArns: [config.slots[0].secretArn, config.slots[1].secretArn],
  };
}

/**
 * For states written before the identity was recorded: stale when the key the
 * state names as active is in neither slot group. A live stack's active key is
 * always in one (the topology check refuses to act otherwise); a destroyed
 * stack's key may still exist (rotation-made keys outlive `pulumi destroy`),
 * so existence alone proves nothing. Discarding a live stack's history is
 * safe: keys it does not know are bounded by the parameters' last change.
 */
export function legacyStaleReason(
  cloudFront: CloudFrontPort,
  config: ResolvedRotationConfig,
): (state: RotationState) => Promise<string | undefined> {
  return async (state) => {
    const keyId = state.activeKeyId;
    if (keyId === undefined) return undefined;
    const groups = await Promise.all(config.slots.map((slot) => cloudFront.getKeyGroup(slot.keyGroupId)));
    if (groups.some((group) => group.items.includes(keyId))) return undefined;
    return `names active key ${keyId}, which neither of this stack's key groups holds (a destroyed stack's state)`;
  };
}
