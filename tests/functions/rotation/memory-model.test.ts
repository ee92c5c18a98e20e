import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createActiveKeyProvider, parameterNames } from "../../../functions/keys";
import { isServiceError, runRotation } from "../../../functions/rotation";
import { InMemoryCloud } from "../../../local/memory-cloud";
import { FakeClock, makeStack, PREFIX } from "./support";

describe("in-memory model", () => {
  it("persists to a JSON file (mode 0600) so a restart keeps keys, parameters and rotation state", async () => {
    const directory = mkdtempSync(join(tmpdir(), "memory-model-"));
    try {
      const path = join(directory, "keys.json");
      const clock = new FakeClock();
      const first = new InMemoryCloud({ clock, persistPath: path });
      const seeded = first.seedStack({ parameterPrefix: PREFIX });
      const config = {
        parameterPrefix: PREFIX,
        distributionId: seeded.distributionId,
        slots: seeded.slots,
        maxUrlLifetimeSeconds: 600,
        minPropagationSeconds: 0,
      };
      await runRotation(first.ports(), config, { force: true });
      assert.equal(statSync(path).mode & 0o777, 0o600);

      const second = new InMemoryCloud({ clock, persistPath: path });
      assert.deepEqual(
        second.seedStack({ parameterPrefix: PREFIX }),
        first.seedStack({ parameterPrefix: PREFIX }),
      );
      const names = parameterNames(PREFIX);
      const read = async (cloud: InMemoryCloud) =>
        (await cloud.parameters.getParameters([names.activeKeyId, names.rotationState])).get(
          names.rotationState,
        )!.value;
      assert.equal(await read(second), await read(first));
      const signer = await createActiveKeyProvider(
        { region: "us-east-1", parameterPrefix: PREFIX },
        { source: second.keySource, now: clock.now },
      ).getSigner();
      const active = (await first.parameters.getParameters([names.activeKeyId])).get(
        names.activeKeyId,
      )!.value;
      assert.equal(signer.keyPairId, active);
      // The restarted model continues the rotation where it stopped.
      assert.ok((await runRotation(second.ports(), config, { dryRun: true })).step);
      clock.advance(600);
      let result = await runRotation(second.ports(), config);
      for (let i = 0; i < 10 && result.outcome !== "completed"; i++) {
        clock.advance(300);
        result = await runRotation(second.ports(), config);
      }
      assert.equal(result.outcome, "completed");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("enforces ETags, CallerReference uniqueness, PublicKeyInUse and parameter versions like the services", async () => {
    const { cloud, rotation } = makeStack();
    const group = await cloud.cloudFront.getKeyGroup(rotation.slots[0].keyGroupId);
    await assert.rejects(
      cloud.cloudFront.updateKeyGroup(group.id, { name: group.name, items: group.items }, "stale"),
      (error: unknown) => isServiceError(error, "precondition-failed"),
    );
    const key = (await cloud.cloudFront.getPublicKey(group.items[0]))!;
    await assert.rejects(cloud.cloudFront.deletePublicKey(key.id, key.etag!), (error: unknown) =>
      isServiceError(error, "public-key-in-use"),
    );
    await assert.rejects(
      cloud.cloudFront.createPublicKey({
        callerReference: key.callerReference!,
        name: "other",
        encodedKey: key.encodedKey,
      }),
      (error: unknown) => isServiceError(error, "public-key-exists"),
    );
    await assert.rejects(
      cloud.cloudFront.createPublicKey({ callerReference: "x", name: "x", encodedKey: "not a key" }),
      (error: unknown) => isServiceError(error, "invalid"),
    );
    const first = await cloud.parameters.putParameter("/t/p", "a", { overwrite: false });
    assert.equal(first.version, 1);
    await assert.rejects(cloud.parameters.putParameter("/t/p", "b", { overwrite: false }), (error: unknown) =>
      isServiceError(error, "parameter-exists"),
    );
    assert.equal((await cloud.parameters.putParameter("/t/p", "b", { overwrite: true })).version, 2);
    const secret = rotation.slots[0].secretArn;
    await cloud.secrets.putSecretValue(secret, "v1", "token-1");
    assert.deepEqual(
      await cloud.secrets.putSecretValue(secret, "v1", "token-1"),
      { versionId: "token-1" },
      "same token, same value: no-op",
    );
    await assert.rejects(cloud.secrets.putSecretValue(secret, "v2", "token-1"), (error: unknown) =>
      isServiceError(error, "invalid"),
    );
    assert.equal(await cloud.secrets.getSecretValue(secret, "no-such-version"), undefined);
  });

  it("simulates deployment delay, throttling and scripted failures", async () => {
    const { cloud, rotation, clock } = makeStack({ deploymentDelaySeconds: 100 });
    const group = await cloud.cloudFront.getKeyGroup(rotation.slots[1].keyGroupId);
    await cloud.cloudFront.updateKeyGroup(
      group.id,
      { name: group.name, items: group.items, comment: "touch" },
      group.etag,
    );
    assert.equal((await cloud.cloudFront.getDistribution(rotation.distributionId)).status, "InProgress");
    assert.equal(cloud.liveTrustSets(rotation.distributionId).length, 2);
    clock.advance(100);
    assert.equal((await cloud.cloudFront.getDistribution(rotation.distributionId)).status, "Deployed");
    cloud.faults.throttleRate = 1;
    await assert.rejects(cloud.parameters.getParameters(["/x"]), (error: unknown) =>
      isServiceError(error, "throttled"),
    );
    cloud.faults.throttleRate = 0;
    cloud.faults.inject({ operation: "GetKeyGroup", kind: "unavailable", skip: 1, times: 1 });
    await cloud.cloudFront.getKeyGroup(group.id);
    await assert.rejects(cloud.cloudFront.getKeyGroup(group.id), (error: unknown) =>
      isServiceError(error, "unavailable"),
    );
    await cloud.cloudFront.getKeyGroup(group.id);
  });
});
