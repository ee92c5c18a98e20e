/**
 * The invariants of docs/ARCHITECTURE.md ("A rotation") as a pure check over an observation
 * and the rotation state. The runner checks them after every step it takes;
 * tests check them after every step and after every crash.
 */
import type { ResolvedRotationConfig } from "./config";
import { trustedKeyIds, type Observation } from "./observation";
import { safeToUntrustAt } from "./safety";
import type { RotationState } from "./state";
import { topologyProblems } from "./topology";

export function invariantViolations(
  observation: Observation,
  state: RotationState,
  config: ResolvedRotationConfig,
): string[] {
  const violations = [...topologyProblems(observation, config)];
  const trusted = trustedKeyIds(observation);
  // A key that stopped being active is trusted until its safety window closes.
  for (const entry of state.demoted) {
    if (state.revoked.some((revoked) => revoked.keyId === entry.keyId)) continue;
    const safeAfter = safeToUntrustAt(
      entry.keyId,
      { ...state, demoted: [entry] },
      { ...observation, activeKeyIdParam: undefined, activeSecretArnParam: undefined },
      config,
    );
    if (safeAfter > observation.now && !trusted.has(entry.keyId)) {
      violations.push(
        `key ${entry.keyId} was demoted at ${entry.at} and is no longer trusted, but URLs signed with it may be valid until ${safeAfter}`,
      );
    }
  }
  const current = state.current;
  if (current?.promotedAt !== undefined) {
    // The active key was trusted and deployed before any signer could use it.
    if (current.deployedAt === undefined || current.deployedAt > current.promotedAt) {
      violations.push(
        `rotation ${current.id} promoted ${current.newKeyId} before its key group change was deployed`,
      );
    }
    if (current.stagedAt === undefined || current.stagedAt > (current.deployedAt ?? Infinity)) {
      violations.push(`rotation ${current.id} recorded a deployment before staging`);
    }
  }
  if (
    current?.newKeyId &&
    current.promotedAt === undefined &&
    current.step !== "stage-key" &&
    current.step !== "create-key"
  ) {
    if (!trusted.has(current.newKeyId))
      violations.push(`new key ${current.newKeyId} is not trusted although the rotation is past staging`);
  }
  return violations;
}
