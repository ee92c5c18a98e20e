import assert from "node:assert/strict";
import { parameterNames } from "../../../functions/keys";
import { runRotation, type RotationRunResult } from "../../../functions/rotation";
import { MUTATING_OPERATIONS } from "../../../local/memory-cloud";
import { makeStack, PREFIX, readRotationState, violations, type TestStack } from "./support";

async function rotateToCompletion(
  stack: TestStack,
  options: { force?: boolean; step?: number } = {},
): Promise<RotationRunResult[]> {
  const results: RotationRunResult[] = [
    await runRotation(stack.cloud.ports(), stack.rotation, { force: options.force }),
  ];
  while (results[results.length - 1].outcome !== "completed" && results.length < 50) {
    assert.deepEqual(await violations(stack), []);
    stack.clock.advance(options.step ?? 60);
    results.push(await runRotation(stack.cloud.ports(), stack.rotation));
  }
  return results;
}

describe("rotation on the in-memory model", () => {
  it("replaces the inactive key, waits for deployment, promotes, then deletes the replaced key", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 300 });
    const names = parameterNames(PREFIX);
    const [slotA, slotB] = stack.rotation.slots;
    const before = await stack.cloud.parameters.getParameters([names.activeKeyId]);
    const oldActive = before.get(names.activeKeyId)!.value;
    const oldInactive = stack.cloud.keyGroupItems(slotB.keyGroupId)[0];

    const first = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(first.outcome, "waiting");
    assert.deepEqual(first.stepsDone, ["start", "create-key", "stage-key"]);
    assert.equal(stack.cloud.distributionStatus(stack.rotation.distributionId), "InProgress");
    const newKey = stack.cloud.keyGroupItems(slotB.keyGroupId)[0];
    assert.notEqual(newKey, oldInactive);
    // Not promoted while the distribution is deploying.
    stack.clock.advance(200);
    assert.equal((await runRotation(stack.cloud.ports(), stack.rotation)).step, "await-deployment");
    assert.equal(
      (await stack.cloud.parameters.getParameters([names.activeKeyId])).get(names.activeKeyId)!.value,
      oldActive,
    );

    const rest = await rotateToCompletion(stack);
    assert.equal(rest[rest.length - 1].outcome, "completed");
    const after = await stack.cloud.parameters.getParameters([names.activeKeyId, names.activeSecretArn]);
    assert.equal(after.get(names.activeKeyId)!.value, newKey);
    assert.equal(after.get(names.activeSecretArn)!.value, slotB.secretArn);
    assert.deepEqual(
      stack.cloud.keyGroupItems(slotA.keyGroupId),
      [oldActive],
      "the previous key stays trusted",
    );
    assert.ok(!stack.cloud.publicKeyIds().includes(oldInactive), "the replaced key is deleted");
    assert.deepEqual(await violations(stack), []);

    const state = (await readRotationState(stack))!;
    assert.equal(state.completedRotations, 1);
    assert.equal(state.current, undefined);
    assert.equal(state.lease, undefined, "the lease is released");
    assert.deepEqual(state.demoted[0].keyId, oldActive);
  });

  it("writes one audit event per step, with ids and never key material", async () => {
    const stack = makeStack();
    await rotateToCompletion(stack, { force: true });
    const done = stack.cloud.auditLog.filter((event) => event.outcome === "done").map((event) => event.step);
    for (const step of [
      "start",
      "generate-key",
      "create-public-key",
      "store-private-key",
      "stage-key",
      "await-deployment",
      "promote",
      "await-signers",
      "delete-replaced",
      "complete",
    ]) {
      assert.equal(done.filter((name) => name === step).length, 1, `one ${step} event`);
    }
    const text = JSON.stringify(stack.cloud.auditLog);
    assert.doesNotMatch(text, /BEGIN|PRIVATE|privateKeyPem/);
    assert.ok(
      stack.cloud.auditLog.every((event) => event.type === "rotation" && typeof event.at === "number"),
    );
  });

  it("does nothing before the interval, and refuses a forced rotation that would untrust a key still in use", async () => {
    const stack = makeStack();
    await rotateToCompletion(stack, { force: true });
    const idle = await runRotation(stack.cloud.ports(), stack.rotation);
    assert.equal(idle.outcome, "idle");
    const refused = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(refused.outcome, "refused");
    assert.match(
      refused.message,
      /would untrust a key that may still be in use: K\w+ may still sign or appear in valid URLs until/,
    );
    assert.match(refused.message, /signer max key age 900 s \+ max URL lifetime 3600 s \+ clock skew 60 s/);
    assert.ok(refused.notBefore! > stack.clock.current);
    // Exactly at the edge of the window it is allowed.
    stack.clock.current = refused.notBefore!;
    const forced = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.notEqual(forced.outcome, "refused", forced.message);
  });

  it("dry-run prints the plan and changes nothing", async () => {
    const stack = makeStack();
    stack.cloud.resetCallCounts();
    const result = await runRotation(stack.cloud.ports(), stack.rotation, { force: true, dryRun: true });
    assert.equal(result.outcome, "dry-run");
    assert.deepEqual(
      result.plan!.map((entry) => entry.step),
      ["start", "create-key", "stage-key", "await-deployment", "promote", "await-signers", "delete-replaced"],
    );
    assert.equal(result.plan![0].status, "next");
    for (const operation of MUTATING_OPERATIONS)
      assert.equal(stack.cloud.callCount(operation), 0, `${operation} during a dry run`);
    assert.ok(stack.cloud.auditLog.every((event) => event.dryRun === true && event.outcome === "planned"));
  });

  it("refuses to act on a distribution that does not trust both key groups", async () => {
    const stack = makeStack();
    stack.cloud.setTrustedKeyGroups(stack.rotation.distributionId, "*.ts", [
      stack.rotation.slots[0].keyGroupId,
    ]);
    stack.clock.advance(600);
    const result = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(result.outcome, "refused");
    assert.match(result.message, /behavior \*\.ts does not trust key group/);
  });

  it("is due again after the interval and rotates back into the first slot", async () => {
    const stack = makeStack();
    await rotateToCompletion(stack, { force: true });
    stack.clock.advance(86400);
    const results = await rotateToCompletion(stack);
    assert.equal(results[results.length - 1].outcome, "completed");
    const names = parameterNames(PREFIX);
    const active = (await stack.cloud.parameters.getParameters([names.activeSecretArn])).get(
      names.activeSecretArn,
    )!.value;
    assert.equal(active, stack.rotation.slots[0].secretArn);
    assert.equal(stack.cloud.publicKeyIds().length, 2, "exactly the two slot keys exist");
  });

  it("survives a mid-rotation service error: the run fails retryably and the next run finishes", async () => {
    const stack = makeStack();
    stack.cloud.faults.inject({ operation: "UpdateKeyGroup", kind: "throttled" });
    const failed = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(failed.outcome, "failed");
    assert.equal(failed.retryable, true);
    assert.equal(failed.step, "stage-key");
    assert.deepEqual(await violations(stack), []);
    assert.equal((await readRotationState(stack))!.lease, undefined, "a failed run releases its lease");
    const results = await rotateToCompletion(stack);
    assert.equal(results[results.length - 1].outcome, "completed");
    assert.equal(stack.cloud.publicKeyIds().length, 2);
  });

  it("re-reads and retries within the run when the key group ETag is stale (PreconditionFailed)", async () => {
    const stack = makeStack();
    stack.cloud.faults.inject({ operation: "UpdateKeyGroup", kind: "precondition-failed" });
    const result = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.deepEqual(result.stepsDone, ["start", "create-key", "stage-key"]);
    assert.ok(
      stack.cloud.auditLog.some((event) => event.outcome === "skipped" && /ETag/.test(event.message)),
    );
  });

  it("keeps a replaced key that something else holds (PublicKeyInUse) and still completes", async () => {
    const stack = makeStack();
    stack.cloud.faults.inject({ operation: "DeletePublicKey", kind: "public-key-in-use" });
    const results = await rotateToCompletion(stack, { force: true });
    assert.equal(results[results.length - 1].outcome, "completed");
    assert.ok(
      stack.cloud.auditLog.some((event) => event.step === "delete-replaced" && /kept/.test(event.message)),
    );
    assert.equal(stack.cloud.publicKeyIds().length, 3);
  });

  it("fails a run cleanly on throttled reads and keeps the state", async () => {
    const stack = makeStack();
    stack.cloud.faults.inject({ operation: "GetDistribution", kind: "throttled", times: 1 });
    const failed = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(failed.outcome, "failed");
    assert.match(failed.message, /Rate exceeded|throttled/);
    const results = await rotateToCompletion(stack, { force: true });
    assert.equal(results[results.length - 1].outcome, "completed");
  });

  it("learns of a key changed by hand and keeps it trusted for its window", async () => {
    const stack = makeStack();
    await rotateToCompletion(stack, { force: true });
    const names = parameterNames(PREFIX);
    // An operator points the signers back at slot A by hand.
    await stack.cloud.parameters.putParameter(names.activeSecretArn, stack.rotation.slots[0].secretArn, {
      overwrite: true,
    });
    await stack.cloud.parameters.putParameter(
      names.activeKeyId,
      stack.cloud.keyGroupItems(stack.rotation.slots[0].keyGroupId)[0],
      { overwrite: true },
    );
    stack.clock.advance(600);
    const first = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    // The key active until the manual change is in slot B and must not be replaced for its window.
    assert.equal(first.outcome, "refused");
    assert.match(first.message, /may still sign/);
    const state = (await readRotationState(stack))!;
    assert.equal(state.demoted[0].at, stack.clock.current - 600, "demoted when the parameters changed");
    stack.clock.current = first.notBefore!;
    const later = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.notEqual(later.outcome, "refused", later.message);
  });
});
