/**
 * One run at a time, with nothing but SSM: the lease lives in the rotation
 * state parameter, and it is fenced by the parameter's version.
 *
 * SSM PutParameter has no conditional overwrite (no expected-version
 * precondition). Without Overwrite it only creates, and fails with
 * ParameterAlreadyExists when the name exists: a real compare-and-swap, but
 * only for the first write. Every write returns the Version it created, one
 * more than the one before
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
 * So:
 * - the first run creates the state without Overwrite (of two, one wins);
 * - any later acquisition, takeover, renewal or release writes a new version;
 * - immediately before every mutating AWS call (see fence.ts) and every state
 *   write, the holder re-reads the state: the version must still be the one it
 *   wrote last and the lease its own. A run that was paused, or whose lease was
 *   taken over (even by a caller whose clock is far ahead), stops there;
 * - a state write that does not return "my version + 1" means someone wrote in
 *   between: the writer stops (its write only repeats an older state, which the
 *   idempotent steps treat like a crash before persisting);
 * - the holder stops on its own clock `leaseMarginSeconds` before its lease
 *   ends (a duration: the holder's skew cancels out), and a taker counts a
 *   lease as expired only clockSkewSeconds after its expiresAt: together they
 *   tolerate clocks up to 2 x clockSkewSeconds apart; beyond that the version
 *   check above is what stops the stale holder.
 * What no SSM call can close: the one round trip between the check and the
 * write it guards. CloudFront writes carry IfMatch ETags on top.
 *
 * Why not a separate lock parameter created without Overwrite: that is a
 * compare-and-swap for taking a free lock only. Releasing needs DeleteParameter,
 * and taking over a dead holder's lock is delete-then-create, which two takers
 * can interleave (A deletes, A creates, B deletes A's lock, B creates): no
 * stronger than the version fence, with one more parameter and IAM action.
 */
import { LeaseLostError, isServiceError } from "./errors";
import type { Clock, ParameterStorePort } from "./ports";
import {
  emptyState,
  parseRotationState,
  serializeRotationState,
  type Lease,
  type RotationState,
  type StackIdentity,
} from "./state";

export type LeaseKind = NonNullable<Lease["kind"]>;

export interface LeaseRequest {
  readonly owner: string;
  readonly kind: LeaseKind;
  readonly clock: Clock;
  readonly leaseSeconds: number;
  /** Clock difference allowed between runs (the config's clockSkewSeconds). */
  readonly clockSkewSeconds: number;
  /** The stack instance acting now; a stored state of another one is not inherited. */
  readonly identity: StackIdentity;
  /** May this run take over a lease that has not expired (revoke: a revocation's; --break-lease: any)? */
  readonly mayTakeOver?: (holder: Lease) => boolean;
  /** Why a stored state without identity belongs to a destroyed stack, if it does. */
  readonly staleReason?: (state: RotationState) => Promise<string | undefined>;
  /** Stop acting this long after acquiring, whatever the lease says (the command line). */
  readonly deadlineSeconds?: number;
}

export type LeaseResult =
  | {
      readonly acquired: true;
      readonly holder: LeaseHolder;
      /** A live lease this run took over (revocation or --break-lease). */
      readonly tookOver?: Lease;
      /** Why the stored state was discarded instead of inherited. */
      readonly discarded?: string;
    }
  | { readonly acquired: false; readonly reason: string; readonly holder?: Lease };

export async function readState(
  parameters: ParameterStorePort,
  name: string,
): Promise<{ state: RotationState; version: number } | undefined> {
  const found = (await parameters.getParameters([name])).get(name);
  return found ? { state: parseRotationState(found.value), version: found.version } : undefined;
}

/** Seconds before its lease ends at which a holder stops acting (never more than a third of the lease). */
export function leaseMarginSeconds(leaseSeconds: number, clockSkewSeconds: number): number {
  return Math.min(clockSkewSeconds, Math.floor(leaseSeconds / 3));
}

/** Whether a lease may still be held, judged by a clock that may be clockSkewSeconds off. */
export function leaseIsLive(lease: Lease | undefined, now: number, clockSkewSeconds: number): boolean {
  return lease !== undefined && now <= lease.expiresAt + clockSkewSeconds;
}

/** Why `state` belongs to another stack instance than `identity`, or undefined. */
export function identityMismatch(state: RotationState, identity: StackIdentity): string | undefined {
  const stored = state.stack;
  if (!stored) return undefined;
  const differences: string[] = [];
  if (stored.distributionId !== identity.distributionId)
    differences.push(`distribution ${stored.distributionId}, now ${identity.distributionId}`);
  if (stored.keyGroupIds.join(",") !== identity.keyGroupIds.join(","))
    differences.push(`key groups ${stored.keyGroupIds.join(",")}, now ${identity.keyGroupIds.join(",")}`);
  if (stored.secretArns.join(",") !== identity.secretArns.join(","))
    differences.push(`secrets ${stored.secretArns.join(",")}, now ${identity.secretArns.join(",")}`);
  return differences.length ? `written for another stack instance (${differences.join("; ")})` : undefined;
}

/** The stored state unless it belongs to a destroyed stack: then why, and an empty one. */
export async function inheritedState(
  state: RotationState,
  identity: StackIdentity,
  staleReason?: (state: RotationState) => Promise<string | undefined>,
): Promise<{ state: RotationState; discarded?: string }> {
  const reason = identityMismatch(state, identity) ?? (state.stack ? undefined : await staleReason?.(state));
  return reason ? { state: emptyState(), discarded: reason } : { state };
}

