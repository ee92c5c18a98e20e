/**
 * Runs a task on a fixed period, never two at once (the local stand-in for
 * the EventBridge schedule that invokes the rotation Lambda). A failing run is
 * reported and the next one still happens; stop() waits for a run in flight.
 */
export interface Scheduler {
  /** Stops the schedule and resolves when no run is in flight. */
  stop(): Promise<void>;
  /** Runs the task now (after any run in flight) and resolves when it is done. */
  runNow(): Promise<void>;
}

export interface SchedulerOptions {
  readonly everyMs: number;
  readonly task: () => Promise<void>;
  readonly onError: (error: unknown) => void;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  let stopped = false;
  const run = (): Promise<void> => {
    running = running.then(async () => {
      if (stopped) return;
      busy = true;
      try {
        await options.task();
      } catch (error) {
        options.onError(error);
      } finally {
        busy = false;
      }
    });
    return running;
  };
  // A tick that finds a run still going is skipped rather than queued.
  const timer = setInterval(() => {
    if (!busy) void run();
  }, options.everyMs);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    runNow: run,
  };
}
