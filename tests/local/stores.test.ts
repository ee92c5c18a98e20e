import assert from "node:assert/strict";
import { runRotation } from "../../functions/rotation";
import { openLocalCloud } from "../../local/stores";

/** An in-memory (not persisted) local cloud with short demo timings. */
function openTestCloud(deploymentDelaySeconds: number) {
  return openLocalCloud({
    stateDir: undefined,
    keyAlgorithm: "ecdsa-p256",
    rotateEverySeconds: 60,
    urlLifetimeSeconds: 30,
    keyCacheTtlSeconds: 5,
    keyMaxStaleSeconds: 10,
    clockSkewSeconds: 5,
    deploymentDelaySeconds,
  });
}

describe("local stores", function () {
  this.timeout(20_000);

  it("seeds a stack whose every behavior trusts both key groups", async () => {
    const local = openTestCloud(0);
    const trusted = [...local.trustedKeys().keys()];
    assert.equal(trusted.length, 2);
    assert.equal(await local.activeKeyId(), local.stack.activeKeyId);
    assert.ok(trusted.includes(local.stack.inactiveKeyId));
  });

  it("while a key group change deploys, trusts only the keys every live configuration trusts", async () => {
    const local = openTestCloud(2);
    const before = new Set(local.trustedKeys().keys());
    const run = await runRotation(local.cloud.ports(), local.rotationConfig, { force: true });
    assert.equal(run.outcome, "waiting", run.message);
    assert.equal(local.cloud.distributionStatus(local.stack.distributionId), "InProgress");
    const during = [...local.trustedKeys().keys()];
    assert.deepEqual(
      during,
      [local.stack.activeKeyId],
      "neither the staged key nor the one it replaced is safe at every edge",
    );
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const after = [...local.trustedKeys().keys()];
    assert.equal(after.length, 2);
    assert.ok(after.includes(local.stack.activeKeyId));
    const staged = after.find((keyId) => !before.has(keyId));
    assert.ok(staged, "the staged key is trusted once deployed");
  });
});
