/**
 * The whole local stack with a real player: Debian's Chromium runs the page,
 * hls.js plays the protected stream through the edge in signed-URL and
 * signed-cookie mode while keys rotate every few seconds, and not a single
 * request may be refused. Then the edge must refuse unsigned, expired,
 * tampered and wrong-host requests.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { EDGE_TRIGGERS } from "../../contract/limits";
import { defaultOptions, checkOptions } from "../../local/options";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { openSession, sendToLocal } from "../support/local-stack-client";
import { launchChromium, type LaunchedBrowser } from "./chromium";
import { FAST_ROTATION } from "./fast-rotation";

const ARTIFACTS = join(__dirname, "../../test-artifacts");

interface PlayerState {
  rejected: number;
  requests: number;
  renewals: number;
  byKey: Record<string, number>;
  errors: string[];
  codecsSupported: boolean;
  currentTime: number;
  paused: boolean;
}

function playerState(page: Page): Promise<PlayerState> {
  return page.evaluate(() => {
    const player = (window as unknown as { __player: PlayerState }).__player;
    const video = document.getElementById("video") as HTMLVideoElement;
    return {
      ...player,
      hls: undefined,
      renewTimer: undefined,
      currentTime: video.currentTime,
      paused: video.paused,
    };
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** GET through 127.0.0.1 with an explicit Host header. */
function get(url: string, host?: string) {
  return sendToLocal(url, host ? { host } : {});
}

/**
 * The demo page renews URL-mode playback with the shipped plugin (players/), not code of its own:
 * it loads the plugin modules, its grant holder is the plugin's FreshSignatures, and media playlist
 * reloads carried a new signature after each renewal (the plugin's playlist loader at work).
 */
async function assertPluginRenewedReloads(page: Page, requested: string[]): Promise<void> {
  const paths = requested.map((url) => new URL(url).pathname);
  for (const module of ["/players/signatures.js", "/players/hlsjs.js"])
    assert.ok(paths.includes(module), `the page loaded the plugin module ${module}`);
  // An expression, not a function: ts-node would compile a function's import() into require().
  const holdsPluginGrant = await page.evaluate(
    `import("/players/signatures.js").then(({ FreshSignatures }) =>
       window.__player.signatures instanceof FreshSignatures && window.__player.signatures.pairs !== null)`,
  );
  assert.equal(holdsPluginGrant, true, "the page renews through the plugin's FreshSignatures");
  const signaturesByPlaylist = new Map<string, Set<string>>();
  for (const url of requested.map((text) => new URL(text))) {
    const signature = url.search.match(/[?&]Signature=([^&]*)/)?.[1];
    if (!url.pathname.endsWith("._m3u8") || url.pathname.endsWith("/master._m3u8") || !signature) continue;
    signaturesByPlaylist.set(
      url.pathname,
      (signaturesByPlaylist.get(url.pathname) ?? new Set()).add(signature),
    );
  }
  const mostRenewed = Math.max(0, ...[...signaturesByPlaylist.values()].map((set) => set.size));
  assert.ok(
    mostRenewed >= 3,
    `a media playlist was reloaded with ${mostRenewed} distinct signatures: expected its first and two renewed ones`,
  );
}

