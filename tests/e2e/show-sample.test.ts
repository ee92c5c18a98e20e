/**
 * Issue 14 item 8: the committed sample's packager layout (local/sample/show/:
 * renditions in sub-folders, alternate audio, subtitles, the key in a shared
 * keys/ folder, an I-frame playlist of byte ranges) plays in Chromium through
 * the local stack from the master at the asset root, with hls.js and Shaka, in
 * URL mode (with the shipped plugin) and cookie mode, with zero 403s; and the
 * I-frame playlist comes through the edge rewritten, its byte ranges as 206.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { attributeValue, scanAttributes } from "../../functions/hls/attributes";
import { openSession, sendToLocal } from "../support/local-stack-client";
import { playersPageRig } from "./players-page";
import { FAST_ROTATION } from "./fast-rotation";

const SHOW = join(__dirname, "../../local/sample/show");
/** Playback after start-up: more than two 4 s URL lifetimes and at least one 8 s rotation. */
const PLAY_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The URI attribute of the first line that starts with `tag`. */
function uriOf(playlist: string, tag: string): string {
  const line = playlist.split("\n").find((candidate) => candidate.startsWith(tag));
  assert.ok(line, `${tag} in\n${playlist}`);
  const uri = attributeValue(line, scanAttributes(line, tag.length), "URI");
  assert.ok(uri, `URI of ${line}`);
  return uri;
}

/** `length@offset` of every EXT-X-BYTERANGE, in order. */
function byteRanges(playlist: string): string[] {
  return [...playlist.matchAll(/^#EXT-X-BYTERANGE:(\d+@\d+)$/gm)].map((match) => match[1]);
}

describe("the packager-layout sample (show/) end to end: hls.js and Shaka in Chromium", function () {
  this.timeout(120_000);
  const rig = playersPageRig(FAST_ROTATION);
  const { log, edge } = rig;

  for (const player of ["hlsjs", "shaka"] as const) {
    for (const mode of ["url", "cookies"] as const) {
      it(`${player} plays show/ from its master with signed ${mode}, zero 403s`, async () => {
        await rig.browser.context.clearCookies();
        const page = await rig.browser.context.newPage();
        page.on("pageerror", (error) => log.push(`page error: ${error.message}`));
        // Each run fetches every file through the edge: a key cached by the run before would not be.
        await (await rig.browser.context.newCDPSession(page)).send("Network.clearBrowserCache");
        try {
          edge.length = 0;
          const failedBefore = rig.stack.edge.stats.failed;
          await page.goto(`${rig.stack.urls.page}players.html?player=${player}&mode=${mode}&asset=show`);
          await page.waitForFunction(
            () => (document.querySelector("video")?.currentTime ?? 0) > 1,
            undefined,
            { timeout: 30_000 },
          );
          const begin = await page.evaluate(() => document.querySelector("video")?.currentTime ?? 0);
          await sleep(PLAY_MS);
          const end = await page.evaluate(() => ({
            currentTime: document.querySelector("video")?.currentTime ?? 0,
            errors: (window as unknown as { __players: { errors: string[] } }).__players.errors,
          }));
          const rejected = edge.filter((entry) => entry.rejected);
          console.log(
            `      ${player}/${mode}: ${(end.currentTime - begin).toFixed(1)} s of show/ in ${PLAY_MS / 1000} s, ` +
              `${edge.length} edge requests, ${rejected.length} 403s`,
          );
          rig.assertEdgeClean(failedBefore);
          assert.deepEqual(end.errors, [], "player errors");
          assert.ok(
            end.currentTime > begin + PLAY_MS / 1000 - 4,
            `currentTime ${begin} -> ${end.currentTime}`,
          );
          const paths = new Set(edge.map((entry) => entry.path));
          for (const path of ["/show/master._m3u8", "/show/audio/en/index._m3u8", "/show/keys/enc.key"])
            assert.ok(paths.has(path), `${path} through the edge`);
          assert.ok(
            [...paths].some((path) => /^\/show\/video\/(144|240)p\/seg_\d{3}\.ts$/.test(path)),
            "video segments from a rendition sub-folder",
          );
          assert.ok(
            [...paths].some((path) => /^\/show\/audio\/en\/seg_\d{3}\.ts$/.test(path)),
            "alternate audio segments",
          );
          const viewer = edge.filter((entry) => !entry.rejected && !entry.path.endsWith(".m3u8"));
          assert.deepEqual(
            [...new Set(viewer.map((entry) => entry.signedBy))],
            [mode === "url" ? "url" : "cookie"],
          );
        } finally {
          await page.close();
        }
      });
    }
  }

  for (const mode of ["url", "cookies"] as const) {
    it(`rewrites the I-frame playlist and answers its byte ranges with 206 (signed ${mode})`, async () => {
      const session = await openSession(rig.stack, mode, "show");
      const credentials: Record<string, string> = mode === "cookies" ? { cookie: session.cookie } : {};
      const masterUrl = session.body.masterUrl;
      const master = await sendToLocal(masterUrl, credentials);
      assert.equal(master.status, 200, master.reason);
      const iframeUri = uriOf(master.text, "#EXT-X-I-FRAME-STREAM-INF:");
      if (mode === "url") assert.match(iframeUri, /^video\/iframes\/index\._m3u8\?.*Signature=/);
      else assert.equal(iframeUri, "video/iframes/index._m3u8", "cookie mode: renamed only");

      const iframesUrl = new URL(iframeUri, masterUrl).href;
      const iframes = await sendToLocal(iframesUrl, credentials);
      assert.equal(iframes.status, 200, iframes.reason);
      const raw = readFileSync(join(SHOW, "video", "iframes", "index.m3u8"), "utf8");
      assert.match(iframes.text, /^#EXT-X-I-FRAMES-ONLY$/m);
      assert.deepEqual(byteRanges(iframes.text), byteRanges(raw), "the edge keeps every byte range");
      assert.ok(byteRanges(raw).length > 0);
      const segmentUris = iframes.text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
      const mapUri = uriOf(iframes.text, "#EXT-X-MAP:");
      for (const uri of [...new Set(segmentUris), mapUri]) {
        if (mode === "url") assert.match(uri, /^iframes\.ts\?.*Signature=/, "signed by the edge");
        else assert.equal(uri, "iframes.ts");
      }

      const file = readFileSync(join(SHOW, "video", "iframes", "iframes.ts"));
      const mapRange = /BYTERANGE="(\d+@\d+)"/.exec(iframes.text)?.[1];
      assert.ok(mapRange);
      const ranges = [mapRange, ...byteRanges(iframes.text)];
      for (const [index, range] of ranges.entries()) {
        const [length, offset] = range.split("@").map(Number);
        const uri = index === 0 ? mapUri : segmentUris[index - 1];
        const last = offset + length - 1;
        const reply = await sendToLocal(new URL(uri, iframesUrl).href, {
          ...credentials,
          range: `bytes=${offset}-${last}`,
        });
        assert.equal(reply.status, 206, `${range}: ${reply.reason}`);
        assert.equal(reply.headers["content-range"], `bytes ${offset}-${last}/${file.length}`);
        assert.deepEqual(reply.body, file.subarray(offset, last + 1), `${range}: the bytes of the file`);
      }
    });
  }
});
