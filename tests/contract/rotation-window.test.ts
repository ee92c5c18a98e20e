/**
 * Issue 13 item 3: one rotation invariant, strict. The stack config, `npm
 * start` and the policy pack refuse a rotation interval EQUAL to
 * max(TTL, max stale) + max URL lifetime + skew and accept the next value up;
 * the rotation's safety window is the same sum. (`npm start` used to accept
 * the equal interval, the stack config refused it.)
 */
import assert from "node:assert/strict";
import {
  keyRetentionSeconds,
  minimumRotationIntervalSeconds,
  rotationIntervalIsSafe,
  type RotationTiming,
} from "../../contract/rotation-window";
import { resolveRotationConfig, retentionSeconds } from "../../functions/rotation/config";
import { StackConfigError, validateStackConfig } from "../../infra/config";
import { ROTATION_TIMING_TAGS } from "../../infra/policy/conventions";
import { OptionsError, parseOptions } from "../../local/options";
import { goodStack } from "../infra/policy/fixtures";
import { policyNamed, runPolicy } from "../infra/policy/runner";
import { MINIMAL_ROTATION } from "./support";

/** 60/600/7200/120: the bound is 7920 s = 132 min, a whole number of minutes as the stack config needs. */
const TIMING: RotationTiming = {
  signerCacheTtlSeconds: 60,
  signerMaxStaleSeconds: 600,
  maxUrlLifetimeSeconds: 7200,
  clockSkewSeconds: 120,
};
const BOUND = 7920;

function stackAccepts(intervalSeconds: number): boolean {
  try {
    validateStackConfig(
      {
        region: "eu-west-1",
        signerCacheTtlSeconds: String(TIMING.signerCacheTtlSeconds),
        signerMaxStaleSeconds: String(TIMING.signerMaxStaleSeconds),
        maxUrlLifetimeSeconds: String(TIMING.maxUrlLifetimeSeconds),
        clockSkewSeconds: String(TIMING.clockSkewSeconds),
        rotationInterval: String(intervalSeconds),
      },
      "dev",
    );
    return true;
  } catch (error) {
    assert.ok(error instanceof StackConfigError);
    assert.deepEqual(error.problems.length, 1, error.message);
    assert.match(error.problems[0], /^rotationInterval \(\d+s\) must exceed .* = 7920s/);
    return false;
  }
}

function localAccepts(intervalSeconds: number): boolean {
  try {
    parseOptions(
      [
        `--rotate-every=${intervalSeconds}`,
        `--key-cache-ttl=${TIMING.signerCacheTtlSeconds}`,
        `--key-max-stale=${TIMING.signerMaxStaleSeconds}`,
        `--url-lifetime=${TIMING.maxUrlLifetimeSeconds}`,
        `--clock-skew=${TIMING.clockSkewSeconds}`,
      ],
      {},
    );
    return true;
  } catch (error) {
    assert.ok(error instanceof OptionsError, String(error));
    assert.match(error.message, /rotate-every must exceed .* = 600 \+ 7200 \+ 120 = 7920 s/);
    return false;
  }
}

async function policyAccepts(intervalSeconds: number): Promise<boolean> {
  const fixture = goodStack("dev");
  const rotationFunction = fixture.resources.find(
    (resource) => resource.type === "aws:lambda/function:Function" && /rotation/.test(resource.name),
  );
  assert.ok(rotationFunction);
  const tags = rotationFunction.inputs.tags as Record<string, string>;
  tags[ROTATION_TIMING_TAGS.rotationIntervalSeconds] = String(intervalSeconds);
  tags[ROTATION_TIMING_TAGS.signerCacheTtlSeconds] = String(TIMING.signerCacheTtlSeconds);
  tags[ROTATION_TIMING_TAGS.signerMaxStaleSeconds] = String(TIMING.signerMaxStaleSeconds);
  tags[ROTATION_TIMING_TAGS.maxUrlLifetimeSeconds] = String(TIMING.maxUrlLifetimeSeconds);
  tags[ROTATION_TIMING_TAGS.clockSkewSeconds] = String(TIMING.clockSkewSeconds);
  const violations = await runPolicy(policyNamed("rotation-outlives-signed-urls"), fixture.resources);
  // The dev fixture's daily schedule is slower than these short intervals: that is another violation.
  return !violations.some((violation) => /is not longer than/.test(violation.message));
}

describe("contract/rotation-window: one strict rule for every consumer", () => {
  it("the rule: the bound is max(TTL, max stale) + max URL lifetime + skew; equal is unsafe", () => {
    for (const [timing, bound] of [
      [TIMING, BOUND],
      // A stale maximum below the TTL (refused elsewhere) still counts the TTL.
      [{ ...TIMING, signerCacheTtlSeconds: 900, signerMaxStaleSeconds: 300 }, 900 + 7200 + 120],
      [
        { signerCacheTtlSeconds: 1, signerMaxStaleSeconds: 2, maxUrlLifetimeSeconds: 4, clockSkewSeconds: 0 },
        6,
      ],
    ] as const) {
      assert.equal(minimumRotationIntervalSeconds(timing), bound);
      assert.equal(keyRetentionSeconds(timing), bound);
      assert.equal(rotationIntervalIsSafe(bound - 1, timing), false);
      assert.equal(rotationIntervalIsSafe(bound, timing), false);
      assert.equal(rotationIntervalIsSafe(bound + 1, timing), true);
    }
  });

  it("the stack config refuses the equal interval and accepts the next minute", () => {
    assert.equal(stackAccepts(BOUND), false);
    assert.equal(stackAccepts(BOUND + 60), true);
  });

  it("npm start refuses the equal interval and accepts the next second (it accepted the equal one)", () => {
    assert.equal(localAccepts(BOUND), false);
    assert.equal(localAccepts(BOUND + 1), true);
  });

  it("the policy pack refuses the equal interval and accepts the next second", async () => {
    assert.equal(await policyAccepts(BOUND), false);
    assert.equal(await policyAccepts(BOUND + 1), true);
  });

  it("the rotation's safety window is the same sum", () => {
    const config = resolveRotationConfig({ ...MINIMAL_ROTATION, ...TIMING });
    assert.equal(retentionSeconds(config), BOUND);
  });
});
