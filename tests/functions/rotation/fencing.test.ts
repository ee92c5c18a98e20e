/**
 * Issue 11 item 6: every rotation and revocation write is fenced. The two
 * outages from the attack review, reproduced on the in-memory model: a
 * hand-run paused between CreatePublicKey and PutSecretValue, and a revoke
 * from a machine whose clock is 700 s ahead of a Lambda run mid-step.
 */
import assert from "node:assert/strict";
import { parameterNames } from "../../../functions/keys";
import { parseKeySecret } from "../../../functions/keys/secret-value";
import {
  LeaseLostError,
  resolveRotationConfig,
  revokeKey,
  runRotation,
  stackIdentity,
  type RotationPorts,
  type RotationRunResult,
} from "../../../functions/rotation";
import { fencedPorts } from "../../../functions/rotation/fence";
import { acquireLease } from "../../../functions/rotation/lease";
import { makeStack, pauseFirstCall, PREFIX, violations, type TestStack } from "./support";

/** Ports whose first CreatePublicKey returns only when `resume()` is called: the laptop sleeps right after it. */
function pausingAfterCreatePublicKey(stack: TestStack): {
  ports: RotationPorts;
  paused: Promise<void>;
  resume: () => void;
} {
  const base = stack.cloud.ports();
  const pause = pauseFirstCall(base.cloudFront.createPublicKey, "after");
  const ports: RotationPorts = {
    ...base,
    cloudFront: { ...base.cloudFront, createPublicKey: pause.wrapped },
  };
  return { ports, paused: pause.paused, resume: pause.resume };
}

/** The key id inside the secret signers load now, and whether a slot group trusts it. */
async function signingKey(stack: TestStack): Promise<{ keyId: string; trusted: boolean }> {
  const names = parameterNames(PREFIX);
  const arn = (await stack.cloud.parameters.getParameters([names.activeSecretArn])).get(
    names.activeSecretArn,
  )!;
  const secret = (await stack.cloud.secrets.getSecretValue(arn.value))!;
  const keyId = parseKeySecret(secret.value).keyPairId!;
  const trusted = stack.rotation.slots.some((slot) =>
    stack.cloud.keyGroupItems(slot.keyGroupId).includes(keyId),
  );
  return { keyId, trusted };
}

async function runToCompletion(stack: TestStack, owner: string): Promise<RotationRunResult> {
  let result = await runRotation(stack.cloud.ports(), stack.rotation, { force: true, owner: `${owner}-0` });
  for (let run = 1; run < 40 && result.outcome !== "completed"; run++) {
    stack.clock.advance(600);
    result = await runRotation(stack.cloud.ports(), stack.rotation, { owner: `${owner}-${run}` });
  }
  return result;
}