for (const trigger of EDGE_TRIGGERS)
  describe(`local stack end to end (${trigger}): hls.js in Chromium across key rotations`, function () {
    this.timeout(180_000);
    let stack: LocalStack;
    let browser: LaunchedBrowser;
    const log: string[] = [];
    const cookieSigned: string[] = [];
    const preflights: string[] = [];

    before(async function () {
      stack = await startLocalStack(checkOptions({ ...defaultOptions(), ...FAST_ROTATION, trigger }), {
        log: (line) => log.push(line),
        onEdgeRequest: (entry) => {
          if (entry.signedBy === "cookie") cookieSigned.push(entry.path);
          if (entry.method === "OPTIONS") preflights.push(entry.path);
        },
      });
      browser = await launchChromium();
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    after(async () => {
      await browser?.close();
      await stack?.close();
    });
    afterEach(function () {
      if (this.currentTest?.state === "failed") console.log(log.slice(-40).join("\n"));
    });

    for (const [mode, asset] of [
      ["url", "ts"],
      ["cookies", "fmp4"],
    ] as const) {
      it(`plays ${asset} with signed ${mode} through two rotations with zero 403s`, async () => {
        const page = await browser.context.newPage();
        const requested: string[] = [];
        page.on("request", (request) => requested.push(request.url()));
        try {
          const edgeRejectedBefore = stack.edge.stats.rejected;
          const edgeFailedBefore = stack.edge.stats.failed;
          cookieSigned.length = 0;
          preflights.length = 0;
          // The page is always on another origin than the edge (another port). In URL mode it is opened
          // as http://127.0.0.1:<port>, the origin a browser then sends; cookie mode needs localhost,
          // where the app's cookies are also the edge's.
          const pageUrl =
            mode === "url" ? stack.urls.page.replace("//localhost:", "//127.0.0.1:") : stack.urls.page;
          await page.goto(`${pageUrl}?mode=${mode}&asset=${asset}&autoplay=1`);
          const codecs = await page.evaluate(
            () => (window as unknown as { __player: PlayerState }).__player.codecsSupported,
          );
          assert.equal(codecs, true, "this Chromium cannot play H.264/AAC through Media Source Extensions");

          // Playing: currentTime moves.
          await page.waitForFunction(
            () => (document.getElementById("video") as HTMLVideoElement).currentTime > 1,
            undefined,
            { timeout: 30_000 },
          );
          const rotationsAtStart = stack.rotation.history().length;
          const started = await playerState(page);

          // Keep playing until two more rotations have happened (bounded by the test timeout).
          const deadline = Date.now() + 60_000;
          while (stack.rotation.history().length < rotationsAtStart + 2) {
            assert.ok(
              Date.now() < deadline,
              `fewer than two rotations in 60 s: ${JSON.stringify(stack.rotation.history())}`,
            );
            await sleep(500);
          }
          // One more URL lifetime, so requests signed after the second rotation happen too.
          await sleep(5_000);
          const ended = await playerState(page);
          await page.screenshot({ path: join(ARTIFACTS, `local-player-${mode}.png`) });

          assert.equal(ended.rejected, 0, `the player saw 403s: ${JSON.stringify(ended.errors)}`);
          assert.equal(
            stack.edge.stats.rejected - edgeRejectedBefore,
            0,
            JSON.stringify(stack.edge.stats.rejections),
          );
          assert.ok(
            ended.currentTime > started.currentTime + 8,
            `currentTime ${started.currentTime} -> ${ended.currentTime}`,
          );
          assert.equal(ended.paused, false);
          assert.ok(ended.renewals >= 2, `the page renewed its session ${ended.renewals} times`);
          const keys = Object.keys(ended.byKey);
          assert.ok(
            keys.length >= 2,
            `requests were signed by ${keys.join(", ")}: expected the keys of at least two rotations`,
          );
          if (mode === "cookies") {
            // Secure cookies set by http://localhost reach http://localhost:<edge port>: localhost is a secure context.
            assert.ok(
              cookieSigned.includes(`/${asset}/master._m3u8`),
              "the edge accepted the master by its signed cookies",
            );
          } else {
            assert.deepEqual(cookieSigned, [], "URL mode sends no cookies");
            await assertPluginRenewedReloads(page, requested);
          }
          assert.deepEqual(
            preflights,
            [],
            "hls.js sends simple requests: no preflight ever reaches the edge",
          );
          assert.equal(
            stack.edge.stats.failed - edgeFailedBefore,
            0,
            `the edge answered 5xx or cut responses off:\n${log.filter((line) => /edge/.test(line)).join("\n")}`,
          );
          const loadErrors = ended.errors.filter((error) =>
            /fatal|keyLoad|manifestLoad|levelLoad|fragLoad/.test(error),
          );
          // A non-fatal load that failed below HTTP (status 0: the browser's connection
          // dropped, no response at all) is retried by hls.js; the edge's own failures are
          // counted just above, so only fatal errors and HTTP error statuses fail here.
          const connectionDrops = loadErrors.filter(
            (error) => !/fatal/.test(error) && / HTTP 0\b/.test(error),
          );
          if (connectionDrops.length > 0)
            console.log(
              `      note: hls.js retried after dropped connections: ${connectionDrops.join("; ")}`,
            );
          assert.deepEqual(
            loadErrors.filter((error) => !connectionDrops.includes(error)),
            [],
            "hls.js load errors",
          );
        } finally {
          await page.close();
        }
      });
    }

    it("refuses unsigned, expired, tampered and wrong-host requests with 403 and the reason", async () => {
      const { body } = await openSession(stack, "url", "ts");
      const signedUrl = body.masterUrl;
      const plain = signedUrl.slice(0, signedUrl.indexOf("?"));
      const host = new URL(signedUrl).host;

      assert.equal((await get(signedUrl)).status, 200, "the signed URL itself works");
      const unsigned = await get(plain);
      assert.equal(unsigned.status, 403);
      assert.match(unsigned.reason, /^missing-signature:/);
      const tampered = await get(signedUrl.replace("/ts/master._m3u8", "/fmp4/master._m3u8"));
      assert.equal(tampered.status, 403);
      assert.match(tampered.reason, /^(bad-signature|resource-mismatch):/);
      const wrongHost = await get(signedUrl, host.replace("localhost", "127.0.0.1"));
      assert.equal(wrongHost.status, 403);
      assert.match(wrongHost.reason, /^(bad-signature|resource-mismatch):/);

      // Expired: wait out the (short) lifetime of this very URL.
      await sleep(Math.max(0, body.expires * 1000 - Date.now()) + 1100);
      const expired = await get(signedUrl);
      assert.equal(expired.status, 403);
      assert.match(expired.reason, /^expired:/, "the key itself is still trusted: only the URL has expired");
    });
  });
