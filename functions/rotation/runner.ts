/**
 * One rotation run: take the lease, then observe -> decide -> act -> persist
 * -> check invariants, until the rotation has to wait, is done, or refuses.
 * State is persisted after every step, so a run killed anywhere resumes on
 * the next invocation from the last persisted step.
 */
import { randomUUID } from "node:crypto";
import { parameterNames } from "../keys/types";
import { resolveRotationConfig, type ResolvedRotationConfig, type RotationConfig } from "./config";
import { LeaseLostError, RotationConfigError, StaleObservationError, isServiceError } from "./errors";
import { fencedPorts } from "./fence";
import { invariantViolations } from "./invariants";
import { acquireLease, inheritedState, readState } from "./lease";
import { decide, planRotation, reconcile, type PlannedStep } from "./machine";
import { observe } from "./observe";
import type { Observation } from "./observation";
import type { AuditEvent, RotationPorts } from "./ports";
import { pruneLeftoverKeys } from "./public-keys";
import { legacyStaleReason, stackIdentity } from "./stale-state";
import { emptyState, type RotationState } from "./state";
import {
  createKey,
  deleteReplaced,
  markDeployed,
  markSignersReady,
  promote,
  stageKey,
  startRotation,
  type StepContext,
} from "./steps";

export interface RotationRunOptions {
  /** Start a rotation before the interval is up; the safety rules still apply. */
  readonly force?: boolean;
  /** Print the plan, change nothing (no lease, no writes). */
  readonly dryRun?: boolean;
  /** Lease owner id; default a random UUID per run. */
  readonly owner?: string;
  /** Upper bound on steps per run. Default 12. */
  readonly maxSteps?: number;
  /** Stop before any write this long after taking the lease (the command line's; see commandLineDeadlineSeconds). */
  readonly deadlineSeconds?: number;
}

export type RotationOutcome = "idle" | "waiting" | "completed" | "refused" | "busy" | "failed" | "dry-run";

export interface RotationRunResult {
  readonly outcome: RotationOutcome;
  readonly message: string;
  readonly rotationId?: string;
  /** The step the rotation stands at after this run (undefined when none is in progress). */
  readonly step?: string;
  readonly stepsDone: readonly string[];
  /** Epoch seconds after which a refused action would be safe, or when a wait ends. */
  readonly notBefore?: number;
  readonly plan?: readonly PlannedStep[];
  /** For "failed": a transient service error; the next run retries. */
  readonly retryable?: boolean;
}