describe("fenced rotation and revocation writes (issue 11 item 6)", () => {
  it("outage (a): a hand-run paused between CreatePublicKey and PutSecretValue stops when it wakes after scheduled runs completed the rotation", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    const laptop = pausingAfterCreatePublicKey(stack);
    const handRun = runRotation(laptop.ports, stack.rotation, { force: true, owner: "laptop" });
    await laptop.paused;

    // The laptop sleeps past its lease (600 s + 60 s skew); the schedule finishes the rotation.
    stack.clock.advance(700);
    const scheduled = await runToCompletion(stack, "lambda");
    assert.equal(scheduled.outcome, "completed", scheduled.message);
    const before = await signingKey(stack);
    assert.ok(before.trusted);

    laptop.resume();
    const resumed = await handRun;
    assert.equal(resumed.outcome, "failed");
    assert.match(resumed.message, /stopped before PutSecretValue/);
    const after = await signingKey(stack);
    assert.equal(after.keyId, before.keyId, "the active secret still holds the rotation's key");
    assert.ok(after.trusted, "signers still sign with a trusted key");
    assert.deepEqual(await violations(stack), []);

    // And the rotation still acts afterwards.
    stack.clock.advance(86400);
    assert.equal((await runToCompletion(stack, "next")).outcome, "completed");
  });

  it("outage (b): a revoke from a machine 700 s ahead takes the lease from a Lambda run mid-step, which then stops before its next write", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    const compromised = stack.cloud.stack(PREFIX)!.activeKeyId;
    const lambda = pausingAfterCreatePublicKey(stack);
    const lambdaRun = runRotation(lambda.ports, stack.rotation, { force: true, owner: "lambda" });
    await lambda.paused;

    const ahead: RotationPorts = { ...stack.cloud.ports(), clock: { now: () => stack.clock.now() + 700 } };
    const report = await revokeKey(ahead, stack.rotation, compromised, { owner: "laptop" });
    assert.equal(report.outcome, "revoked", report.message);

    lambda.resume();
    const stopped = await lambdaRun;
    assert.equal(stopped.outcome, "failed");
    assert.match(stopped.message, /stopped before PutSecretValue/);
    const signing = await signingKey(stack);
    assert.equal(signing.keyId, report.newActiveKeyId);
    assert.ok(signing.trusted, "signers sign with the revocation's trusted key");
    assert.ok(!stack.cloud.publicKeyIds().includes(compromised));
    assert.deepEqual(await violations(stack), []);
  });

  it("a run that sleeps past its deadline stops before its next write even though nobody took over", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    const laptop = pausingAfterCreatePublicKey(stack);
    const handRun = runRotation(laptop.ports, stack.rotation, {
      force: true,
      owner: "laptop",
      deadlineSeconds: 300,
    });
    await laptop.paused;
    stack.clock.advance(301);
    laptop.resume();
    const result = await handRun;
    assert.equal(result.outcome, "failed");
    assert.match(result.message, /300 s deadline has passed/);
    // Its lease is released on the way out: the next run does not wait for it.
    const next = await runRotation(stack.cloud.ports(), stack.rotation, { owner: "next" });
    assert.notEqual(next.outcome, "busy", next.message);
    assert.deepEqual(await violations(stack), []);
  });

  it("a run stops before any write once its lease is near expiry (its own clock, margin = clock skew)", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    const laptop = pausingAfterCreatePublicKey(stack);
    const handRun = runRotation(laptop.ports, stack.rotation, { force: true, owner: "laptop" });
    await laptop.paused;
    stack.clock.advance(600 - 60);
    laptop.resume();
    const result = await handRun;
    assert.match(result.message, /stopped before PutSecretValue \S+: the lease ends in less than 60 s/);
  });

  it("never writes the secret the active-secret parameter names", async () => {
    const stack = makeStack();
    const config = resolveRotationConfig(stack.rotation);
    const ports = stack.cloud.ports();
    const lease = await acquireLease(ports.parameters, parameterNames(PREFIX).rotationState, {
      owner: "test",
      kind: "rotation",
      clock: ports.clock,
      leaseSeconds: config.leaseSeconds,
      clockSkewSeconds: config.clockSkewSeconds,
      identity: stackIdentity(config),
    });
    assert.ok(lease.acquired);
    const fenced = fencedPorts(ports, lease.holder, PREFIX);
    const active = config.slots[0].secretArn;
    await assert.rejects(
      fenced.secrets.putSecretValue(active, "x", "00000000-0000-0000-0000-000000000000"),
      (error: unknown) => error instanceof LeaseLostError && /is the active secret now/.test(error.message),
    );
    const inactive = config.slots[1].secretArn;
    const before = (await ports.secrets.getSecretValue(inactive))!.value;
    await fenced.secrets.putSecretValue(inactive, before, "00000000-0000-0000-0000-000000000001");
  });

  it("a state write that finds another run's version stops (compare the returned SSM version)", async () => {
    const stack = makeStack();
    const config = resolveRotationConfig(stack.rotation);
    const ports = stack.cloud.ports();
    const name = parameterNames(PREFIX).rotationState;
    const request = {
      kind: "rotation" as const,
      clock: ports.clock,
      leaseSeconds: config.leaseSeconds,
      clockSkewSeconds: config.clockSkewSeconds,
      identity: stackIdentity(config),
    };
    const first = await acquireLease(ports.parameters, name, { ...request, owner: "first" });
    assert.ok(first.acquired);
    const second = await acquireLease(ports.parameters, name, {
      ...request,
      owner: "second",
      mayTakeOver: () => true,
    });
    assert.ok(second.acquired);
    await assert.rejects(first.holder.write(first.holder.state), LeaseLostError);
    assert.equal(
      await first.holder.release(),
      "not-held",
      "a stale holder never clears the new holder's lease",
    );
    await second.holder.write(second.holder.state);
    assert.equal(await second.holder.release(), "released");
  });
});
