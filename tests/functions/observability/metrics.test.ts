import assert from "node:assert/strict";
import { createRotationHandler } from "../../../functions/handlers/rotate/rotate";
import { createSignHandler } from "../../../functions/handlers/sign/sign";
import { createActiveKeyProvider } from "../../../functions/keys";
import { emfFields, extractMetrics } from "../../../functions/observability/emf";
import { isLogLine } from "../../../functions/observability/log-line";
import { keyCacheLine, METRIC_NAMESPACE } from "../../../functions/observability/metrics";
import { makeStack, PREFIX } from "../rotation/support";

type Counted = [name: string, value: number, dimensions: Record<string, string>];
const counted = (line: unknown): Counted[] =>
  extractMetrics(line).map((metric) => {
    assert.equal(metric.namespace, METRIC_NAMESPACE);
    return [metric.name, metric.value, metric.dimensions];
  });

describe("embedded metric format lines", () => {
  it("builds documents the specification accepts, and refuses what it forbids", () => {
    const fields = emfFields({
      namespace: "N",
      timestampMs: 1_800_000_000_123.7,
      dimensionSets: [["stack"], ["stack", "error"]],
      dimensionValues: { stack: "/p", error: "e" },
      metrics: [{ name: "Count", unit: "Count", value: 2 }],
    });
    assert.equal(fields._aws.Timestamp, 1_800_000_000_123);
    assert.deepEqual(
      extractMetrics(fields).map((metric) => [metric.name, metric.unit, metric.value, metric.dimensions]),
      [
        ["Count", "Count", 2, { stack: "/p" }],
        ["Count", "Count", 2, { stack: "/p", error: "e" }],
      ],
    );
  });

  it("refuses a dimension without a value, a non-finite metric and a metric named like a dimension", () => {
    const base = { namespace: "N", timestampMs: 0, dimensionSets: [["stack"]] };
    assert.throws(
      () => emfFields({ ...base, dimensionValues: {}, metrics: [] }),
      /dimension stack has no value/,
    );
    assert.throws(
      () =>
        emfFields({
          ...base,
          dimensionValues: { stack: "s" },
          metrics: [{ name: "x", unit: "Count", value: NaN }],
        }),
      /not a finite number/,
    );
    assert.throws(
      () =>
        emfFields({
          ...base,
          dimensionValues: { stack: "s" },
          metrics: [{ name: "stack", unit: "Count", value: 1 }],
        }),
      /collides/,
    );
    assert.throws(
      () =>
        extractMetrics({
          _aws: {
            Timestamp: 1,
            CloudWatchMetrics: [{ Namespace: "N", Dimensions: [["d"]], Metrics: [{ Name: "m" }] }],
          },
          m: 1,
        }),
      /dimension d/,
    );
  });
});

describe("signer metrics", () => {
  it("counts URLs, cookies, refusals per code and key errors, in the one log line per request", async () => {
    const stack = makeStack();
    const lines: string[] = [];
    const newHandler = () =>
      createSignHandler(
        {
          distributionDomain: stack.domain,
          defaultLifetimeSeconds: 300,
          maxLifetimeSeconds: 3600,
          keySource: stack.keySource,
        },
        { keySource: stack.cloud.keySource, now: stack.clock.now, log: (line) => lines.push(line) },
      );
    const handler = newHandler();
    await handler({ resource: "/v/a/seg.ts" }, { awsRequestId: "r1" });
    await handler({ resource: "/v/a/master.m3u8", mode: "cookies" }, { awsRequestId: "r2" });
    await handler({ resource: "/v/a/seg.ts", lifetimeSeconds: 999999 }, { awsRequestId: "r3" });
    // A fresh handler whose first key load fails: 503 key-unavailable.
    const failing = newHandler();
    stack.cloud.faults.inject({ operation: "GetParameters", kind: "unavailable", keySource: true });
    await failing({ resource: "/v/a/seg.ts" }, { awsRequestId: "r4" });

    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(parsed.length, 4);
    for (const line of parsed) {
      assert.ok(isLogLine(line), JSON.stringify(line));
      assert.equal(line.component, "signer");
    }
    assert.deepEqual(
      parsed.map((line) => [line.requestId, line.level, line.event]),
      [
        ["r1", "info", "signed"],
        ["r2", "info", "signed"],
        ["r3", "warn", "sign-refused"],
        ["r4", "error", "sign-refused"],
      ],
    );
    const stackOnly = { stack: PREFIX };
    assert.deepEqual(counted(parsed[0]), [["SignedUrls", 1, stackOnly]]);
    assert.deepEqual(counted(parsed[1]), [["SignedCookies", 1, stackOnly]]);
    const refusalCode = parsed[2].error as string;
    assert.ok(refusalCode);
    assert.deepEqual(counted(parsed[2]), [
      ["SignerRefusals", 1, stackOnly],
      ["SignerRefusals", 1, { stack: PREFIX, error: refusalCode }],
    ]);
    assert.deepEqual(counted(parsed[3]), [
      ["SignerErrors", 1, stackOnly],
      ["SignerErrors", 1, { stack: PREFIX, error: "key-unavailable" }],
    ]);
  });
});

