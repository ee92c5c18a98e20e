/**
 * Issue 11 item 9: the rewriter's time per MiB of input on the worst playlists
 * we could craft against it, next to a normal VOD media playlist's, in one run
 * (each row timed alternately with the VOD playlist, ratios from the same
 * rounds). That the work is linear in the input is counted, not timed, in
 * tests/functions/hls/linearity.test.ts.
 *
 * A playlist made only of URIs grows ~200x (every URI gets the signed query):
 * its time is the time to build the output, which the edge stops at the
 * output cap (limits.ts largestPlaylistForResponse, passed here as for a
 * gzipped origin-request response, the largest cap there is). Such a row costs
 * at most what building 64 MiB of output costs, i.e. what a ~3.6 MiB VOD
 * playlist costs: within 2x at the 2 MiB measured here, and less per MiB on
 * larger inputs.
 */
import { performance } from "node:perf_hooks";
import { generateKeyPair, Signer } from "../functions/cloudfront";
import type { CloudFrontResultResponse } from "../functions/handlers/manifest-edge/cloudfront-events";
import { PlaylistError, playlistPolicy, rewritePlaylist } from "../functions/hls";
import { EDGE_GENERATED_RESPONSE_LIMIT_BYTES, largestPlaylistForResponse } from "../contract/limits";
import { handlerServing, signedViewerEvent } from "../tests/support/manifest-edge";
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
const signer = new Signer({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pair.privateKeyPem });
const signedQuery = signer.signedQueryFor(policy);

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
  readonly stopped: boolean;
}

function runOnce(text: string): Run {
  const start = performance.now();
  try {
    rewritePlaylist(text, {
      playlistUrl: PLAYLIST_URL,
      policy,
      signedQuery,
      maxOutputBytes: MAX_OUTPUT,
    });
    return { ms: performance.now() - start, stopped: false };
  } catch (error) {
    if (!(error instanceof PlaylistError) || error.code !== "output-too-large") throw error;
    return { ms: performance.now() - start, stopped: true };
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
const RUNS = 3;

console.log(
  `signed query suffix: ${signedQuery.length} characters; output cap ${(MAX_OUTPUT / MIB).toFixed(0)} MiB; ` +
    "rows timed alternately with the VOD playlist",
);
console.log(`${"input (2 MiB)".padEnd(38)} ${"ms per MiB".padStart(10)} ${"x VOD".padStart(6)}`);
const vod = shapes[0].make(SIZE);
const vodRun = measure(vod, 1);
const perMiB = (run: Run, text: string) => run.ms / (Buffer.byteLength(text) / MIB);
console.log(
  `${shapes[0].name.padEnd(38)} ${perMiB(vodRun, vod).toFixed(1).padStart(10)} ${"1.00".padStart(6)}`,
);
let worst = 0;
for (const shape of shapes.slice(1)) {
  const text = shape.make(SIZE);
  const vodSamples: Run[] = [];
  const samples: Run[] = [];
  for (let round = 0; round < RUNS; round++) {
    vodSamples.push(measure(vod, 1));
    samples.push(measure(text, 1));
  }
  const median = (runs: Run[]) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
  const reference = perMiB(median(vodSamples), vod);
  const run = median(samples);
  const cost = perMiB(run, text);
  worst = Math.max(worst, cost / reference);
  console.log(
    `${shape.name.padEnd(38)} ${cost.toFixed(1).padStart(10)} ${(cost / reference).toFixed(2).padStart(6)}` +
      `${run.stopped ? "  (stopped at the output cap)" : ""}`,
  );
}
console.log(
  `worst crafted input: ${worst.toFixed(2)}x the VOD playlist's time per MiB (target: within 2x: ${worst <= 2 ? "met" : "NOT met"})`,
);

/** One request through the manifest edge handler (gzip accepted, HTTPS origin in memory): ms and status. */
async function throughEdge(trigger: "viewer-request" | "origin-request", body: string): Promise<string> {
  const handler = handlerServing(trigger, body, {
    signer,
    publicKeyPem: pair.publicKeyPem,
    now: NOW,
    host: HOST,
  });
  const event = signedViewerEvent(trigger, PLAYLIST_URL, { signer, now: NOW, gzip: true });
  const start = performance.now();
  const response = (await handler(event)) as CloudFrontResultResponse;
  return `${(performance.now() - start).toFixed(0)} ms (${response.status})`;
}

void (async () => {
  // The issue's figures were 9.9 s for a 1.5 MiB crafted playlist and 37 s at the 8 MiB cap.
  console.log("\nthrough the edge handler, gzip accepted (one request each; 502 = response-too-large):");
  const edgeInputs: [string, number, (bytes: number) => string][] = [
    ["normal VOD media playlist", 1.5, shapes[0].make],
    ["#EXT-X-A lines, no colon", 1.5, shapes[1].make],
    ["comma run in one EXT-X-KEY", 1.5, shapes[3].make],
    ["only URIs (one per 2 bytes)", 1.5, repeated("a\n")],
    ["#EXT-X-A lines, no colon", 8, (bytes) => shapes[1].make(bytes - 64)],
    ["only URIs (one per 2 bytes)", 8, (bytes) => repeated("a\n")(bytes - 64)],
  ];
  for (const [name, mib, make] of edgeInputs) {
    const body = make(mib * MIB);
    console.log(
      `  ${`${name}, ${mib} MiB`.padEnd(40)} viewer-request ${await throughEdge("viewer-request", body)}, ` +
        `origin-request ${await throughEdge("origin-request", body)}`,
    );
  }
})();
