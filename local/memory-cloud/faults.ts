/**
 * Fault injection for the in-memory model: scripted service errors on named
 * operations, random throttling from a seeded generator, and crashes (the
 * calling process "dies" before or after a chosen mutating call).
 */
import { ServiceError, type ServiceErrorKind } from "../../functions/rotation/errors";

/** Every operation the model serves, by AWS API name. */
export type MemoryOperation =
  | "GetKeyGroup"
  | "UpdateKeyGroup"
  | "CreatePublicKey"
  | "GetPublicKey"
  | "ListPublicKeys"
  | "DeletePublicKey"
  | "GetDistribution"
  | "GetParameters"
  | "PutParameter"
  | "GetSecretValue"
  | "PutSecretValue";

export const MUTATING_OPERATIONS: ReadonlySet<MemoryOperation> = new Set([
  "UpdateKeyGroup",
  "CreatePublicKey",
  "DeletePublicKey",
  "PutParameter",
  "PutSecretValue",
]);

/** Thrown for every call once a simulated crash has happened, until `recover()`. */
export class SimulatedCrash extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulatedCrash";
  }
}

export interface ScriptedFault {
  /** Operation to fail, or "*" for any. */
  readonly operation: MemoryOperation | "*";
  readonly kind: ServiceErrorKind;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Matching calls to let through first (default 0). */
  skip?: number;
  /** Only calls from the signers' key source (true) or from the rotation ports (false); default both. */
  readonly keySource?: boolean;
}

export interface CrashPlan {
  /** Crash on the n-th mutating call from now (1-based). */
  readonly atMutation: number;
  /** "before": the call has no effect; "after": it takes effect, then the caller dies. */
  readonly when: "before" | "after";
}

export class FaultInjector {
  private scripted: ScriptedFault[] = [];
  private crashPlan: { plan: CrashPlan; seen: number } | undefined;
  private crashed = false;
  private random: () => number;
  /** Probability (0-1) that any call is throttled. */
  throttleRate = 0;
  /** Probability (0-1) that a key-source (signer) read fails. */
  keySourceFailureRate = 0;

  constructor(seed = 1) {
    this.random = mulberry32(seed);
  }

  inject(fault: ScriptedFault): void {
    this.scripted.push({ ...fault, times: fault.times ?? 1, skip: fault.skip ?? 0 });
  }

  crashAt(plan: CrashPlan): void {
    this.crashPlan = { plan, seen: 0 };
  }

  /** The process that crashed is gone; calls from a new one succeed again. */
  recover(): void {
    this.crashed = false;
    this.crashPlan = undefined;
  }

  get hasCrashed(): boolean {
    return this.crashed;
  }

  clear(): void {
    this.scripted = [];
    this.crashPlan = undefined;
    this.crashed = false;
    this.throttleRate = 0;
    this.keySourceFailureRate = 0;
  }

  /** Called before each operation; throws the fault to raise, returns whether to crash after applying. */
  before(operation: MemoryOperation, keySource: boolean): "crash-after" | undefined {
    if (this.crashed) throw new SimulatedCrash(`process crashed earlier; ${operation} never ran`);
    for (const fault of this.scripted) {
      if (fault.operation !== "*" && fault.operation !== operation) continue;
      if (fault.keySource !== undefined && fault.keySource !== keySource) continue;
      if ((fault.times ?? 0) <= 0) continue;
      if ((fault.skip ?? 0) > 0) {
        fault.skip = (fault.skip ?? 0) - 1;
        continue;
      }
      fault.times = (fault.times ?? 1) - 1;
      throw new ServiceError(fault.kind, `injected ${fault.kind} on ${operation}`, `Injected${operation}`);
    }
    if (keySource && this.keySourceFailureRate > 0 && this.random() < this.keySourceFailureRate) {
      throw new ServiceError("unavailable", `injected outage on ${operation}`);
    }
    if (this.throttleRate > 0 && this.random() < this.throttleRate) {
      throw new ServiceError("throttled", `Rate exceeded (${operation})`, "ThrottlingException");
    }
    if (this.crashPlan && MUTATING_OPERATIONS.has(operation) && !keySource) {
      this.crashPlan.seen++;
      if (this.crashPlan.seen === this.crashPlan.plan.atMutation) {
        if (this.crashPlan.plan.when === "before") {
          this.crashed = true;
          throw new SimulatedCrash(`crashed before ${operation}`);
        }
        return "crash-after";
      }
    }
    return undefined;
  }

  /** After an operation applied: the planned crash happens now. */
  after(operation: MemoryOperation, decision: "crash-after" | undefined): void {
    if (decision === "crash-after") {
      this.crashed = true;
      throw new SimulatedCrash(`crashed after ${operation}`);
    }
  }
}

/** Small seeded PRNG so fault sequences are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
