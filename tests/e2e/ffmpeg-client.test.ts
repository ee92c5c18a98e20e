/**
 * ffmpeg as a second, independent HLS client: it pulls every segment of every
 * rendition of the protected stream through the local edge with the signed
 * master URL (and, separately, with the signed cookies), decoding all of it.
 * The origin serves the VOD as it is: ffmpeg cannot renew a session, and on
 * a looped live stream its -t would never end (timestamps restart each loop).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { checkOptions, defaultOptions } from "../../local/options";
import { startLocalStack, type LocalStack } from "../../local/stack";
import type { EdgeRequestEntry } from "../../local/edge";
import { sendToLocal } from "../support/local-stack-client";
import { requireFfmpeg, type Ffmpeg } from "../support/tools";

interface Run {
  code: number | null;
  stderr: string;
}

/** Runs ffmpeg with a hard time limit; resolves with its exit code and stderr. */
function runFfmpeg(ffmpeg: string, args: string[], limitMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** The URL with 127.0.0.1 for localhost. */
function withLoopbackAddress(url: URL): string {
  const loopback = new URL(url);
  if (loopback.hostname === "localhost") loopback.hostname = "127.0.0.1";
  return loopback.toString();
}

/** GET through the edge keeping the URL's localhost Host; the body, or a rejection unless 200. */
async function getThroughEdge(url: string, cookie: string): Promise<string> {
  const reply = await sendToLocal(url, cookie ? { cookie } : {});
  if (reply.status !== 200) throw new Error(`${reply.status} for ${new URL(url).pathname}: ${reply.reason}`);
  return reply.text;
}

async function openSession(stack: LocalStack, mode: "url" | "cookies", asset: string) {
  const response = await fetch(new URL("/api/session", stack.urls.page.replace("localhost", "127.0.0.1")), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode, asset }),
  });
  assert.equal(response.status, 200);
  return {
    masterUrl: ((await response.json()) as { masterUrl: string }).masterUrl,
    setCookie: response.headers.getSetCookie(),
  };
}

