/**
 * Crashes after (and before) every mutating call of a rotation, and several
 * rotations started at once: the next run always finishes, the invariants
 * hold in between, and no orphan key is left behind.
 */
import assert from "node:assert/strict";
import { parameterNames } from "../../../functions/keys";
import { runRotation, type RotationRunResult } from "../../../functions/rotation";
import { MUTATING_OPERATIONS } from "../../../local/memory-cloud";
import { makeStack, PREFIX, readRotationState, violations, type TestStack } from "./support";

function mutatingCalls(stack: TestStack): number {
  let total = 0;
  for (const operation of MUTATING_OPERATIONS) total += stack.cloud.callCount(operation);
  return total;
}

async function finishWithCrashes(
  stack: TestStack,
): Promise<{ crashes: number; runs: number; last: RotationRunResult }> {
  let crashes = 0;
  let runs = 0;
  let last: RotationRunResult | undefined;
  while (runs < 80) {
    runs++;
    try {
      last = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    } catch {
      // A crash can surface from the last write (the lease release is swallowed, other calls are not).
    }
    if (stack.cloud.faults.hasCrashed) {
      crashes++;
      stack.cloud.faults.recover();
      assert.deepEqual(await violations(stack), [], `invariants after a crash (run ${runs})`);
      stack.clock.advance(601); // the dead run's lease expires
      // Killed after its last step was persisted: the rotation is already complete.
      if ((await readRotationState(stack))?.completedRotations === 1) return { crashes, runs, last: last! };
      continue;
    }
    if (last?.outcome === "completed") return { crashes, runs, last };
    assert.notEqual(last?.outcome, "refused", last?.message);
    assert.deepEqual(await violations(stack), []);
    stack.clock.advance(60);
  }
  throw new Error(`rotation did not complete; last: ${JSON.stringify(last)}`);
}

describe("rotation resilience", () => {
  it("completes after a crash before or after each of its mutating calls", async function () {
    this.timeout(120000);
    const reference = makeStack();
    await finishWithCrashes(reference);
    const total = mutatingCalls(reference);
    assert.ok(total >= 10, `a rotation makes ${total} mutating calls`);
    let cases = 0;
    for (let atMutation = 1; atMutation <= total; atMutation++) {
      for (const when of ["before", "after"] as const) {
        const stack = makeStack();
        const names = parameterNames(PREFIX);
        const inactiveBefore = stack.cloud.keyGroupItems(stack.rotation.slots[1].keyGroupId)[0];
        stack.cloud.faults.crashAt({ atMutation, when });
        const { crashes } = await finishWithCrashes(stack);
        assert.equal(crashes, 1, `crash ${when} mutation ${atMutation} happened once`);
        const state = (await readRotationState(stack))!;
        assert.equal(state.completedRotations, 1);
        const active = (await stack.cloud.parameters.getParameters([names.activeKeyId])).get(
          names.activeKeyId,
        )!.value;
        assert.deepEqual(stack.cloud.keyGroupItems(stack.rotation.slots[1].keyGroupId), [active]);
        assert.ok(
          !stack.cloud.publicKeyIds().includes(inactiveBefore),
          `replaced key deleted (crash ${when} mutation ${atMutation})`,
        );
        assert.equal(
          stack.cloud.publicKeyIds().length,
          2,
          `no orphan public key after a crash ${when} mutation ${atMutation}`,
        );
        assert.deepEqual(await violations(stack), []);
        cases++;
      }
    }
    assert.equal(cases, total * 2);
  });

  it("lets exactly one of several simultaneous runs act; the others exit cleanly", async () => {
    const stack = makeStack();
    let rounds = 0;
    let completed = false;
    while (!completed && rounds < 40) {
      rounds++;
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, index) =>
          runRotation(stack.cloud.ports(), stack.rotation, { force: true, owner: `run-${rounds}-${index}` }),
        ),
      );
      const acting = results.filter((result) => result.outcome !== "busy");
      assert.equal(acting.length, 1, `round ${rounds}: ${results.map((result) => result.outcome).join(",")}`);
      for (const result of results.filter((entry) => entry.outcome === "busy"))
        assert.deepEqual(result.stepsDone, []);
      completed = acting[0].outcome === "completed";
      assert.deepEqual(await violations(stack), []);
      assert.equal((await readRotationState(stack))!.lease, undefined, "no loser's lease lingers");
      stack.clock.advance(60);
    }
    assert.ok(completed);
    assert.equal((await readRotationState(stack))!.completedRotations, 1);
    assert.equal(stack.cloud.publicKeyIds().length, 2);
    assert.equal(stack.cloud.callCount("CreatePublicKey"), 1);
  });

  it("lets one of two first-ever runs create the state (the other gets ParameterAlreadyExists and exits)", async () => {
    const stack = makeStack();
    const [a, b] = await Promise.all([
      runRotation(stack.cloud.ports(), stack.rotation, { force: true }),
      runRotation(stack.cloud.ports(), stack.rotation, { force: true }),
    ]);
    assert.deepEqual([a.outcome, b.outcome].sort(), ["busy", "waiting"]);
    const busy = a.outcome === "busy" ? a : b;
    assert.match(busy.message, /created the rotation state at the same moment/);
  });

  it("exits cleanly while another run holds an unexpired lease", async () => {
    const stack = makeStack();
    stack.cloud.faults.crashAt({ atMutation: 3, when: "after" });
    await runRotation(stack.cloud.ports(), stack.rotation, { force: true }).catch(() => undefined);
    stack.cloud.faults.recover();
    const blocked = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(blocked.outcome, "busy");
    assert.match(blocked.message, /holds the rotation lease until/);
    stack.clock.advance(600 + 60 + 1); // the lease, plus the clock skew a taker allows

    assert.notEqual(
      (await runRotation(stack.cloud.ports(), stack.rotation, { force: true })).outcome,
      "busy",
    );
  });
});
