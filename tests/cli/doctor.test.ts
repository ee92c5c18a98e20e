import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { capture } from "../support/command-io";
import { main } from "../../cli/main";
import { generateKeyPair } from "../../functions/cloudfront/keys";
import { formatKeySecret, parameterNames } from "../../functions/keys";
import { MAX_PUBLIC_KEYS_PER_ACCOUNT } from "../../contract/limits";
import { DEFAULT_OVERDUE_MARGIN_SECONDS } from "../../functions/observability/metrics";
import { resolveRotationConfig, runRotation } from "../../functions/rotation";
import { InMemoryCloud, memoryPublicKeyLister } from "../../local/memory-cloud";
import {
  diagnoseStack,
  readStackStatus,
  type DoctorCheck,
  type DoctorOptions,
} from "../../functions/rotation/stack-status";
import { makeStack, PREFIX, type TestStack } from "../functions/rotation/support";

const OPTIONS: DoctorOptions = {
  publicKeyQuota: MAX_PUBLIC_KEYS_PER_ACCOUNT,
  overdueMarginSeconds: DEFAULT_OVERDUE_MARGIN_SECONDS,
};
const names = parameterNames(PREFIX);

async function checksFailing(stack: TestStack, options: DoctorOptions = OPTIONS): Promise<DoctorCheck[]> {
  const ports = stack.cloud.ports();
  const status = await readStackStatus(ports, stack.rotation);
  const violations = await diagnoseStack(ports, memoryPublicKeyLister(stack.cloud), status, options);
  for (const violation of violations) assert.ok(violation.fix.length > 10, `${violation.check} names a fix`);
  return violations.map((violation) => violation.check);
}

async function activeKeyId(stack: TestStack): Promise<string> {
  return (await stack.cloud.parameters.getParameters([names.activeKeyId])).get(names.activeKeyId)!.value;
}

/** A stack whose distribution redeploys instantly, so a broken state shows alone. */
const healthy = () => makeStack({ deploymentDelaySeconds: 0 });

