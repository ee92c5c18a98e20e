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
 * For states written before the identity was recorded: stale when a key the
 * state names as active or as the rotation's new key is neither in a slot
 * group nor an existing public key.
 */
export function legacyStaleReason(
  cloudFront: CloudFrontPort,
  config: ResolvedRotationConfig,
): (state: RotationState) => Promise<string | undefined> {
  return async (state) => {
    const named = [state.activeKeyId, state.current?.newKeyId].filter(
      (keyId): keyId is string => keyId !== undefined,
    );
    if (named.length === 0) return undefined;
    const groups = await Promise.all(config.slots.map((slot) => cloudFront.getKeyGroup(slot.keyGroupId)));
    for (const keyId of named) {
      if (groups.some((group) => group.items.includes(keyId))) continue;
      if (!(await cloudFront.getPublicKey(keyId)))
        return `names public key ${keyId}, which does not exist (a destroyed stack's state)`;
    }
    return undefined;
  };
}
