import assert from "node:assert/strict";
import { startScheduler } from "../../local/scheduler";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("local scheduler", () => {
  it("never runs two at once, reports failures and keeps going, and stop() waits for the run in flight", async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const errors: unknown[] = [];
    const scheduler = startScheduler({
      everyMs: 10,
      task: async () => {
        running++;
        most = Math.max(most, running);
        runs++;
        await sleep(35);
        running--;
        if (runs === 2) throw new Error("second run fails");
      },
      onError: (error) => errors.push(error),
    });
    await sleep(200);
    await scheduler.stop();
    assert.equal(running, 0, "stop() resolved only after the run in flight ended");
    assert.equal(most, 1);
    assert.ok(runs >= 3, `runs: ${runs}`);
    assert.deepEqual(
      errors.map((error) => (error as Error).message),
      ["second run fails"],
    );
    const after = runs;
    await sleep(50);
    assert.equal(runs, after, "nothing runs after stop()");
  });
});