describe("doctor over the in-memory model", () => {
  it("finds nothing wrong in a fresh stack, and in one that completed a rotation", async () => {
    assert.deepEqual(await checksFailing(healthy()), []);
    const stack = makeStack({ deploymentDelaySeconds: 0, rotation: { minPropagationSeconds: 0 } });
    let result = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    while (result.outcome !== "completed") {
      stack.clock.advance(60);
      result = await runRotation(stack.cloud.ports(), stack.rotation);
    }
    assert.deepEqual(await checksFailing(stack), []);
  });

  const broken: {
    name: string;
    expected: DoctorCheck[];
    breakIt(stack: TestStack): Promise<void> | void;
    options?: Partial<DoctorOptions>;
  }[] = [
    {
      name: "the rotation state parameter is not JSON",
      expected: ["rotation-state-readable"],
      breakIt: async (stack) => {
        await stack.cloud.parameters.putParameter(names.rotationState, "{not json", { overwrite: true });
      },
    },
    {
      name: "the active-secret parameter names a secret of neither slot",
      expected: ["parameters-name-a-slot"],
      breakIt: async (stack) => {
        await stack.cloud.parameters.putParameter(
          names.activeSecretArn,
          "arn:aws:secretsmanager:us-east-1:1:secret:x",
          {
            overwrite: true,
          },
        );
      },
    },
    {
      name: "the active-key parameter and the active secret disagree (a half-written promotion)",
      expected: ["secret-matches-parameter"],
      breakIt: async (stack) => {
        const other = await stack.cloud.secrets.getSecretValue(stack.rotation.slots[1].secretArn);
        await stack.cloud.secrets.putSecretValue(
          stack.rotation.slots[0].secretArn,
          other!.value,
          randomUUID(),
        );
      },
    },
    {
      name: "the active key does not exist in CloudFront",
      expected: ["secret-matches-parameter", "active-key-exists", "active-key-trusted"],
      breakIt: async (stack) => {
        const pair = generateKeyPair("ecdsa-p256");
        await stack.cloud.secrets.putSecretValue(
          stack.rotation.slots[0].secretArn,
          formatKeySecret({ keyPairId: "K0000000000000", privateKeyPem: pair.privateKeyPem }),
          randomUUID(),
        );
      },
    },
    {
      name: "the active secret holds another private key than the public key CloudFront trusts",
      expected: ["secret-matches-public-key"],
      breakIt: async (stack) => {
        const pair = generateKeyPair("ecdsa-p256");
        await stack.cloud.secrets.putSecretValue(
          stack.rotation.slots[0].secretArn,
          formatKeySecret({ keyPairId: await activeKeyId(stack), privateKeyPem: pair.privateKeyPem }),
          randomUUID(),
        );
      },
    },
    {
      name: "a protected behavior trusts only one key group",
      expected: ["behaviors-trust-both-groups"],
      breakIt: (stack) =>
        stack.cloud.setTrustedKeyGroups(stack.rotation.distributionId, "*.ts", [
          stack.rotation.slots[0].keyGroupId,
        ]),
    },
    {
      name: "the active key was removed from its key group",
      expected: ["active-key-trusted"],
      breakIt: async (stack) => {
        const replacement = await stack.cloud.cloudFront.createPublicKey({
          callerReference: "by-hand",
          name: "by-hand",
          encodedKey: generateKeyPair("ecdsa-p256").publicKeyPem,
        });
        const group = await stack.cloud.cloudFront.getKeyGroup(stack.rotation.slots[0].keyGroupId);
        await stack.cloud.cloudFront.updateKeyGroup(
          group.id,
          { name: group.name, items: [replacement.id] },
          group.etag,
        );
      },
    },
    {
      name: "a key demoted moments ago is no longer trusted (URLs signed with it still valid)",
      expected: ["rotation-invariants"],
      breakIt: async (stack) => {
        const state = {
          schema: 1,
          demoted: [{ keyId: "KDEMOTEDRECENTLY", at: stack.clock.now() }],
          revoked: [],
          completedRotations: 1,
        };
        await stack.cloud.parameters.putParameter(names.rotationState, JSON.stringify(state), {
          overwrite: true,
        });
      },
    },
    {
      name: "a public key with the stack's prefix that no key group holds",
      expected: ["no-orphan-keys"],
      breakIt: async (stack) => {
        await stack.cloud.cloudFront.createPublicKey({
          callerReference: "crashed-attempt",
          name: `${resolveRotationConfig(stack.rotation).keyNamePrefix}-r-crashed-a1`,
          encodedKey: generateKeyPair("ecdsa-p256").publicKeyPem,
        });
      },
    },
    {
      name: "the distribution is still deploying a change",
      expected: ["distribution-deployed"],
      breakIt: () => undefined,
    },
    {
      name: "the rotation is overdue (it never ran past the interval and the margin)",
      expected: ["rotation-not-overdue"],
      breakIt: (stack) => stack.clock.advance(86400 + DEFAULT_OVERDUE_MARGIN_SECONDS + 1),
    },
    {
      name: "the account's public key quota leaves no room for the next rotation's key",
      expected: ["public-key-budget"],
      options: { publicKeyQuota: 2 },
      breakIt: () => undefined,
    },
  ];
  for (const testCase of broken) {
    it(`names ${testCase.expected.join(" + ")} when ${testCase.name}`, async () => {
      const stack =
        testCase.expected[0] === "distribution-deployed"
          ? makeStack({ deploymentDelaySeconds: 120 })
          : healthy();
      if (testCase.expected[0] === "distribution-deployed") {
        // Any change to a behavior's trusted groups redeploys; the same groups again is enough.
        stack.cloud.setTrustedKeyGroups(
          stack.rotation.distributionId,
          "*",
          stack.rotation.slots.map((slot) => slot.keyGroupId),
        );
      }
      await testCase.breakIt(stack);
      assert.deepEqual(await checksFailing(stack, { ...OPTIONS, ...testCase.options }), testCase.expected);
    });
  }

  it("does not call a key overdue within the margin", async () => {
    const stack = healthy();
    stack.clock.advance(86400 + DEFAULT_OVERDUE_MARGIN_SECONDS - 60);
    assert.deepEqual(await checksFailing(stack), []);
  });

  it("writes nothing", async () => {
    const stack = healthy();
    stack.cloud.resetCallCounts();
    await checksFailing(stack);
    for (const write of [
      "PutParameter",
      "PutSecretValue",
      "UpdateKeyGroup",
      "CreatePublicKey",
      "DeletePublicKey",
    ] as const)
      assert.equal(stack.cloud.callCount(write), 0, write);
  });
});

