/**
 * The rotation as a pure state machine: given the persisted state and a fresh
 * observation, `decide` says what the next step is, whether it must wait, or
 * why it refuses. No AWS import; the runner performs what it decides.
 */
import type { ResolvedRotationConfig } from "./config";
import type { KeyGroupView } from "./ports";
import { activeSlotOf, keysUntrustedBy, signingKeyId, type Observation } from "./observation";
import { describeBlockers, iso, untrustBlockers } from "./safety";
import type { RotationState, RotationStep } from "./state";
import { withDemoted } from "./state";
import { topologyProblems } from "./topology";

export interface DecideOptions {
  /** Start a rotation before the interval is up (never past the safety rules). */
  readonly force?: boolean;
}

export type Decision =
  | { readonly kind: "idle"; readonly reason: string; readonly nextDueAt: number }
  | {
      readonly kind: "wait";
      readonly step: RotationStep | "start";
      readonly reason: string;
      readonly until?: number;
    }
  | {
      readonly kind: "refuse";
      readonly step: RotationStep | "start";
      readonly reason: string;
      readonly safeAfter?: number;
    }
  | { readonly kind: "act"; readonly step: RotationStep | "start"; readonly reason: string };

const DAY = 86400;

/** A staged key that someone removed from its group must be staged again before anything builds on it. */
function restageIfDropped(targetGroup: KeyGroupView, newKeyId: string): Decision | undefined {
  if (targetGroup.items.includes(newKeyId)) return undefined;
  return {
    kind: "act",
    step: "stage-key",
    reason: `key group ${targetGroup.id} no longer holds ${newKeyId}; staging again`,
  };
}

export function nextDueAt(state: RotationState, config: ResolvedRotationConfig): number {
  return (state.activeSince ?? 0) + Math.round(config.rotationIntervalDays * DAY);
}

/**
 * Brings the persisted history in line with what AWS shows: the first run
 * learns the active key, and a key changed outside the rotation (by hand) is
 * recorded as demoted when the parameters last changed.
 */
export function reconcile(state: RotationState, observation: Observation): RotationState {
  const active = signingKeyId(observation);
  if (!active) return state;
  if (state.activeKeyId === undefined) {
    const since = Math.max(
      observation.activeKeyIdParam?.lastModified ?? 0,
      observation.activeSecretArnParam?.lastModified ?? 0,
    );
    return { ...state, activeKeyId: active, activeSince: since || observation.now };
  }
  if (state.activeKeyId === active) return state;
  if (
    state.current?.newKeyId === active &&
    (state.current.step === "promote" || state.current.step === "await-signers")
  )
    return state;
  // Changed outside the rotation: the old key was active until the parameters last changed.
  const changedAt =
    Math.max(
      observation.activeKeyIdParam?.lastModified ?? 0,
      observation.activeSecretArnParam?.lastModified ?? 0,
    ) || observation.now;
  return { ...withDemoted(state, state.activeKeyId, changedAt), activeKeyId: active, activeSince: changedAt };
}

