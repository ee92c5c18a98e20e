/**
 * Issue 11 item 9: the rewriter's time per MiB on the worst playlists we could
 * craft against it, next to a normal VOD media playlist, in one run, each at
 * 2 MiB. (That the work is linear in the input is counted, not timed, in
 * tests/hls/linearity.test.ts.)
 *
 * Two columns per row: ms per MiB of input, and ms per MiB of input + output.
 * The rewriter reads the input once and writes the output once, so the second
 * is its unit of work: a playlist made only of URIs produces ~200x its size
 * (every URI gets the signed query), and the edge stops it at the output cap
 * (limits.ts largestPlaylistForResponse, passed here as for a gzipped
 * origin-request response, the largest cap there is).
 */
import { performance } from "node:perf_hooks";
import { generateKeyPair, Signer } from "../functions/cloudfront";
import { PlaylistError, playlistPolicy, rewritePlaylist } from "../functions/hls";
import { EDGE_GENERATED_RESPONSE_LIMIT_BYTES, largestPlaylistForResponse } from "../functions/limits";
import { vodMediaPlaylist } from "../tests/support/playlists";

const HOST = "d111111abcdef8.cloudfront.net";
const PLAYLIST_URL = `https://${HOST}/vod/asset1/1080p/index._m3u8`;
const NOW = Math.floor(Date.now() / 1000);
const MIB = 1024 * 1024;
const MAX_OUTPUT = largestPlaylistForResponse(EDGE_GENERATED_RESPONSE_LIMIT_BYTES["origin-request"], true);

const policy = playlistPolicy({
  playlistUrl: PLAYLIST_URL,
  viewer: { resource: PLAYLIST_URL, dateLessThan: NOW + 4 * 3600, ipAddress: "203.0.113.0/24" },
  now: NOW,
  lifetimeSeconds: 4 * 3600,
});
const pair = generateKeyPair("ecdsa-p256");
// A real suffix (its length matters: it is most of the output); signing itself is bench/playlist's.
const signedQuery = new Signer({
  keyPairId: "K2JCJMDEHXQW5F",
  privateKey: pair.privateKeyPem,
}).signedQueryFor(policy);

/** A playlist of about `bytes` made of the header and `unit` repeated. */
const repeated = (unit: string) => (bytes: number) =>
  `#EXTM3U\n${unit.repeat(Math.ceil(bytes / unit.length))}`;
/** One line of about `bytes`: `head`, `unit` repeated, `tail`. */
const oneLine = (head: string, unit: string, tail: string) => (bytes: number) =>
  `#EXTM3U\n${head}${unit.repeat(Math.ceil(bytes / unit.length))}${tail}\n`;

const shapes: { name: string; make: (bytes: number) => string }[] = [
  { name: "normal VOD media playlist", make: (bytes) => vodMediaPlaylist(Math.ceil(bytes / 27)) },
  { name: "#EXT-X-A lines, no colon", make: repeated("#EXT-X-A\n") },
  { name: "#EXT-X-KEY lines, no colon", make: repeated("#EXT-X-KEY\n") },
  { name: "comma run in one EXT-X-KEY", make: oneLine("#EXT-X-KEY:", ",", 'URI="k.key"') },
  { name: "items without = in one EXT-X-MAP", make: oneLine("#EXT-X-MAP:", "A,", 'URI="i.mp4"') },
  { name: "many attributes in one EXT-X-KEY", make: oneLine("#EXT-X-KEY:", "A=1,", 'URI="k.key"') },
  { name: "one long quoted URI value", make: oneLine('#EXT-X-KEY:URI="', "a", '"') },
  { name: "one unterminated quoted value", make: oneLine('#EXT-X-KEY:URI="', "a", "") },
  { name: "one huge URI line", make: oneLine("", "a/", "x.ts") },
  { name: "URI lines with long empty queries", make: repeated(`s.ts?${"&".repeat(8000)}\n`) },
  { name: "{$ runs (no reference)", make: oneLine("", "{$", "") },
  {
    name: "1,024-char variable, 8 refs per URI",
    make: (bytes) =>
      `#EXTM3U\n#EXT-X-DEFINE:NAME="v",VALUE="${"v".repeat(1024)}"\n` +
      "{$v}{$v}{$v}{$v}{$v}{$v}{$v}{$v}.ts\n".repeat(Math.ceil(bytes / 37)),
  },
  {
    name: "many EXT-X-DEFINE lines",
    make: (bytes) =>
      `#EXTM3U\n${Array.from({ length: Math.ceil(bytes / 40) }, (_, i) => `#EXT-X-DEFINE:NAME="v${i}",VALUE="x"`).join("\n")}\n`,
  },
  { name: "blank-padded lines", make: repeated(`${" ".repeat(200)}\n`) },
  { name: "only URIs (one per 2 bytes)", make: repeated("a\n") },
  { name: "only URI attributes, one line", make: oneLine("#EXT-X-KEY:", 'URI="a",', "") },
];