describe("signed-hls-cdn status / doctor (against the local stack's model file)", () => {
  const LOCAL = "/cloudfront-signer/local";
  let directory: string;
  let file: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "cli-doctor-"));
    file = join(directory, "keys.json");
    new InMemoryCloud({ persistPath: file }).seedStack({
      parameterPrefix: LOCAL,
      pathPatterns: ["*._m3u8", "*.ts", "*"],
    });
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it("status prints the active key, its group and age, both groups, the behaviors and the rotation state", async () => {
    const cloud = new InMemoryCloud({ persistPath: file });
    const seeded = cloud.stack(LOCAL)!;
    const io = capture();
    assert.equal(await main(["status", "--local", file, "--prefix", LOCAL], io), 0, io.err);
    assert.match(
      io.out,
      new RegExp(`active key: ${seeded.activeKeyId} in key group ${seeded.slots[0].keyGroupId}`),
    );
    // The model file runs on the real clock: a fresh key is 90 days (less the test's seconds) from due.
    assert.match(io.out, /next rotation due in (90 d 0 h|89 d 23 h)/);
    assert.match(io.out, new RegExp(`${seeded.slots[1].keyGroupId} \\([^)]*\\): ${seeded.inactiveKeyId}`));
    assert.match(io.out, /behaviors: all 3 trust both key groups/);
    assert.match(io.out, /rotation: none in progress; 0 completed/);
    assert.match(io.out, /lease: free/);

    const json = capture();
    assert.equal(await main(["status", "--local", file, "--prefix", LOCAL, "--json"], json), 0, json.err);
    const parsed = JSON.parse(json.out);
    assert.equal(parsed.activeKeyId, seeded.activeKeyId);
    assert.equal(parsed.activeKeyGroupId, seeded.slots[0].keyGroupId);
    assert.equal(parsed.everyBehaviorTrustsBothGroups, true);
    assert.equal(parsed.rotation.inProgress, false);
    assert.deepEqual(parsed.auditEvents, []);
  });

  it("doctor exits 0 on a healthy stack and 1 naming the violation and its fix on a broken one", async () => {
    const io = capture();
    assert.equal(await main(["doctor", "--local", file, "--prefix", LOCAL], io), 0, io.out + io.err);
    assert.match(io.out, /^healthy: /);

    const cloud = new InMemoryCloud({ persistPath: file });
    const seeded = cloud.stack(LOCAL)!;
    cloud.setTrustedKeyGroups(seeded.distributionId, "*.ts", [seeded.slots[0].keyGroupId]);
    const broken = capture();
    assert.equal(await main(["doctor", "--local", file, "--prefix", LOCAL], broken), 1, broken.err);
    assert.match(
      broken.out,
      /\[behaviors-trust-both-groups\] behavior\(s\) \*\.ts do not trust both key groups/,
    );
    assert.match(broken.out, /fix: run `pulumi up`/);
    const json = capture();
    assert.equal(await main(["doctor", "--local", file, "--prefix", LOCAL, "--json"], json), 1);
    assert.equal(JSON.parse(json.out).healthy, false);
  });
});
