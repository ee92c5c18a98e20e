/**
 * The rig of the browser tests on the local stack's /players.html: a local
 * stack with the given options and Chromium, started in the enclosing
 * describe's `before` and closed in its `after`, with the stack's log (printed
 * when a test fails) and every request the edge saw.
 */
import assert from "node:assert/strict";
import { checkOptions, defaultOptions, type LocalStackOptions } from "../../local/options";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { launchChromium, type LaunchedBrowser } from "./chromium";

export interface PlayersPageRig {
  /** Set in `before`. */
  stack: LocalStack;
  /** Set in `before`. */
  browser: LaunchedBrowser;
  readonly log: string[];
  /** Requests the edge saw; a test empties it before it starts. */
  readonly edge: { path: string; rejected?: string; signedBy?: string }[];
  /** Asserts the edge refused nothing since `edge` was emptied and failed nothing since `failedBefore`. */
  assertEdgeClean(failedBefore: number): void;
}

export function playersPageRig(options: Partial<LocalStackOptions>): PlayersPageRig {
  const rig = {
    log: [],
    edge: [],
    assertEdgeClean(failedBefore: number) {
      assert.deepEqual(
        rig.edge.filter((entry) => entry.rejected).map((entry) => `${entry.path} ${entry.rejected}`),
        [],
        "403s at the edge",
      );
      assert.equal(rig.stack.edge.stats.failed - failedBefore, 0, "5xx or cut-off edge responses");
    },
  } as unknown as PlayersPageRig;
  before(async () => {
    rig.stack = await startLocalStack(checkOptions({ ...defaultOptions(), ...options }), {
      log: (line) => rig.log.push(line),
      onEdgeRequest: (entry) => rig.edge.push(entry),
    });
    rig.browser = await launchChromium();
  });
  after(async () => {
    await rig.browser?.close();
    await rig.stack?.close();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(rig.log.slice(-30).join("\n"));
  });
  return rig;
}
