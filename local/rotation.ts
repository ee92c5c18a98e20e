/**
 * Key rotation on a short schedule: every tick invokes the rotation exactly
 * as the scheduled rotation Lambda does (it decides itself whether a rotation
 * is due, waiting or refused), against the local in-memory stores. Records
 * each change of the active key for the page.
 */
import type { AuditEvent } from "../functions/rotation/ports";
import { startScheduler } from "./scheduler";
import type { LocalCloud } from "./stores";

export interface RotationRecord {
  readonly at: string;
  readonly activeKeyId: string;
  readonly previousKeyId?: string;
}

export interface RotationSchedule {
  /** Changes of the active key seen since start, oldest first (bounded). */
  history(): readonly RotationRecord[];
  /** Runs the rotation now (after a run in flight). */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export interface RotationScheduleOptions {
  readonly cloud: LocalCloud;
  /** The rotation entry point: the rotate handler wired to the local ports. */
  readonly rotate: () => Promise<unknown>;
  /** How often the rotation is invoked (it acts only when due). */
  readonly tickMs: number;
  readonly log: (line: string) => void;
}

const HISTORY_LIMIT = 100;

/** Audit events worth a console line: what changed or went wrong, not the per-tick waits. */
export function describeAuditEvent(event: AuditEvent): string | undefined {
  if (event.outcome !== "done" && event.outcome !== "refused" && event.outcome !== "failed") return undefined;
  const keys = event.keyIds ? ` ${JSON.stringify(event.keyIds)}` : "";
  return `rotation: ${event.step} ${event.outcome}: ${event.message}${keys}`;
}

export function startRotationSchedule(options: RotationScheduleOptions): RotationSchedule {
  const records: RotationRecord[] = [];
  let lastActive: string | undefined;
  let lastError = "";

  const tick = async () => {
    const before = lastActive ?? (await options.cloud.activeKeyId());
    await options.rotate();
    const active = await options.cloud.activeKeyId();
    if (active && before && active !== before) {
      records.push({ at: new Date().toISOString(), activeKeyId: active, previousKeyId: before });
      if (records.length > HISTORY_LIMIT) records.shift();
      options.log(`rotation: signers now use ${active} (was ${before}); both stay trusted`);
    }
    lastActive = active ?? before;
    lastError = "";
  };
  const scheduler = startScheduler({
    everyMs: options.tickMs,
    task: tick,
    onError: (error) => {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastError) options.log(`rotation: run failed: ${message}`);
      lastError = message;
    },
  });
  return { history: () => records, runNow: scheduler.runNow, stop: scheduler.stop };
}
