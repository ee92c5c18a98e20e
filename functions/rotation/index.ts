/** Key rotation: the pure state machine, its runner, revocation, and the port contracts. */
export { runRotation } from "./runner";
export type { RotationRunOptions, RotationRunResult, RotationOutcome } from "./runner";
export { revokeKey, planRevocation } from "./revoke";
export type { RevokeOptions, RevocationReport } from "./revoke";
export { decide, reconcile, planRotation, nextDueAt } from "./machine";
export type { Decision, DecideOptions, PlannedStep } from "./machine";
export { invariantViolations } from "./invariants";
export { observe } from "./observe";
export type { Observation } from "./observation";
export { commandLineDeadlineSeconds, resolveRotationConfig, retentionSeconds } from "./config";
export { distributionDeployment } from "./deployment";
export type { DeploymentStatus, DeploymentWait } from "./deployment";
export { PUBLIC_KEYS_PER_STACK, pruneLeftoverKeys } from "./public-keys";
export { stackIdentity } from "./stale-state";
export type { RotationConfig, ResolvedRotationConfig, RotationSlot } from "./config";
export { ROTATION_STEPS, emptyState, parseRotationState, serializeRotationState } from "./state";
export type { RotationState, RotationStep, InProgressRotation } from "./state";
export {
  ServiceError,
  RotationRefusedError,
  RotationConfigError,
  LeaseLostError,
  isServiceError,
} from "./errors";
export type { ServiceErrorKind } from "./errors";
export type * from "./ports";
