/**
 * Issue 11 items 7 and 8: no run leaves its lease behind, revoke takes over a
 * failed revocation's lease (or any with --break-lease), a failed revocation
 * resumes, and revoke reports (and with --wait awaits) the deployment.
 */
import assert from "node:assert/strict";
import { CloudFrontClient, GetDistributionCommand } from "@aws-sdk/client-cloudfront";
import { mockClient } from "aws-sdk-client-mock";
import { distributionDeployment, revokeKey, runRotation, ServiceError } from "../../../functions/rotation";
import type { RotationPorts } from "../../../functions/rotation";
import { AwsCloudFront } from "../../../functions/rotation/aws";
import {
  FakeClock,
  makeStack,
  pauseFirstCall,
  PREFIX,
  readRotationState,
  violations,
  type TestStack,
} from "./support";

/** Ports whose UpdateKeyGroup fails once, after which the next `failedWrites` PutParameter calls fail too. */
function failingRevocationPorts(stack: TestStack, failedWrites: number): RotationPorts {
  const base = stack.cloud.ports();
  let failing = 0;
  let updateFailed = false;
  return {
    ...base,
    cloudFront: {
      ...base.cloudFront,
      updateKeyGroup: async (id, config, ifMatch) => {
        if (!updateFailed) {
          updateFailed = true;
          failing = failedWrites;
          throw new ServiceError("unavailable", "injected: UpdateKeyGroup timed out", "ServiceUnavailable");
        }
        return base.cloudFront.updateKeyGroup(id, config, ifMatch);
      },
    },
    parameters: {
      ...base.parameters,
      putParameter: async (name, value, options) => {
        if (failing > 0) {
          failing--;
          throw new ServiceError("unavailable", "injected: PutParameter timed out", "InternalServerError");
        }
        return base.parameters.putParameter(name, value, options);
      },
    },
  };
}

describe("rotation lease: never orphaned (issue 11 item 7)", () => {
  it("a run that loses the lease race leaves no lease behind; the next run is not blocked", async () => {
    const stack = makeStack();
    const base = stack.cloud.ports();
    // The state parameter exists (a first-ever race is settled by create-without-Overwrite instead).
    assert.equal((await runRotation(base, stack.rotation, { owner: "first" })).outcome, "idle");
    // Run "late" reads a free lease, then its write is delayed until run "early" has come and gone.
    const pause = pauseFirstCall(base.parameters.putParameter, "before");
    const late: RotationPorts = { ...base, parameters: { ...base.parameters, putParameter: pause.wrapped } };
    const lateRun = runRotation(late, stack.rotation, { owner: "late" });
    await pause.paused;
    const early = await runRotation(base, stack.rotation, { owner: "early" });
    assert.equal(early.outcome, "idle", early.message);
    pause.resume();
    await lateRun;
    assert.equal((await readRotationState(stack))!.lease, undefined, "no lease is left behind");
    const next = await runRotation(base, stack.rotation, { owner: "next" });
    assert.notEqual(next.outcome, "busy", next.message);
  });

  it("a failed revocation whose lease release also failed does not block its own re-run, which resumes it", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    const compromised = stack.cloud.stack(PREFIX)!.activeKeyId;
    const failed = await revokeKey(failingRevocationPorts(stack, 5), stack.rotation, compromised);
    assert.equal(failed.outcome, "failed");
    assert.match(failed.message, /run it again to finish/);
    assert.equal(
      (await readRotationState(stack))!.lease?.kind,
      "revocation",
      "the lease could not be released",
    );

    const rerun = await revokeKey(stack.cloud.ports(), stack.rotation, compromised);
    assert.equal(rerun.outcome, "revoked", rerun.message);
    assert.ok(rerun.actions.some((line) => /took over the lease of revocation run/.test(line)));
    assert.ok(rerun.actions.some((line) => /resumed revocation v\d+/.test(line)));
    // Resumed, not restarted: the key made before the failure is the one promoted.
    assert.equal(stack.cloud.callCount("CreatePublicKey"), 2, "one new key per slot, none made twice");
    assert.ok(!stack.cloud.publicKeyIds().includes(compromised));
    const state = (await readRotationState(stack))!;
    assert.equal(state.lease, undefined);
    assert.equal(state.revocation, undefined);
    assert.equal(state.revoked[0].keyId, compromised);
    assert.deepEqual(await violations(stack), []);
  });

  it("releases a failed revocation's lease with retries; the rotation refuses to act until the revocation is finished", async () => {
    const stack = makeStack();
    const compromised = stack.cloud.stack(PREFIX)!.activeKeyId;
    const failed = await revokeKey(failingRevocationPorts(stack, 1), stack.rotation, compromised);
    assert.equal(failed.outcome, "failed");
    assert.equal((await readRotationState(stack))!.lease, undefined);

    const keys = stack.cloud.publicKeyIds();
    const blocked = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    assert.equal(blocked.outcome, "refused");
    assert.ok(blocked.message.includes(`revoke --key-id ${compromised} --yes\` again`), blocked.message);
    assert.deepEqual(stack.cloud.publicKeyIds(), keys, "nothing pruned or created meanwhile");
    assert.equal((await revokeKey(stack.cloud.ports(), stack.rotation, compromised)).outcome, "revoked");
    assert.notEqual((await runRotation(stack.cloud.ports(), stack.rotation)).outcome, "refused");
  });

  it("revoke takes a live rotation lease only with --break-lease; the rotation run stops before its next write", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    const compromised = stack.cloud.stack(PREFIX)!.activeKeyId;
    stack.cloud.faults.crashAt({ atMutation: 3, when: "after" });
    await runRotation(stack.cloud.ports(), stack.rotation, { force: true, owner: "crashed" }).catch(
      () => undefined,
    );
    stack.cloud.faults.recover();
    assert.equal((await readRotationState(stack))!.lease?.owner, "crashed");

    const busy = await revokeKey(stack.cloud.ports(), stack.rotation, compromised);
    assert.equal(busy.outcome, "busy");
    assert.match(busy.message, /--break-lease/);
    const broken = await revokeKey(stack.cloud.ports(), stack.rotation, compromised, { breakLease: true });
    assert.equal(broken.outcome, "revoked", broken.message);
    assert.ok(broken.actions.some((line) => /took over the lease of rotation run crashed/.test(line)));
    assert.deepEqual(await violations(stack), []);
  });
});