export async function acquireLease(
  parameters: ParameterStorePort,
  name: string,
  request: LeaseRequest,
): Promise<LeaseResult> {
  const now = request.clock.now();
  const lease: Lease = { owner: request.owner, expiresAt: now + request.leaseSeconds, kind: request.kind };
  const existing = await readState(parameters, name);
  if (!existing) {
    const state: RotationState = { ...emptyState(), stack: request.identity, lease };
    try {
      const written = await parameters.putParameter(name, serializeRotationState(state), {
        overwrite: false,
      });
      return { acquired: true, holder: new LeaseHolder(parameters, name, request, state, written.version) };
    } catch (error) {
      if (isServiceError(error, "parameter-exists"))
        return { acquired: false, reason: "another run created the rotation state at the same moment" };
      throw error;
    }
  }
  const inherited = await inheritedState(existing.state, request.identity, request.staleReason);
  const current = inherited.discarded ? undefined : existing.state.lease;
  let tookOver: Lease | undefined;
  if (current && current.owner !== request.owner && leaseIsLive(current, now, request.clockSkewSeconds)) {
    if (!request.mayTakeOver?.(current)) {
      return {
        acquired: false,
        reason: `run ${current.owner} (${current.kind ?? "rotation"}) holds the rotation lease until ${new Date(current.expiresAt * 1000).toISOString()}`,
        holder: current,
      };
    }
    tookOver = current;
  }
  const state: RotationState = { ...inherited.state, stack: request.identity, lease };
  const written = await parameters.putParameter(name, serializeRotationState(state), { overwrite: true });
  if (written.version !== existing.version + 1) {
    // Someone wrote between our read and our write. Whoever wrote last holds
    // the lease; every holder's fence check finds out before acting.
    const holder = new LeaseHolder(parameters, name, request, state, written.version);
    try {
      await holder.check("acquire the lease");
    } catch (error) {
      if (error instanceof LeaseLostError)
        return {
          acquired: false,
          reason: `another run wrote the rotation state at the same moment (read v${existing.version}, wrote v${written.version})`,
        };
      throw error;
    }
    return { acquired: true, holder, tookOver, discarded: inherited.discarded };
  }
  return {
    acquired: true,
    holder: new LeaseHolder(parameters, name, request, state, written.version),
    tookOver,
    discarded: inherited.discarded,
  };
}

/** The run's hold on the lease: the fence check, state writes that renew it, and its release. */
export class LeaseHolder {
  private renewedAt: number;
  private readonly startedAt: number;

  constructor(
    private readonly parameters: ParameterStorePort,
    private readonly name: string,
    private readonly request: LeaseRequest,
    private current: RotationState,
    private version: number,
  ) {
    this.startedAt = request.clock.now();
    this.renewedAt = this.startedAt;
  }

  get state(): RotationState {
    return this.current;
  }

  /**
   * Throws LeaseLostError unless this run still owns the lease: not near its
   * end or past the run's deadline (own clock), and the stored state is still
   * the version this run wrote last, naming it as holder.
   */
  async check(action: string): Promise<void> {
    const now = this.request.clock.now();
    const margin = leaseMarginSeconds(this.request.leaseSeconds, this.request.clockSkewSeconds);
    if (now >= this.renewedAt + this.request.leaseSeconds - margin) {
      throw new LeaseLostError(
        `stopped before ${action}: the lease ends in less than ${margin} s (renewed ${now - this.renewedAt} s ago)`,
      );
    }
    const deadline = this.request.deadlineSeconds;
    if (deadline !== undefined && now >= this.startedAt + deadline) {
      throw new LeaseLostError(`stopped before ${action}: this run's ${deadline} s deadline has passed`);
    }
    const stored = await readState(this.parameters, this.name);
    if (!stored || stored.version !== this.version || stored.state.lease?.owner !== this.request.owner) {
      const holder = stored?.state.lease;
      throw new LeaseLostError(
        `stopped before ${action}: the rotation state changed under this run (wrote v${this.version}, now v${stored?.version ?? "none"}${holder ? `, held by ${holder.owner}` : ", no holder"})`,
      );
    }
  }

  /** Persists `next` with a renewed lease; throws LeaseLostError if another run wrote in between. */
  async write(next: RotationState): Promise<void> {
    await this.check("writing the rotation state");
    const now = this.request.clock.now();
    const state: RotationState = {
      ...next,
      stack: this.request.identity,
      lease: {
        owner: this.request.owner,
        expiresAt: now + this.request.leaseSeconds,
        kind: this.request.kind,
      },
    };
    const written = await this.parameters.putParameter(this.name, serializeRotationState(state), {
      overwrite: true,
    });
    if (written.version !== this.version + 1) {
      throw new LeaseLostError(
        `another run wrote the rotation state while this run did (expected v${this.version + 1}, wrote v${written.version})`,
      );
    }
    this.version = written.version;
    this.current = state;
    this.renewedAt = now;
  }

  /**
   * Clears this run's lease (writing `final` if given), retrying transient
   * errors; leaves the state alone when another run owns it now.
   */
  async release(
    final: RotationState = this.current,
    attempts = 3,
  ): Promise<"released" | "not-held" | "failed"> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        const stored = await readState(this.parameters, this.name);
        if (!stored || stored.version !== this.version || stored.state.lease?.owner !== this.request.owner)
          return "not-held";
        const released: RotationState = { ...final, stack: this.request.identity, lease: undefined };
        const written = await this.parameters.putParameter(this.name, serializeRotationState(released), {
          overwrite: true,
        });
        this.version = written.version;
        this.current = released;
        return "released";
      } catch {
        // Transient: try again; past the last attempt the lease expires by itself.
      }
    }
    return "failed";
  }
}