interface Run {
  readonly ms: number;
  readonly outputBytes: number;
  readonly stopped: boolean;
}

function runOnce(text: string): Run {
  const start = performance.now();
  try {
    const output = rewritePlaylist(text, {
      playlistUrl: PLAYLIST_URL,
      policy,
      signedQuery,
      maxOutputBytes: MAX_OUTPUT,
    }).text;
    return { ms: performance.now() - start, outputBytes: output.length, stopped: false };
  } catch (error) {
    if (!(error instanceof PlaylistError) || error.code !== "output-too-large") throw error;
    return { ms: performance.now() - start, outputBytes: MAX_OUTPUT, stopped: true };
  }
}

/** Each sample repeats the rewrite until it lasts SAMPLE_MS, so fast inputs are not timer noise. */
const SAMPLE_MS = 20;

/** Median time of one rewrite over `runs` samples, after a warm-up that sets the repeat count. */
function measure(text: string, runs: number): Run {
  const first = runOnce(text);
  const repeat = Math.max(1, Math.ceil(SAMPLE_MS / Math.max(first.ms, 0.01)));
  const samples: number[] = [];
  for (let sample = 0; sample < runs; sample++) {
    const start = performance.now();
    for (let index = 0; index < repeat; index++) runOnce(text);
    samples.push((performance.now() - start) / repeat);
  }
  samples.sort((a, b) => a - b);
  return { ...first, ms: samples[Math.floor(runs / 2)] };
}

const SIZE = 2 * MIB;
const RUNS = 5;

console.log(
  `signed query suffix: ${signedQuery.length} characters; output cap ${(MAX_OUTPUT / MIB).toFixed(0)} MiB`,
);
console.log(
  `${"input (2 MiB)".padEnd(38)} ${"ms/MiB in".padStart(10)} ${"x VOD".padStart(6)} ${"ms/MiB in+out".padStart(14)} ${"x VOD".padStart(6)}`,
);
let reference: { perIn: number; perWork: number } | undefined;
let worstPerIn = 0;
let worstPerWork = 0;
for (const shape of shapes) {
  const text = shape.make(SIZE);
  const run = measure(text, RUNS);
  const inputMiB = Buffer.byteLength(text) / MIB;
  const perIn = run.ms / inputMiB;
  const perWork = run.ms / (inputMiB + run.outputBytes / MIB);
  reference ??= { perIn, perWork };
  if (shape !== shapes[0]) {
    worstPerIn = Math.max(worstPerIn, perIn / reference.perIn);
    worstPerWork = Math.max(worstPerWork, perWork / reference.perWork);
  }
  console.log(
    `${shape.name.padEnd(38)} ${perIn.toFixed(1).padStart(10)} ${(perIn / reference.perIn).toFixed(2).padStart(6)} ` +
      `${perWork.toFixed(1).padStart(14)} ${(perWork / reference.perWork).toFixed(2).padStart(6)}` +
      `${run.stopped ? "  (stopped at the output cap)" : ""}`,
  );
}
console.log(
  `worst crafted input: ${worstPerIn.toFixed(2)}x the VOD playlist's time per MiB of input, ` +
    `${worstPerWork.toFixed(2)}x per MiB of input + output (target: within 2x)`,
);