describe("revoke reports the deployment (issue 11 item 8)", () => {
  it("says the distribution is InProgress right after revoking; --wait returns once it is Deployed", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 300 });
    const first = stack.cloud.stack(PREFIX)!.inactiveKeyId;
    const report = await revokeKey(stack.cloud.ports(), stack.rotation, first);
    assert.equal(report.outcome, "revoked");
    assert.equal(report.deployment?.status, "InProgress");
    assert.equal(report.deployment?.deployed, false);
    assert.match(report.message, /is InProgress: edges still running the previous configuration accept it/);

    const active = stack.cloud.stack(PREFIX)!.activeKeyId;
    const sleep = async (seconds: number) => stack.clock.advance(seconds);
    const waited = await revokeKey(stack.cloud.ports(), stack.rotation, active, {
      wait: { timeoutSeconds: 1800, pollSeconds: 20, sleep },
    });
    assert.equal(waited.outcome, "revoked", waited.message);
    assert.equal(waited.deployment?.status, "Deployed");
    assert.equal(waited.deployment?.deployed, true);
    assert.ok(waited.deployment!.waitedSeconds >= 300 && waited.deployment!.waitedSeconds <= 320);
    assert.equal(stack.cloud.distributionStatus(stack.rotation.distributionId), "Deployed");
  });

  it("--wait gives up at its timeout and says the change is not deployed", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 300 });
    const sleep = async (seconds: number) => stack.clock.advance(seconds);
    const report = await revokeKey(
      stack.cloud.ports(),
      stack.rotation,
      stack.cloud.stack(PREFIX)!.activeKeyId,
      {
        wait: { timeoutSeconds: 60, pollSeconds: 20, sleep },
      },
    );
    assert.equal(report.deployment?.deployed, false);
    assert.equal(report.deployment?.waitedSeconds, 60);
  });

  it("polls GetDistribution through the AWS adapter until Status is Deployed", async () => {
    const cloudFront = mockClient(CloudFrontClient);
    try {
      const distribution = (status: string) =>
        ({
          Distribution: {
            Id: "E123456ABCDEF",
            Status: status,
            DistributionConfig: {
              DefaultCacheBehavior: { TrustedKeyGroups: { Enabled: true, Quantity: 0 } },
            },
          },
        }) as never;
      cloudFront
        .on(GetDistributionCommand)
        .resolvesOnce(distribution("InProgress"))
        .resolvesOnce(distribution("InProgress"))
        .resolves(distribution("Deployed"));
      const clock = new FakeClock();
      const status = await distributionDeployment(
        { cloudFront: new AwsCloudFront(), clock },
        "E123456ABCDEF",
        { timeoutSeconds: 600, pollSeconds: 30, sleep: async (seconds) => clock.advance(seconds) },
      );
      assert.deepEqual(status, {
        distributionId: "E123456ABCDEF",
        status: "Deployed",
        deployed: true,
        waitedSeconds: 60,
      });
      assert.equal(cloudFront.commandCalls(GetDistributionCommand).length, 3);
    } finally {
      cloudFront.restore();
    }
  });
});
