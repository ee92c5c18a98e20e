import assert from "node:assert/strict";
import { verifyRequest } from "../../../functions/cloudfront/verifier";
import { createActiveKeyProvider, parameterNames } from "../../../functions/keys";
import { revokeKey, runRotation } from "../../../functions/rotation";
import { MUTATING_OPERATIONS } from "../../../local/memory-cloud";
import { makeStack, PREFIX, readRotationState, violations } from "./support";

describe("emergency revocation", () => {
  it("revokes the active key at once, promotes a fresh key and says what breaks", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 300 });
    const names = parameterNames(PREFIX);
    const provider = createActiveKeyProvider(stack.keySource, {
      source: stack.cloud.keySource,
      now: stack.clock.now,
      report: () => undefined,
    });
    const compromised = (await provider.getSigner()).keyPairId;
    const url = (await provider.getSigner()).signUrl(`https://${stack.domain}/v/a.ts`, {
      expires: stack.clock.current + 600,
    });

    const report = await revokeKey(stack.cloud.ports(), stack.rotation, compromised);
    assert.equal(report.outcome, "revoked", report.message);
    assert.ok(
      report.breaks.some((line) =>
        line.includes(`Every URL and cookie signed with ${compromised} is rejected`),
      ),
    );
    assert.ok(report.breaks.some((line) => /until their cache reloads/.test(line)));
    assert.ok(report.breaks.some((line) => /until distribution .* reports Deployed/.test(line)));
    const active = (await stack.cloud.parameters.getParameters([names.activeKeyId])).get(
      names.activeKeyId,
    )!.value;
    assert.equal(active, report.newActiveKeyId);
    assert.notEqual(active, compromised);
    assert.ok(!stack.cloud.publicKeyIds().includes(compromised), "the compromised public key is deleted");
    for (const slot of stack.rotation.slots)
      assert.ok(!stack.cloud.keyGroupItems(slot.keyGroupId).includes(compromised));

    stack.clock.advance(301);
    const [trusted] = stack.cloud.liveTrustSets(stack.rotation.distributionId);
    assert.equal(
      verifyRequest({ url, now: stack.clock.current }, trusted).accepted,
      false,
      "URLs signed with the revoked key are rejected once deployed",
    );
    stack.clock.advance(300);
    const fresh = await provider.getSigner();
    assert.equal(fresh.keyPairId, active);
    assert.equal(
      verifyRequest(
        {
          url: fresh.signUrl(`https://${stack.domain}/v/a.ts`, { expires: stack.clock.current + 60 }),
          now: stack.clock.current,
        },
        trusted,
      ).accepted,
      true,
    );
    assert.deepEqual(await violations(stack), []);
    const state = (await readRotationState(stack))!;
    assert.equal(state.revoked[0].keyId, compromised);
    assert.equal(state.lease, undefined);
    assert.ok(
      stack.cloud.auditLog.every(
        (event) => event.type === "revocation" && !JSON.stringify(event).includes("BEGIN"),
      ),
    );
  });

  it("revokes the inactive key by replacing it in its group, without touching the active key", async () => {
    const stack = makeStack();
    const names = parameterNames(PREFIX);
    const inactive = stack.cloud.keyGroupItems(stack.rotation.slots[1].keyGroupId)[0];
    const activeBefore = (await stack.cloud.parameters.getParameters([names.activeKeyId])).get(
      names.activeKeyId,
    )!.value;
    const report = await revokeKey(stack.cloud.ports(), stack.rotation, inactive);
    assert.equal(report.outcome, "revoked");
    assert.match(report.breaks[0], /Nothing valid should break/);
    assert.equal(
      (await stack.cloud.parameters.getParameters([names.activeKeyId])).get(names.activeKeyId)!.value,
      activeBefore,
    );
    const replacement = stack.cloud.keyGroupItems(stack.rotation.slots[1].keyGroupId);
    assert.equal(replacement.length, 1);
    assert.notEqual(replacement[0], inactive);
    assert.ok(!stack.cloud.publicKeyIds().includes(inactive));
    // The next rotation still works from the new layout.
    const result = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.notEqual(result.outcome, "failed", result.message);
  });

  it("aborts a rotation in progress that the revocation overtakes", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 600 });
    const first = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(first.step, "await-deployment");
    const staged = stack.cloud.keyGroupItems(stack.rotation.slots[1].keyGroupId)[0];
    const report = await revokeKey(stack.cloud.ports(), stack.rotation, staged);
    assert.equal(report.outcome, "revoked");
    assert.ok(report.actions.some((action) => action.startsWith("aborted rotation")));
    assert.equal((await readRotationState(stack))!.current, undefined);
  });

  it("dry-run reports and changes nothing; an unknown key is reported as such", async () => {
    const stack = makeStack();
    const names = parameterNames(PREFIX);
    const active = (await stack.cloud.parameters.getParameters([names.activeKeyId])).get(
      names.activeKeyId,
    )!.value;
    stack.cloud.resetCallCounts();
    const dry = await revokeKey(stack.cloud.ports(), stack.rotation, active, { dryRun: true });
    assert.equal(dry.outcome, "dry-run");
    assert.ok(dry.actions.some((action) => /promote it at once/.test(action)));
    for (const operation of MUTATING_OPERATIONS) assert.equal(stack.cloud.callCount(operation), 0);
    const unknown = await revokeKey(stack.cloud.ports(), stack.rotation, "KNOSUCHKEY0001");
    assert.equal(unknown.outcome, "not-found");
  });

  it("refuses while a rotation run holds the lease", async () => {
    const stack = makeStack();
    stack.cloud.faults.crashAt({ atMutation: 2, when: "after" });
    await runRotation(stack.cloud.ports(), stack.rotation, { force: true }).catch(() => undefined);
    stack.cloud.faults.recover();
    const report = await revokeKey(
      stack.cloud.ports(),
      stack.rotation,
      stack.cloud.keyGroupItems(stack.rotation.slots[0].keyGroupId)[0],
    );
    assert.equal(report.outcome, "busy");
    assert.match(report.message, /holds the rotation lease/);
  });
});
