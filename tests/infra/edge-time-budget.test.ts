/**
 * Issue 10 item 9: every edge timeout the stack config accepts leaves room for
 * the worst call: the CPU budget, every key-store read at its deadline and the
 * raw fetch at its deadline add up to no more than the function's timeout
 * (viewer-request at most 5 s, origin-request 30 s:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge).
 */
import assert from "node:assert/strict";
import { validateStackConfig } from "../../infra/config";
import { manifestEdgeDeployConfig as manifestEdgeConfig } from "../../infra/handler-config";
import { EDGE_TIMEOUT_LIMIT_SECONDS, EDGE_TRIGGERS } from "../../contract/limits";
import { KEY_READ_TIMEOUT_MS } from "../../functions/keys/config";
import {
  FUNCTION_BUDGET_MS,
  MIN_EDGE_TIMEOUT_SECONDS,
  MIN_FETCH_TIMEOUT_MS,
  SEQUENTIAL_KEY_READS,
} from "../../functions/handlers/manifest-edge/manifest-edge";

describe("manifest edge time budget over the stack config", () => {
  const base = { region: "eu-west-1", maxUrlLifetimeSeconds: "7200", defaultUrlLifetimeSeconds: "600" };

  for (const trigger of EDGE_TRIGGERS) {
    it(`${trigger}: key reads + raw fetch at their deadlines + CPU budget fit every accepted timeout`, () => {
      for (
        let seconds = MIN_EDGE_TIMEOUT_SECONDS;
        seconds <= EDGE_TIMEOUT_LIMIT_SECONDS[trigger];
        seconds++
      ) {
        const config = validateStackConfig(
          { ...base, edgeTrigger: trigger, edgeTimeoutSeconds: String(seconds) },
          "dev",
        );
        const { fetchTimeoutMs } = manifestEdgeConfig(config);
        const waits = SEQUENTIAL_KEY_READS * KEY_READ_TIMEOUT_MS + fetchTimeoutMs;
        assert.ok(
          waits + FUNCTION_BUDGET_MS <= seconds * 1000,
          `${seconds} s: ${SEQUENTIAL_KEY_READS} x ${KEY_READ_TIMEOUT_MS} ms + ${fetchTimeoutMs} ms + ${FUNCTION_BUDGET_MS} ms`,
        );
        assert.ok(
          fetchTimeoutMs >= MIN_FETCH_TIMEOUT_MS,
          `${seconds} s leaves the fetch ${fetchTimeoutMs} ms`,
        );
      }
      assert.throws(
        () =>
          validateStackConfig(
            { ...base, edgeTrigger: trigger, edgeTimeoutSeconds: String(MIN_EDGE_TIMEOUT_SECONDS - 1) },
            "dev",
          ),
        /edgeTimeoutSeconds/,
      );
    });
  }

  it("viewer-request at its 5 s limit: the network waits end 1 s before the timeout", () => {
    const { fetchTimeoutMs } = manifestEdgeConfig(validateStackConfig(base, "dev"));
    assert.equal(SEQUENTIAL_KEY_READS * KEY_READ_TIMEOUT_MS + fetchTimeoutMs, 4000);
    assert.equal(FUNCTION_BUDGET_MS, 1000, "the margin left for CPU work (bench/edge-cold-start.bench.ts)");
  });
});
