/**
 * Issue 10 item 6 (public key quota and leftovers) and the stale-state part
 * of item 9 (a stack re-created under the same prefix does not inherit the
 * destroyed stack's rotation state).
 */
import assert from "node:assert/strict";
import { CloudFrontClient, ListPublicKeysCommand } from "@aws-sdk/client-cloudfront";
import { mockClient } from "aws-sdk-client-mock";
import { generateKeyPair } from "../../../functions/cloudfront/keys";
import { parameterNames } from "../../../functions/keys";
import { MAX_PUBLIC_KEYS_PER_ACCOUNT } from "../../../contract/limits";
import { resolveRotationConfig, runRotation, type RotationConfig } from "../../../functions/rotation";
import { AwsCloudFront, toServiceError } from "../../../functions/rotation/aws";
import { InMemoryCloud } from "../../../local/memory-cloud";
import { isGeneratedKeyName } from "../../../functions/rotation/names";
import { FakeClock, makeStack, PREFIX, readRotationState, violations, type TestStack } from "./support";

async function addKey(stack: TestStack, name: string): Promise<string> {
  const pair = generateKeyPair("ecdsa-p256");
  return (
    await stack.cloud.cloudFront.createPublicKey({
      callerReference: name,
      name,
      encodedKey: pair.publicKeyPem,
    })
  ).id;
}

const OURS = "signed-hls-cloudfront-signer-test";

