/**
 * The rig of the browser tests on the local stack's /players.html: a local
 * stack with the given options and Chromium, started in the enclosing
 * describe's `before` and closed in its `after`, with the stack's log (printed
 * when a test fails) and every request the edge saw.
 */
import { checkOptions, defaultOptions, type LocalStackOptions } from "../../local/options";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { requireTool } from "../support/tools";
import { launchChromium, type LaunchedBrowser } from "./chromium";

export interface PlayersPageRig {
  /** Set in `before`. */
  stack: LocalStack;
  /** Set in `before`. */
  browser: LaunchedBrowser;
  readonly log: string[];
  /** Requests the edge saw; a test empties it before it starts. */
  readonly edge: { path: string; rejected?: string; signedBy?: string }[];
}

export function playersPageRig(options: Partial<LocalStackOptions>): PlayersPageRig {
  const rig = { log: [], edge: [] } as unknown as PlayersPageRig;
  before(async function () {
    const chromiumPath = requireTool(this, "chromium");
    rig.stack = await startLocalStack(checkOptions({ ...defaultOptions(), ...options }), {
      log: (line) => rig.log.push(line),
      onEdgeRequest: (entry) => rig.edge.push(entry),
    });
    rig.browser = await launchChromium(chromiumPath);
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
