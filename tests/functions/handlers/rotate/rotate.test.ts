import assert from "node:assert/strict";
import { createRotationHandler } from "../../../../functions/handlers/rotate/rotate";
import { RotationRefusedError } from "../../../../functions/rotation";
import { makeStack } from "../../rotation/support";

describe("rotation handler", () => {
  const scheduled = {
    version: "0",
    id: "x",
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "1",
    time: "",
    region: "eu-west-1",
    resources: [],
    detail: {},
  };

  it("runs on the schedule, by hand with force, and dry-runs without changes", async () => {
    const stack = makeStack();
    const handler = createRotationHandler(
      { region: "eu-west-1", rotation: stack.rotation },
      { ports: stack.cloud.ports() },
    );
    const idle = await handler(scheduled);
    assert.equal(idle.outcome, "idle", "a fresh key is not due on schedule");
    const dry = await handler({ force: true, dryRun: true });
    assert.equal(dry.outcome, "dry-run");
    assert.equal(stack.cloud.callCount("CreatePublicKey"), 0);
    const forced = await handler({ force: true });
    assert.deepEqual(forced.stepsDone, ["start", "create-key", "stage-key"]);
    // A scheduled event cannot force: it only advances the rotation in progress.
    stack.clock.advance(200);
    const next = await handler({ ...scheduled, force: true });
    assert.equal(next.rotationId, forced.rotationId);
  });

  it("throws a clear RotationRefusedError when a forced rotation would break the invariants", async () => {
    const stack = makeStack({
      deploymentDelaySeconds: 0,
      rotation: { minPropagationSeconds: 0, signerCacheTtlSeconds: 1, clockSkewSeconds: 0 },
    });
    const handler = createRotationHandler(
      { region: "eu-west-1", rotation: stack.rotation },
      { ports: stack.cloud.ports() },
    );
    let result = await handler({ force: true });
    while (result.outcome !== "completed") {
      stack.clock.advance(10);
      result = await handler({});
    }
    await assert.rejects(
      handler({ force: true }),
      (error: unknown) =>
        error instanceof RotationRefusedError &&
        /may still sign/.test(error.message) &&
        error.safeAfter! > stack.clock.current,
    );
  });

  it("rejects a malformed manual request", async () => {
    const stack = makeStack();
    const handler = createRotationHandler(
      { region: "eu-west-1", rotation: stack.rotation },
      { ports: stack.cloud.ports() },
    );
    await assert.rejects(handler({ force: "yes" }), /force must be true or false/);
  });
});
