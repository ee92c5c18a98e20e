/**
 * The rotation state persisted as JSON in the SSM parameter
 * `parameterNames(prefix).rotationState`. It holds ids and times only (the
 * private key never leaves Secrets Manager), the lease of the run acting now,
 * and the history the safety rules need: when each key stopped being active.
 */

/** Steps of an in-progress rotation, in order (the step numbers of docs/ARCHITECTURE.md "A rotation" in brackets). */
export const ROTATION_STEPS = [
  "create-key", // [1, 2, 4] generate, create the public key, write the private key into the inactive secret
  "stage-key", // [3] the inactive key group trusts the new key instead of the one it held
  "await-deployment", // [5] the distribution reports the change deployed
  "promote", // [6] SSM points at the new key and its secret
  "await-signers", // [7] every signer's cache has expired
  "delete-replaced", // [8] delete the public key(s) step 3 replaced
] as const;

export type RotationStep = (typeof ROTATION_STEPS)[number];

export interface Lease {
  readonly owner: string;
  /** The holder's own clock; a taker allows clockSkewSeconds on top (see lease.ts). */
  readonly expiresAt: number;
  /** What the holder is doing: a revocation may take over another revocation's lease. Absent means rotation. */
  readonly kind?: "rotation" | "revocation";
}

/** Which stack instance wrote the state: a re-created stack under the same prefix has other ids. */
export interface StackIdentity {
  readonly distributionId: string;
  readonly keyGroupIds: readonly [string, string];
  readonly secretArns: readonly [string, string];
}

/** A revocation that has started and not finished: a re-run for the same key continues it. */
export interface InProgressRevocation {
  readonly id: string;
  readonly keyId: string;
  readonly startedAt: number;
  /** Slot that receives the replacement active key (the inactive one when the revocation started). */
  readonly targetSlot: 0 | 1;
}

export interface DemotedKey {
  readonly keyId: string;
  /** When it stopped being the active key. */
  readonly at: number;
}

export interface InProgressRotation {
  readonly id: string;
  readonly startedAt: number;
  readonly forced: boolean;
  readonly step: RotationStep;
  /** Increases when a crash lost a generated key before its secret was written. */
  readonly attempt: number;
  /** Slot index (0/1) being rotated into: the inactive slot at start. */
  readonly targetSlot: 0 | 1;
  /** Active key id at start. */
  readonly fromKeyId: string;
  readonly newKeyId?: string;
  readonly secretVersionId?: string;
  /** Keys step 3 removed from the target group, each with when it became safe to untrust (deleted in step 8). */
  readonly replaced: readonly { readonly keyId: string; readonly safeAfter: number }[];
  readonly stagedAt?: number;
  readonly deployedAt?: number;
  readonly promotedAt?: number;
  readonly signersReadyAt?: number;
}

export interface RotationState {
  readonly schema: 1;
  readonly lease?: Lease;
  /** The stack instance this state belongs to (absent in states written before it was recorded). */
  readonly stack?: StackIdentity;
  readonly revocation?: InProgressRevocation;
  /** Active key as last seen or set by a rotation, and since when. */
  readonly activeKeyId?: string;
  readonly activeSince?: number;
  /** Most recent first; kept short (the safety rule only needs the last few). */
  readonly demoted: readonly DemotedKey[];
  readonly revoked: readonly { readonly keyId: string; readonly at: number }[];
  readonly completedRotations: number;
  readonly lastCompleted?: { readonly id: string; readonly at: number };
  readonly current?: InProgressRotation;
}

export const HISTORY_LIMIT = 10;

export function emptyState(): RotationState {
  return { schema: 1, demoted: [], revoked: [], completedRotations: 0 };
}

/** Parses the stored JSON, refusing anything malformed (a corrupt state must stop the rotation, not restart it). */
export function parseRotationState(text: string): RotationState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("rotation state parameter is not JSON");
  }
  const state = parsed as RotationState;
  if (!state || typeof state !== "object" || state.schema !== 1)
    throw new Error("rotation state has an unknown schema");
  if (
    !Array.isArray(state.demoted) ||
    !Array.isArray(state.revoked) ||
    typeof state.completedRotations !== "number"
  ) {
    throw new Error("rotation state is missing demoted/revoked/completedRotations");
  }
  const current = state.current;
  if (current !== undefined) {
    if (typeof current.id !== "string" || !ROTATION_STEPS.includes(current.step)) {
      throw new Error(`rotation state has an unknown step ${JSON.stringify(current?.step)}`);
    }
    if (current.targetSlot !== 0 && current.targetSlot !== 1)
      throw new Error("rotation state has a bad targetSlot");
    if (!Array.isArray(current.replaced)) throw new Error("rotation state has no replaced-key list");
  }
  return state;
}

export function serializeRotationState(state: RotationState): string {
  const text = JSON.stringify(state);
  // Standard SSM parameters hold 4 KB; the history is bounded so this never trips in practice.
  if (text.length > 4000) throw new Error(`rotation state is ${text.length} bytes, over the 4 KB SSM limit`);
  return text;
}

export function withDemoted(state: RotationState, keyId: string, at: number): RotationState {
  const demoted = [{ keyId, at }, ...state.demoted.filter((entry) => entry.keyId !== keyId)].slice(
    0,
    HISTORY_LIMIT,
  );
  return { ...state, demoted };
}
