/** The pure core: decide() and the safety window, on hand-built observations (no model, no AWS). */
import assert from "node:assert/strict";
import {
  decide,
  emptyState,
  reconcile,
  resolveRotationConfig,
  type Observation,
  type RotationState,
} from "../../../functions/rotation";
import { safeToUntrustAt } from "../../../functions/rotation/safety";
import { NOW } from "../../support/constants";

const config = resolveRotationConfig({
  parameterPrefix: "/cloudfront-signer/unit",
  distributionId: "E2QWRUHEXAMPLE",
  slots: [
    { keyGroupId: "KGA", secretArn: "arn:a" },
    { keyGroupId: "KGB", secretArn: "arn:b" },
  ],
  maxUrlLifetimeSeconds: 3600,
  rotationIntervalDays: 1,
  signerMaxStaleSeconds: 900,
  clockSkewSeconds: 60,
  minPropagationSeconds: 120,
});

function observation(overrides: Partial<Observation> = {}): Observation {
  return {
    now: NOW,
    activeKeyIdParam: { value: "KACTIVE0000001", version: 3, lastModified: NOW - 86400 * 2 },
    activeSecretArnParam: { value: "arn:a", version: 3, lastModified: NOW - 86400 * 2 },
    activeSecretKeyId: "KACTIVE0000001",
    groups: [
      { id: "KGA", name: "a", items: ["KACTIVE0000001"], etag: "E1" },
      { id: "KGB", name: "b", items: ["KOLD000000001"], etag: "E2" },
    ],
    distribution: {
      id: "E2QWRUHEXAMPLE",
      status: "Deployed",
      behaviors: [
        { pathPattern: "*", trustedKeyGroupIds: ["KGA", "KGB"] },
        { pathPattern: "*.ts", trustedKeyGroupIds: ["KGA", "KGB"] },
      ],
    },
    ...overrides,
  };
}

describe("rotation state machine (pure)", () => {
  const state: RotationState = reconcile(emptyState(), observation());

  it("learns the active key and its age from the parameters on the first run", () => {
    assert.equal(state.activeKeyId, "KACTIVE0000001");
    assert.equal(state.activeSince, NOW - 86400 * 2);
  });

  it("starts when due, idles before, and refuses to force past the safety window", () => {
    assert.equal(decide(state, observation(), config).kind, "act");
    const fresh = { ...state, activeSince: NOW - 100 };
    assert.equal(decide(fresh, observation(), config).kind, "idle");
    // The inactive key was active until 10 minutes ago.
    const recent = { ...fresh, demoted: [{ keyId: "KOLD000000001", at: NOW - 600 }] };
    const forced = decide(recent, observation(), config, { force: true });
    assert.equal(forced.kind, "refuse");
    assert.equal(forced.kind === "refuse" && forced.safeAfter, NOW - 600 + 900 + 3600 + 60);
    // Due on schedule but inside the window: wait, do not fail.
    const due = { ...recent, activeSince: NOW - 86400 * 2 };
    assert.equal(decide(due, observation(), config).kind, "wait");
  });

  it("bounds the last use of a key it has no history for by the parameters' last change", () => {
    assert.equal(
      safeToUntrustAt("KOLD000000001", emptyState(), observation(), config),
      NOW - 86400 * 2 + 4560,
    );
    const neverChanged = observation({
      activeKeyIdParam: { value: "KACTIVE0000001", version: 1, lastModified: NOW },
      activeSecretArnParam: { value: "arn:a", version: 1, lastModified: NOW },
    });
    assert.equal(
      safeToUntrustAt("KOLD000000001", emptyState(), neverChanged, config),
      Number.NEGATIVE_INFINITY,
    );
    assert.equal(
      safeToUntrustAt("KACTIVE0000001", emptyState(), observation(), config),
      Number.POSITIVE_INFINITY,
    );
  });

  it("waits for Deployed and the minimum propagation time before promoting", () => {
    const staged: RotationState = {
      ...state,
      current: {
        id: "r1-1",
        startedAt: NOW - 200,
        forced: false,
        step: "await-deployment",
        attempt: 1,
        targetSlot: 1,
        fromKeyId: "KACTIVE0000001",
        newKeyId: "KNEW000000001",
        replaced: [],
        stagedAt: NOW - 100,
      },
    };
    const withNew = observation({
      groups: [observation().groups[0], { id: "KGB", name: "b", items: ["KNEW000000001"], etag: "E3" }],
    });
    assert.equal(
      decide(staged, { ...withNew, distribution: { ...withNew.distribution, status: "InProgress" } }, config)
        .kind,
      "wait",
    );
    const early = decide(staged, withNew, config);
    assert.equal(early.kind, "wait");
    assert.equal(early.kind === "wait" && early.until, NOW + 20);
    assert.equal(decide(staged, { ...withNew, now: NOW + 20 }, config).kind, "act");
    // Someone removed the staged key: stage again rather than promote an untrusted key.
    const again = decide(staged, { ...observation(), now: NOW + 20 }, config);
    assert.equal(again.kind === "act" && again.step, "stage-key");
  });

  it("refuses to act when a behavior does not trust both groups or the active secret is neither slot's", () => {
    const partial = observation();
    const broken = {
      ...partial,
      distribution: {
        ...partial.distribution,
        behaviors: [{ pathPattern: "*", trustedKeyGroupIds: ["KGA"] }],
      },
    };
    const decision = decide(state, broken, config);
    assert.equal(decision.kind, "refuse");
    assert.match(
      decision.kind === "refuse" ? decision.reason : "",
      /behavior \* does not trust key group KGB/,
    );
    const foreign = observation({
      activeSecretArnParam: { value: "arn:other", version: 2, lastModified: NOW },
    });
    assert.match((decide(state, foreign, config) as { reason: string }).reason, /neither slot's secret/);
  });

  it("records a key switched by hand as demoted at the parameters' change", () => {
    const switched = observation({
      activeKeyIdParam: { value: "KOLD000000001", version: 4, lastModified: NOW - 50 },
      activeSecretArnParam: { value: "arn:b", version: 4, lastModified: NOW - 50 },
      activeSecretKeyId: "KOLD000000001",
    });
    const next = reconcile(state, switched);
    assert.equal(next.activeKeyId, "KOLD000000001");
    assert.deepEqual(next.demoted[0], { keyId: "KACTIVE0000001", at: NOW - 50 });
  });
});