describe("local stack end to end: ffmpeg pulls every rendition through the edge", function () {
  this.timeout(120_000);
  let ffmpeg: Ffmpeg;
  let stack: LocalStack;
  const seen: EdgeRequestEntry[] = [];

  before(async function () {
    ffmpeg = requireFfmpeg(this, "the second HLS client");
    const options = checkOptions({ ...defaultOptions(), port: 0, stateDir: undefined, live: false });
    stack = await startLocalStack(options, {
      log: () => undefined,
      onEdgeRequest: (entry) => seen.push(entry),
    });
  });
  after(() => stack?.close());

  /** ffmpeg decodes every stream of the session's master through the edge, without an error or a refusal. */
  async function decodeThroughEdge(
    mode: "url" | "cookies",
    session: Awaited<ReturnType<typeof openSession>>,
  ): Promise<void> {
    // Cookie mode: hand ffmpeg the cookies the app set. No domain attribute: ffmpeg matches
    // it against "host:port" and would drop them; host-only is what the browser keeps anyway.
    const cookies = session.setCookie.map((cookie) => `${cookie.split(";")[0]}; path=/;`).join("\n");
    // Connect to 127.0.0.1 but send the signed URL's Host (the signature covers it): the static
    // ffmpeg in @ffmpeg-installer dies of SIGSEGV resolving "localhost" (static glibc and NSS).
    const master = new URL(session.masterUrl);
    const args = [
      ...["-hide_banner", "-loglevel", "warning", "-headers", `Host: ${master.host}\r\n`],
      ...(mode === "cookies" ? ["-cookies", cookies] : []),
      // The 2018 build's hls demuxer, opening the next segment while it reads this one
      // (http_multiple, on by default over HTTP/1.1), misreads a byte-range package: by
      // default it re-reads from offset 0 ("duplicated MOOV Atom"), and even with every
      // Range request right (-http_persistent 0) the mov demuxer reports "partial file",
      // though the edge returns each range's exact bytes. One segment at a time it decodes
      // cleanly; ffmpeg 5.1 needs no flag.
      ...(ffmpeg.packaged ? ["-http_multiple", "0"] : []),
      ...["-allowed_extensions", "ALL", "-i", withLoopbackAddress(master), "-map", "0", "-f", "null", "-"],
    ];
    const run = await runFfmpeg(ffmpeg.path, args, 60_000);
    assert.equal(run.code, 0, `ffmpeg failed:\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, /403|416|Forbidden|Error|error while decoding|Invalid data/i, run.stderr);
    assert.deepEqual(
      seen.filter((entry) => entry.rejected),
      [],
      "the edge refused ffmpeg's requests",
    );
  }

  for (const [mode, asset] of [
    ["url", "ts"],
    ["cookies", "fmp4"],
  ] as const) {
    it(`decodes all three renditions of ${asset} with signed ${mode}`, async () => {
      seen.length = 0;
      const session = await openSession(stack, mode, asset);
      await decodeThroughEdge(mode, session);
      const paths = new Set(seen.map((entry) => entry.path));
      for (const variant of [0, 1, 2]) {
        assert.ok(
          paths.has(`/${asset}/stream_${variant}._m3u8`),
          `rendition ${variant} playlist through the manifest handler`,
        );
        const extension = asset === "ts" ? "ts" : "m4s";
        for (const segment of [0, 1, 2]) {
          const path = `/${asset}/stream_${variant}_00${segment}.${extension}`;
          assert.ok(paths.has(path), `rendition ${variant}: ${path} through the edge`);
        }
        if (asset === "fmp4")
          assert.ok(paths.has(`/fmp4/init_${variant}.mp4`), `rendition ${variant}: init section`);
      }
      assert.ok(paths.has(`/${asset}/enc.key`), "the AES-128 key came through the edge");
      const master = seen.find((entry) => entry.path === `/${asset}/master._m3u8`);
      assert.equal(master?.signedBy, mode === "url" ? "url" : "cookie", "how the master was authorised");
    });
  }

  for (const mode of ["url", "cookies"] as const) {
    it(`decodes the packager-layout title (sub-folders, alternate audio, subtitles, keys/) with signed ${mode}`, async () => {
      seen.length = 0;
      const session = await openSession(stack, mode, "show");
      await decodeThroughEdge(mode, session);
      const paths = new Set(seen.map((entry) => entry.path));
      for (const rendition of ["video/144p", "video/240p", "audio/en"])
        assert.ok(
          paths.has(`/show/${rendition}/index._m3u8`),
          `${rendition} playlist through the manifest handler`,
        );
      for (const segment of ["video/144p/seg_002.ts", "video/240p/seg_002.ts", "audio/en/seg_003.ts"])
        assert.ok(paths.has(`/show/${segment}`), `${segment} through the edge`);
      assert.ok(paths.has("/show/keys/enc.key"), "the key in the shared keys/ folder came through the edge");

      // ffmpeg 5.1 skips subtitle renditions: follow the rewritten master to a WebVTT cue as a player would.
      const cookieHeader = session.setCookie.map((cookie) => cookie.split(";")[0]).join("; ");
      const master = await getThroughEdge(session.masterUrl, cookieHeader);
      const subsUri = /TYPE=SUBTITLES,.*URI="([^"]+)"/.exec(master)?.[1] ?? "";
      assert.ok(subsUri.startsWith("subs/en/index._m3u8"), `the master names the subtitles: ${subsUri}`);
      const subsUrl = new URL(subsUri, session.masterUrl);
      const subs = await getThroughEdge(subsUrl.toString(), cookieHeader);
      const cueUri = subs.split("\n").find((line) => line.startsWith("seg_000.vtt"));
      assert.ok(cueUri, subs);
      const cue = await getThroughEdge(new URL(cueUri, subsUrl).toString(), cookieHeader);
      assert.match(
        cue,
        /^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:00:00:00\.000\n\n00:00:00\.000 --> 00:00:02\.000/,
      );
    });
  }

  it("decodes the single-file byte-range package (EXT-X-BYTERANGE, EXT-X-MAP BYTERANGE) through the edge", async () => {
    seen.length = 0;
    const session = await openSession(stack, "url", "byterange");
    await decodeThroughEdge("url", session);
    // The init section and each of the three segments is its own Range request on the one file.
    const fileRequests = seen.filter((entry) => entry.path === "/byterange/stream_0.mp4").length;
    assert.ok(fileRequests >= 4, `${fileRequests} requests for ranges of stream_0.mp4`);
  });
});