describe("rotation metrics", () => {
  it("counts each run by outcome and reports the active key's age, through refusals and failures", async () => {
    const stack = makeStack({ rotation: { minPropagationSeconds: 0 }, deploymentDelaySeconds: 0 });
    const lines: Record<string, unknown>[] = [];
    const handler = createRotationHandler(
      { region: "us-east-1", rotation: stack.rotation },
      { ports: stack.cloud.ports(), log: (line) => lines.push(line as Record<string, unknown>) },
    );
    const context = { awsRequestId: "run-1" };
    await handler({}, context); // idle: a fresh key, and the first run records since when it is active
    stack.clock.advance(3600);
    await handler({}, context);
    // A service failure: the run fails (and the invocation throws so AWS/Lambda Errors counts it too).
    stack.cloud.faults.inject({ operation: "GetKeyGroup", kind: "unavailable", times: 10 });
    await assert.rejects(handler({}, context));
    stack.cloud.faults.clear();

    for (const line of lines) assert.ok(isLogLine(line), JSON.stringify(line));
    const outcomes = lines.map((line) => [line.outcome, line.level, line.requestId]);
    assert.deepEqual(outcomes, [
      ["idle", "info", "run-1"],
      ["idle", "info", "run-1"],
      ["failed", "error", "run-1"],
    ]);
    const byName = (line: Record<string, unknown>) =>
      counted(line).filter(([, , dimensions]) => Object.keys(dimensions).length === 1);
    assert.deepEqual(byName(lines[0]), [
      ["RotationRuns", 1, { stack: PREFIX }],
      ["ActiveKeyAgeSeconds", 0, { stack: PREFIX }],
    ]);
    assert.deepEqual(byName(lines[1])[1], ["ActiveKeyAgeSeconds", 3600, { stack: PREFIX }]);
    assert.deepEqual(
      counted(lines[2]).find(([, , dimensions]) => dimensions.outcome !== undefined),
      ["RotationRuns", 1, { stack: PREFIX, outcome: "failed" }],
    );
  });

  it("counts a refused run under outcome=refused", async () => {
    const stack = makeStack({
      deploymentDelaySeconds: 0,
      rotation: { minPropagationSeconds: 0, signerCacheTtlSeconds: 1, clockSkewSeconds: 0 },
    });
    const lines: Record<string, unknown>[] = [];
    const handler = createRotationHandler(
      { region: "us-east-1", rotation: stack.rotation },
      { ports: stack.cloud.ports(), log: (line) => lines.push(line as Record<string, unknown>) },
    );
    let result = await handler({ force: true });
    while (result.outcome !== "completed") {
      stack.clock.advance(10);
      result = await handler({});
    }
    await assert.rejects(handler({ force: true }));
    const last = lines[lines.length - 1];
    assert.equal(last.outcome, "refused");
    assert.equal(last.level, "warn");
    assert.ok(
      counted(last).some(
        ([name, value, dimensions]) =>
          name === "RotationRuns" && value === 1 && dimensions.outcome === "refused",
      ),
    );
  });
});

describe("key cache lines", () => {
  it("share the schema: level, component, requestId (null: no request caused it), event", async () => {
    const stack = makeStack();
    const events: Record<string, unknown>[] = [];
    const provider = createActiveKeyProvider(stack.keySource, {
      source: stack.cloud.keySource,
      now: stack.clock.now,
      report: (event) => events.push(keyCacheLine(event)),
    });
    await provider.getSigner();
    stack.clock.advance(400);
    stack.cloud.faults.inject({ operation: "GetParameters", kind: "unavailable", keySource: true });
    await provider.getSigner();
    assert.deepEqual(
      events.map((line) => [line.level, line.component, line.requestId, line.event]),
      [
        ["info", "key-cache", null, "key-loaded"],
        ["warn", "key-cache", null, "key-refresh-failed"],
      ],
    );
    for (const line of events) assert.ok(isLogLine(line));
  });
});