export function decide(
  state: RotationState,
  observation: Observation,
  config: ResolvedRotationConfig,
  options: DecideOptions = {},
): Decision {
  const now = observation.now;
  const problems = topologyProblems(observation, config);
  const current = state.current;
  const step: RotationStep | "start" = current?.step ?? "start";
  if (problems.length > 0) {
    return {
      kind: "refuse",
      step,
      reason: `the stack is not in a shape the rotation can act on: ${problems.join("; ")}`,
    };
  }
  const activeSlot = activeSlotOf(observation, config)!;
  if (!current) {
    const dueAt = nextDueAt(state, config);
    if (!options.force && now < dueAt) {
      return {
        kind: "idle",
        reason: `active key ${state.activeKeyId} is not due for rotation before ${iso(dueAt)}`,
        nextDueAt: dueAt,
      };
    }
    const target = activeSlot === 0 ? 1 : 0;
    const untrusted = keysUntrustedBy(observation, target, []);
    const blockers = untrustBlockers(untrusted, state, observation, config);
    if (blockers.length > 0) {
      const safeAfter = Math.max(...blockers.map((blocker) => blocker.safeAfter));
      const reason = `rotating now would untrust a key that may still be in use: ${describeBlockers(blockers, config)}; earliest safe rotation ${iso(safeAfter)}`;
      // Asked by hand: say no. On schedule: the rotation is due but must wait for the window to close.
      if (options.force && now < dueAt) return { kind: "refuse", step, reason, safeAfter };
      return { kind: "wait", step, reason, until: safeAfter };
    }
    return {
      kind: "act",
      step,
      reason: options.force && now < dueAt ? "forced by hand" : `rotation due since ${iso(dueAt)}`,
    };
  }
  const targetGroup = observation.groups[current.targetSlot];
  if (
    current.targetSlot === activeSlot &&
    current.step !== "await-signers" &&
    current.step !== "delete-replaced" &&
    current.step !== "promote"
  ) {
    return {
      kind: "refuse",
      step,
      reason: `slot ${current.targetSlot} became active outside this rotation (${current.id}); resolve by hand`,
    };
  }
  switch (current.step) {
    case "create-key":
      return { kind: "act", step: "create-key", reason: "generate the new key pair and store it" };
    case "stage-key": {
      const untrusted = keysUntrustedBy(observation, current.targetSlot, [current.newKeyId!]);
      const blockers = untrustBlockers(untrusted, state, observation, config);
      if (blockers.length > 0) {
        const safeAfter = Math.max(...blockers.map((blocker) => blocker.safeAfter));
        return {
          kind: "refuse",
          step: "stage-key",
          reason: `staging would untrust: ${describeBlockers(blockers, config)}`,
          safeAfter,
        };
      }
      return {
        kind: "act",
        step: "stage-key",
        reason: `key group ${targetGroup.id} trusts ${current.newKeyId} instead of ${targetGroup.items.join(", ")}`,
      };
    }
    case "await-deployment": {
      const restage = restageIfDropped(targetGroup, current.newKeyId!);
      if (restage) return restage;
      if (observation.distribution.status !== "Deployed") {
        return {
          kind: "wait",
          step: "await-deployment",
          reason: `distribution ${observation.distribution.id} is ${observation.distribution.status}`,
        };
      }
      const until = (current.stagedAt ?? now) + config.minPropagationSeconds;
      if (now < until)
        return {
          kind: "wait",
          step: "await-deployment",
          reason: "minimum propagation time after the key group change",
          until,
        };
      return {
        kind: "act",
        step: "await-deployment",
        reason: `distribution ${observation.distribution.id} is Deployed with ${current.newKeyId} trusted`,
      };
    }
    case "promote": {
      const restage = restageIfDropped(targetGroup, current.newKeyId!);
      if (restage) return restage;
      if (observation.distribution.status !== "Deployed") {
        return {
          kind: "wait",
          step: "promote",
          reason: `distribution ${observation.distribution.id} is ${observation.distribution.status} again`,
        };
      }
      return {
        kind: "act",
        step: "promote",
        reason: `signers switch from ${current.fromKeyId} to ${current.newKeyId}`,
      };
    }
    case "await-signers": {
      const until = (current.promotedAt ?? now) + config.signerCacheTtlSeconds + config.clockSkewSeconds;
      if (now < until)
        return {
          kind: "wait",
          step: "await-signers",
          reason: "signer caches still hold the previous key",
          until,
        };
      return {
        kind: "act",
        step: "await-signers",
        reason: "every signer cache has expired since the promotion",
      };
    }
    case "delete-replaced": {
      const pending = current.replaced.filter((entry) => entry.safeAfter > now);
      if (pending.length > 0) {
        const until = Math.max(...pending.map((entry) => entry.safeAfter));
        return {
          kind: "wait",
          step: "delete-replaced",
          reason: `replaced keys may still be needed until ${iso(until)}`,
          until,
        };
      }
      const ids = current.replaced.map((entry) => entry.keyId);
      return {
        kind: "act",
        step: "delete-replaced",
        reason: ids.length ? `delete ${ids.join(", ")}` : "nothing to delete",
      };
    }
  }
}

/** A readable plan from where the state stands (dry-run); nothing is changed. */
export interface PlannedStep {
  readonly step: RotationStep | "start";
  readonly status: "next" | "later" | "waiting" | "refused" | "idle";
  readonly description: string;
}

const DESCRIPTIONS: Record<RotationStep | "start", string> = {
  start: "start a rotation into the inactive slot (record it in the rotation state)",
  "create-key":
    "generate a key pair, CreatePublicKey (deterministic CallerReference), PutSecretValue into the inactive secret (ClientRequestToken)",
  "stage-key":
    "GetKeyGroup ETag -> UpdateKeyGroup IfMatch: the inactive key group trusts the new key instead of the replaced one",
  "await-deployment": "wait for GetDistribution Status=Deployed (and the minimum propagation time)",
  promote: "PutParameter Overwrite active-secret-arn, then active-key-id: signers switch to the new key",
  "await-signers": "wait one signer cache TTL + clock skew",
  "delete-replaced": "GetPublicKey ETag -> DeletePublicKey IfMatch for the key(s) the stage step replaced",
};

export function planRotation(decision: Decision): PlannedStep[] {
  const order: (RotationStep | "start")[] = [
    "start",
    "create-key",
    "stage-key",
    "await-deployment",
    "promote",
    "await-signers",
    "delete-replaced",
  ];
  if (decision.kind === "idle") return [{ step: "start", status: "idle", description: decision.reason }];
  const from = decision.step;
  const first: PlannedStep = {
    step: from,
    status: decision.kind === "act" ? "next" : decision.kind === "wait" ? "waiting" : "refused",
    description: `${DESCRIPTIONS[from]} -- ${decision.reason}`,
  };
  const later = order
    .slice(order.indexOf(from) + 1)
    .map((step) => ({ step, status: "later" as const, description: DESCRIPTIONS[step] }));
  return [first, ...later];
}