describe("public key budget (issue 10 item 6)", () => {
  it("recognises exactly the names this stack generates, not another stack's sharing a prefix", () => {
    const config = resolveRotationConfig(makeStack().rotation);
    assert.equal(config.keyNamePrefix, OURS);
    assert.ok(isGeneratedKeyName(config, `${OURS}-r3-1800000000-a1`));
    assert.ok(isGeneratedKeyName(config, `${OURS}-v1800000000-s1-a2`));
    assert.ok(!isGeneratedKeyName(config, `${OURS}-2-r3-1800000000-a1`), "stack test-2");
    assert.ok(!isGeneratedKeyName(config, `${OURS}-initial-a`));
    assert.ok(!isGeneratedKeyName(config, `x${OURS}-r3-1800000000-a1`));
  });

  it("deletes this stack's untrusted leftover keys, never a trusted one, another stack's, or one another key group holds", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    const seeded = stack.cloud.stack(PREFIX)!;
    const leftoverRotation = await addKey(stack, `${OURS}-r7-1700000000-a1`);
    const leftoverRevocation = await addKey(stack, `${OURS}-v1700000000-s0-a1`);
    const otherStacks = await addKey(stack, `${OURS}-2-r1-1700000000-a1`);
    const handMade = await addKey(stack, "someone-elses-key");
    // A key with our name that a key group outside this stack holds.
    const other = stack.cloud.seedStack({ parameterPrefix: "/cloudfront-signer/other" });
    const heldElsewhere = await addKey(stack, `${OURS}-r8-1700000000-a1`);
    const group = await stack.cloud.cloudFront.getKeyGroup(other.slots[0].keyGroupId);
    await stack.cloud.cloudFront.updateKeyGroup(
      group.id,
      { name: group.name, items: [...group.items, heldElsewhere] },
      group.etag,
    );

    const result = await runRotation(stack.cloud.ports(), stack.rotation, { owner: "scheduled" });
    assert.equal(result.outcome, "idle", result.message);
    const keys = stack.cloud.publicKeyIds();
    assert.ok(!keys.includes(leftoverRotation));
    assert.ok(!keys.includes(leftoverRevocation));
    for (const kept of [otherStacks, handMade, heldElsewhere, seeded.activeKeyId, seeded.inactiveKeyId])
      assert.ok(keys.includes(kept), `${kept} kept`);
    const pruned = stack.cloud.auditLog.find((event) => event.step === "prune-public-keys");
    assert.deepEqual(pruned?.keyIds?.deleted, [leftoverRotation, leftoverRevocation]);
    assert.deepEqual(await violations(stack), []);
  });

  it("keeps the key of the attempt in progress, which the state does not record until create-key is persisted", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    // Crash right after the attempt's PutSecretValue (state create, reconcile, start, CreatePublicKey, PutSecretValue).
    stack.cloud.faults.crashAt({ atMutation: 5, when: "after" });
    await runRotation(stack.cloud.ports(), stack.rotation, { force: true, owner: "crashed" }).catch(
      () => undefined,
    );
    stack.cloud.faults.recover();
    const inGroups = stack.rotation.slots.flatMap((slot) => stack.cloud.keyGroupItems(slot.keyGroupId));
    const created = stack.cloud.publicKeyIds().filter((id) => !inGroups.includes(id));
    assert.equal(created.length, 1, "the attempt's new key, not yet staged");
    stack.clock.advance(700);
    const result = await runRotation(stack.cloud.ports(), stack.rotation, { owner: "next" });
    assert.notEqual(result.outcome, "failed", result.message);
    assert.ok(stack.cloud.publicKeyIds().includes(created[0]), "the rotation's own new key is kept");
    assert.equal(stack.cloud.callCount("CreatePublicKey"), 1, "and used, not made again");
    assert.deepEqual(await violations(stack), []);
  });

  it("deletes no leftover while the distribution deploys, only once it is Deployed", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 300 });
    const staged = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(staged.step, "await-deployment");
    const leftover = await addKey(stack, `${OURS}-r7-1700000000-a1`);
    stack.clock.advance(10);
    await runRotation(stack.cloud.ports(), stack.rotation);
    assert.ok(stack.cloud.publicKeyIds().includes(leftover), "kept while InProgress");
    stack.clock.advance(300);
    await runRotation(stack.cloud.ports(), stack.rotation);
    assert.ok(!stack.cloud.publicKeyIds().includes(leftover), "deleted once Deployed");
    assert.deepEqual(await violations(stack), []);
  });

  it("says clearly when TooManyPublicKeys stops a rotation, naming the fix", async () => {
    const stack = makeStack();
    // Fill the account with keys that are not this stack's.
    for (let index = stack.cloud.publicKeyIds().length; index < MAX_PUBLIC_KEYS_PER_ACCOUNT; index++)
      await addKey(stack, `another-team-${index}`);
    const result = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(result.outcome, "failed");
    assert.equal(result.retryable, false);
    assert.match(result.message, /TooManyPublicKeys/);
    assert.match(result.message, /quota of public keys \(10 by default\)/);
    assert.match(
      result.message,
      /delete public keys no key group uses .*or ask AWS for a higher "Public keys" quota/,
    );
    assert.equal((await readRotationState(stack))!.lease, undefined);
    assert.deepEqual(await violations(stack), []);
  });

  it("maps the SDK's TooManyPublicKeys onto the quota error", () => {
    const mapped = toServiceError(
      Object.assign(new Error("limit"), { name: "TooManyPublicKeys" }),
      "CreatePublicKey",
    );
    assert.equal(mapped.kind, "quota-exceeded");
    assert.equal(mapped.retryable, false);
  });

  it("stays within 3 keys per stack across rotations", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    let peak = 0;
    for (let rotation = 0; rotation < 3; rotation++) {
      let result = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
      for (let run = 0; run < 40 && result.outcome !== "completed"; run++) {
        peak = Math.max(peak, stack.cloud.publicKeyIds().length);
        stack.clock.advance(600);
        result = await runRotation(stack.cloud.ports(), stack.rotation);
      }
      assert.equal(result.outcome, "completed", result.message);
      stack.clock.advance(86400);
    }
    assert.equal(peak, 3);
    assert.equal(stack.cloud.publicKeyIds().length, 2);
  });
});