export async function runRotation(
  ports: RotationPorts,
  rawConfig: RotationConfig,
  options: RotationRunOptions = {},
): Promise<RotationRunResult> {
  const config = resolveRotationConfig(rawConfig);
  const stateName = parameterNames(config.parameterPrefix).rotationState;
  const audit = auditWriter(ports, "rotation", options.dryRun === true);

  if (options.dryRun) return dryRun(ports, config, stateName, options, audit);

  const owner = options.owner ?? randomUUID();
  const lease = await acquireLease(ports.parameters, stateName, {
    owner,
    kind: "rotation",
    clock: ports.clock,
    leaseSeconds: config.leaseSeconds,
    clockSkewSeconds: config.clockSkewSeconds,
    identity: stackIdentity(config),
    staleReason: legacyStaleReason(ports.cloudFront, config),
    deadlineSeconds: options.deadlineSeconds,
  });
  if (!lease.acquired) {
    await audit({
      step: "lease",
      outcome: "skipped",
      message: `another rotation run is active: ${lease.reason}`,
    });
    return { outcome: "busy", message: lease.reason, stepsDone: [], notBefore: lease.holder?.expiresAt };
  }
  const holder = lease.holder;
  if (lease.discarded) {
    await audit({
      step: "lease",
      outcome: "done",
      message: `the stored rotation state was ${lease.discarded}; not inherited, starting afresh`,
    });
  }
  // Every mutating call below re-checks the lease first (fence.ts).
  const fenced = fencedPorts(ports, holder, config.parameterPrefix);
  const stepsDone: string[] = [];
  let result: RotationRunResult | undefined = unfinishedRevocation(holder.state);
  if (result) await audit({ step: "start", outcome: "refused", message: result.message });
  try {
    const maxSteps = options.maxSteps ?? 12;
    for (let iteration = 0; iteration < maxSteps && !result; iteration++) {
      const observation = await observe(fenced, config);
      const reconciled = reconcile(holder.state, observation);
      if (reconciled !== holder.state) await holder.write(reconciled);
      if (iteration === 0) await pruneAndReport(fenced, config, observation, holder.state, audit);
      const state = holder.state;
      const decision = decide(state, observation, config, {
        force: options.force && !stepsDone.includes("start"),
      });
      const rotationId = state.current?.id;
      if (decision.kind === "idle") {
        result = {
          outcome: stepsDone.length ? "completed" : "idle",
          message: decision.reason,
          stepsDone,
          notBefore: decision.nextDueAt,
        };
        break;
      }
      if (decision.kind === "wait") {
        await audit({ rotationId, step: decision.step, outcome: "waiting", message: decision.reason });
        result = {
          outcome: "waiting",
          message: decision.reason,
          rotationId,
          step: decision.step,
          stepsDone,
          notBefore: decision.until,
        };
        break;
      }
      if (decision.kind === "refuse") {
        await audit({ rotationId, step: decision.step, outcome: "refused", message: decision.reason });
        result = {
          outcome: "refused",
          message: decision.reason,
          rotationId,
          step: decision.step,
          stepsDone,
          notBefore: decision.safeAfter,
        };
        break;
      }
      const context: StepContext = { ports: fenced, config, observation, audit };
      let next: RotationState;
      try {
        next = await perform(decision.step, state, context, options.force === true);
      } catch (error) {
        if (error instanceof StaleObservationError) {
          await audit({
            rotationId,
            step: decision.step,
            outcome: "skipped",
            message: `${error.message}; deciding again`,
          });
          continue;
        }
        throw error;
      }
      await holder.write(next);
      stepsDone.push(decision.step);
      const violations = invariantViolations(await observe(fenced, config), holder.state, config);
      if (violations.length > 0) {
        await audit({
          rotationId: next.current?.id ?? rotationId,
          step: decision.step,
          outcome: "failed",
          message: `invariant violated: ${violations.join("; ")}`,
        });
        result = {
          outcome: "failed",
          message: `invariant violated after ${decision.step}: ${violations.join("; ")}`,
          rotationId,
          stepsDone,
        };
        break;
      }
      if (!next.current && decision.step === "delete-replaced") {
        await pruneAndReport(fenced, config, await observe(fenced, config), holder.state, audit);
        result = { outcome: "completed", message: `rotation ${rotationId} complete`, rotationId, stepsDone };
      }
    }
    result ??= {
      outcome: "waiting",
      message: "step budget for this run used; the next run continues",
      rotationId: holder.state.current?.id,
      step: holder.state.current?.step,
      stepsDone,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lost = error instanceof LeaseLostError;
    const retryable = isServiceError(error) ? error.retryable : !(error instanceof RotationConfigError);
    await audit({
      rotationId: holder.state.current?.id,
      step: holder.state.current?.step ?? "start",
      outcome: lost ? "skipped" : "failed",
      message,
    }).catch(() => undefined);
    result = {
      // A run that lost the lease before doing anything simply was not the one to act.
      outcome: lost && stepsDone.length === 0 ? "busy" : "failed",
      message,
      rotationId: holder.state.current?.id,
      step: holder.state.current?.step,
      stepsDone,
      retryable,
    };
  }
  const released = await holder.release();
  if (released === "not-held" && stepsDone.length === 0 && result.outcome !== "failed") {
    // Another run wrote the lease right after ours: it, not this run, is the one acting.
    result = { outcome: "busy", message: "another run took the lease at the same moment", stepsDone };
  }
  if (released === "failed") {
    await audit({
      step: "lease",
      outcome: "failed",
      message: `could not release the lease after retries; it expires by itself`,
    }).catch(() => undefined);
  }
  return {
    ...result,
    step: result.step ?? holder.state.current?.step,
    rotationId: result.rotationId ?? holder.state.current?.id,
  };
}

/** A revocation that failed part-way comes first: the rotation must not act around a key being revoked. */
function unfinishedRevocation(state: RotationState): RotationRunResult | undefined {
  const revocation = state.revocation;
  if (!revocation) return undefined;
  return {
    outcome: "refused",
    message: `revocation ${revocation.id} of ${revocation.keyId} is unfinished; run \`signed-hls-cdn revoke --key-id ${revocation.keyId} --yes\` again to finish it`,
    stepsDone: [],
  };
}

/** Deletes this stack's leftover public keys (public-keys.ts) and says which. */
async function pruneAndReport(
  ports: RotationPorts,
  config: ResolvedRotationConfig,
  observation: Observation,
  state: RotationState,
  audit: StepContext["audit"],
): Promise<void> {
  const deleted = await pruneLeftoverKeys(ports, config, observation, state);
  if (deleted.length > 0) {
    await audit({
      rotationId: state.current?.id,
      step: "prune-public-keys",
      outcome: "done",
      message: `deleted ${deleted.length} unused public key(s) this stack had left behind`,
      keyIds: { deleted },
    });
  }
}

async function perform(
  step: string,
  state: RotationState,
  context: StepContext,
  force: boolean,
): Promise<RotationState> {
  switch (step) {
    case "start":
      return startRotation(state, context, force);
    case "create-key":
      return createKey(state, context);
    case "stage-key":
      return stageKey(state, context);
    case "await-deployment":
      return markDeployed(state, context);
    case "promote":
      return promote(state, context);
    case "await-signers":
      return markSignersReady(state, context);
    case "delete-replaced":
      return deleteReplaced(state, context);
    default:
      throw new Error(`unknown step ${step}`);
  }
}

async function dryRun(
  ports: RotationPorts,
  config: ResolvedRotationConfig,
  stateName: string,
  options: RotationRunOptions,
  audit: StepContext["audit"],
): Promise<RotationRunResult> {
  const stored = await readState(ports.parameters, stateName);
  const inherited = stored
    ? await inheritedState(stored.state, stackIdentity(config), legacyStaleReason(ports.cloudFront, config))
    : { state: emptyState() };
  const observation = await observe(ports, config);
  const state = reconcile(inherited.state, observation);
  const decision = decide(state, observation, config, { force: options.force });
  const plan = planRotation(decision);
  for (const entry of plan) {
    await audit({
      rotationId: state.current?.id,
      step: entry.step,
      outcome: "planned",
      message: `${entry.status}: ${entry.description}`,
    });
  }
  const holder =
    !inherited.discarded && stored?.state.lease && stored.state.lease.expiresAt > observation.now
      ? ` (run ${stored.state.lease.owner} holds the lease)`
      : "";
  return {
    outcome: "dry-run",
    message: `${decision.kind}: ${decision.reason}${holder}`,
    rotationId: state.current?.id,
    step: state.current?.step,
    stepsDone: [],
    plan,
  };
}

export function auditWriter(
  ports: RotationPorts,
  type: AuditEvent["type"],
  dryRunFlag: boolean,
): StepContext["audit"] {
  return async (event) => {
    await ports.audit.write({
      type,
      at: ports.clock.now(),
      ...event,
      ...(dryRunFlag ? { dryRun: true } : {}),
    });
  };
}
