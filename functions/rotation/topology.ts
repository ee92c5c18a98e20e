/**
 * The shape the rotation relies on, checked before it acts and after every
 * step: both slot groups trusted by every behavior, the active secret one of
 * the two slots, the active key trusted, CloudFront's limits respected.
 */
import { MAX_KEY_GROUPS_PER_BEHAVIOR, MAX_KEYS_PER_KEY_GROUP } from "../../contract/limits";
import type { ResolvedRotationConfig } from "./config";
import { activeSlotOf, keysInUse, trustedKeyIds, type Observation } from "./observation";

export function topologyProblems(observation: Observation, config: ResolvedRotationConfig): string[] {
  const problems: string[] = [];
  if (!observation.activeKeyIdParam) problems.push("the active-key-id parameter does not exist");
  if (!observation.activeSecretArnParam) problems.push("the active-secret-arn parameter does not exist");
  else if (activeSlotOf(observation, config) === undefined) {
    problems.push(
      `the active-secret-arn parameter names ${observation.activeSecretArnParam.value}, which is neither slot's secret`,
    );
  }
  for (const behavior of observation.distribution.behaviors) {
    for (const group of observation.groups) {
      if (!behavior.trustedKeyGroupIds.includes(group.id)) {
        problems.push(`behavior ${behavior.pathPattern} does not trust key group ${group.id}`);
      }
    }
    if (behavior.trustedKeyGroupIds.length > MAX_KEY_GROUPS_PER_BEHAVIOR) {
      problems.push(
        `behavior ${behavior.pathPattern} trusts more than ${MAX_KEY_GROUPS_PER_BEHAVIOR} key groups`,
      );
    }
  }
  if (observation.distribution.behaviors.length === 0)
    problems.push("the distribution reports no cache behaviors");
  for (const group of observation.groups) {
    if (group.items.length === 0) problems.push(`key group ${group.id} holds no public key`);
    if (group.items.length > MAX_KEYS_PER_KEY_GROUP)
      problems.push(`key group ${group.id} holds more than ${MAX_KEYS_PER_KEY_GROUP} keys`);
  }
  const trusted = trustedKeyIds(observation);
  for (const keyId of keysInUse(observation)) {
    if (!trusted.has(keyId)) problems.push(`active key ${keyId} is not in a key group every behavior trusts`);
  }
  return problems;
}