describe("a stack re-created under the same parameter prefix (issue 10 item 9)", () => {
  /** The destroyed stack's state, left mid-rotation (staged, awaiting deployment). */
  async function destroyedStacksState(): Promise<string> {
    const old = makeStack({ deploymentDelaySeconds: 600 });
    const result = await runRotation(old.cloud.ports(), old.rotation, { force: true });
    assert.equal(result.step, "await-deployment");
    const name = parameterNames(PREFIX).rotationState;
    return (await old.cloud.parameters.getParameters([name])).get(name)!.value;
  }

  /** A fresh stack under PREFIX whose ids differ from the first one's (as after destroy + up). */
  async function recreated(stateValue: string): Promise<{ cloud: InMemoryCloud; rotation: RotationConfig }> {
    const clock = new FakeClock(1_800_100_000);
    const cloud = new InMemoryCloud({ clock, deploymentDelaySeconds: 30 });
    cloud.seedStack({ parameterPrefix: "/cloudfront-signer/shift-ids" });
    const seeded = cloud.seedStack({ parameterPrefix: PREFIX, pathPatterns: ["*"] });
    await cloud.parameters.putParameter(parameterNames(PREFIX).rotationState, stateValue, {
      overwrite: false,
    });
    const rotation: RotationConfig = {
      ...makeStack().rotation,
      distributionId: seeded.distributionId,
      slots: seeded.slots,
    };
    return { cloud, rotation };
  }

  for (const variant of ["with its stack identity", "written before the identity was recorded"] as const) {
    it(`does not inherit the destroyed stack's rotation state (${variant})`, async () => {
      let value = await destroyedStacksState();
      if (variant !== "with its stack identity") {
        const parsed = JSON.parse(value);
        delete parsed.stack;
        delete parsed.lease;
        value = JSON.stringify(parsed);
      }
      const { cloud, rotation } = await recreated(value);
      const ports = cloud.ports();
      let result = await runRotation(ports, rotation, { force: true, owner: "new-stack" });
      assert.notEqual(result.outcome, "busy", result.message);
      assert.notEqual(result.outcome, "failed", result.message);
      assert.notEqual(result.outcome, "refused", result.message);
      assert.ok(
        cloud.auditLog.some((event) => /not inherited, starting afresh/.test(event.message)),
        "the discarded state is reported",
      );
      for (let run = 0; run < 40 && result.outcome !== "completed"; run++) {
        (cloud.clock as FakeClock).advance(600);
        result = await runRotation(ports, rotation);
      }
      assert.equal(result.outcome, "completed", result.message);
      const name = parameterNames(PREFIX).rotationState;
      const state = JSON.parse((await cloud.parameters.getParameters([name])).get(name)!.value);
      assert.equal(state.stack.distributionId, rotation.distributionId);
      assert.equal(state.completedRotations, 1);
    });
  }
});

describe("AwsCloudFront.listPublicKeys", () => {
  it("reads every page of ListPublicKeys (Marker / NextMarker)", async () => {
    const cloudFront = mockClient(CloudFrontClient);
    try {
      const created = new Date(1_800_000_000_000);
      cloudFront
        .on(ListPublicKeysCommand, { Marker: undefined })
        .resolves({
          PublicKeyList: {
            MaxItems: 1,
            Quantity: 1,
            NextMarker: "K2",
            Items: [{ Id: "K1", Name: "a", EncodedKey: "x", CreatedTime: created }],
          },
        })
        .on(ListPublicKeysCommand, { Marker: "K2" })
        .resolves({
          PublicKeyList: {
            MaxItems: 1,
            Quantity: 1,
            Items: [{ Id: "K2", Name: "b", EncodedKey: "y", CreatedTime: created }],
          },
        });
      assert.deepEqual(await new AwsCloudFront().listPublicKeys(), [
        { id: "K1", name: "a", createdAt: 1_800_000_000 },
        { id: "K2", name: "b", createdAt: 1_800_000_000 },
      ]);
    } finally {
      cloudFront.restore();
    }
  });
});
