/**
 * Playlist signing: sign-once (one custom policy per playlist, docs/ARCHITECTURE.md "A playlist request")
 * against per-URI signing (a canned signature per URI, as in the original
 * design) on the same playlists, in the same run; and the size of the edge
 * response against the Lambda@Edge generated-response limits.
 */
import { performance } from "node:perf_hooks";
import { generateKeyPair, Signer, type KeyAlgorithm } from "../functions/cloudfront";
import { playlistResponse } from "../functions/handlers/manifest-edge/manifest-response";
import { signPlaylist } from "../functions/handlers/manifest-edge/playlist-signing";
import { EDGE_GENERATED_RESPONSE_LIMIT_BYTES, EDGE_TRIGGERS } from "../contract/limits";
import { masterPlaylist, vodMediaPlaylist } from "../tests/support/playlists";

const HOST = "d111111abcdef8.cloudfront.net";
const NOW = Math.floor(Date.now() / 1000);
const MEDIA_URL = `https://${HOST}/vod/asset1/1080p/index._m3u8`;
const MASTER_URL = `https://${HOST}/vod/asset1/master._m3u8`;
const VIEWER = { dateLessThan: NOW + 4 * 3600 };

function countingSigner(algorithm: KeyAlgorithm): { signer: Signer; signatures: () => number } {
  const pair = generateKeyPair(algorithm);
  const signer = new Signer({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pair.privateKeyPem });
  // Each call of these two makes exactly one signature (sign-once uses the first, per-URI the second).
  let count = 0;
  const signedQueryFor = signer.signedQueryFor.bind(signer);
  signer.signedQueryFor = (statement, hash) => {
    count++;
    return signedQueryFor(statement, hash);
  };
  const signUrl = signer.signUrl.bind(signer);
  signer.signUrl = (url, options) => {
    count++;
    return signUrl(url, options);
  };
  return { signer, signatures: () => count };
}

/** The edge's answer; `cookie`: the viewer came with signed cookies, so no URI is signed (cookie mode). */
function signOnce(text: string, url: string, signer: Signer, grantSource: "url" | "cookie" = "url"): string {
  return signPlaylist({
    playlist: text,
    playlistUrl: url,
    viewer: { ...VIEWER, resource: url },
    grantSource,
    signer,
    allowedHosts: [HOST],
    lifetimeSeconds: 4 * 3600,
    now: NOW,
  }).rewrite.text;
}

/** The reference: every URI line and URI="..." attribute signed on its own (canned policy, absolute URL). */
function perUri(text: string, url: string, signer: Signer): string {
  const sign = (reference: string) => {
    const absolute = new URL(reference, url);
    absolute.pathname = absolute.pathname.replace(/\.m3u8$/, "._m3u8");
    return signer.signUrl(absolute.href, { expires: VIEWER.dateLessThan });
  };
  return text
    .split("\n")
    .map((line) => {
      if (line === "") return line;
      if (line.startsWith("#"))
        return line.replace(/URI="([^"]*)"/g, (_, reference: string) => `URI="${sign(reference)}"`);
      return sign(line);
    })
    .join("\n");
}

/** Median wall time of `runs` calls, ms. */
function time(runs: number, fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function responseBytes(text: string, gzip: boolean): number {
  return playlistResponse(text, { gzip, limitBytes: Number.MAX_SAFE_INTEGER, head: false }).bytes;
}

/** Search bound: past it the 8 MiB raw-playlist cap and memory matter more than the response limit. */
const SEARCH_LIMIT = 50_000;

/** Largest VOD segment count (up to SEARCH_LIMIT) whose gzipped response fits `limit` (binary search). */
function maxSegments(signer: Signer, limit: number, grantSource: "url" | "cookie" = "url"): number {
  let low = 0;
  let high = SEARCH_LIMIT;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const fits =
      responseBytes(signOnce(vodMediaPlaylist(middle), MEDIA_URL, signer, grantSource), true) <= limit;
    if (fits) low = middle;
    else high = middle - 1;
  }
  return low;
}

const playlists = [
  { name: "VOD media playlist, 10,000 segments", text: vodMediaPlaylist(10_000), url: MEDIA_URL },
  { name: "multivariant playlist, 6 renditions", text: masterPlaylist(6), url: MASTER_URL },
];

/** Worst ratio on the long VOD playlist (the target); the master has only 14 URIs to sign. */
let worstVod = Infinity;
for (const algorithm of ["rsa-2048", "ecdsa-p256"] as const) {
  const { signer, signatures } = countingSigner(algorithm);
  console.log(`\n--- ${algorithm}`);
  for (const playlist of playlists) {
    signOnce(playlist.text, playlist.url, signer); // warm up
    perUri(playlist.text, playlist.url, signer);
    let before = signatures();
    signOnce(playlist.text, playlist.url, signer);
    const onceSignatures = signatures() - before;
    before = signatures();
    perUri(playlist.text, playlist.url, signer);
    const perUriSignatures = signatures() - before;
    // Both outputs are consumed (UTF-8 length), so neither side is timed as an unflattened rope.
    const once = time(15, () => Buffer.byteLength(signOnce(playlist.text, playlist.url, signer)));
    const reference = time(3, () => Buffer.byteLength(perUri(playlist.text, playlist.url, signer)));
    const ratio = reference / once;
    if (playlist.text.length > 100_000) worstVod = Math.min(worstVod, ratio);
    console.log(
      `${playlist.name}: sign-once ${fmt(once)} vs per-URI ${fmt(reference)} -> ${ratio.toFixed(0)}x faster ` +
        `(signatures per response: ${onceSignatures} vs ${perUriSignatures})`,
    );
    if (onceSignatures !== 1) throw new Error(`sign-once made ${onceSignatures} signatures`);
  }

  console.log("response size (what CloudFront counts: headers + body, base64 when gzipped):");
  for (const segments of [3_600, 10_000]) {
    const text = signOnce(vodMediaPlaylist(segments), MEDIA_URL, signer);
    const raw = Buffer.byteLength(text);
    const gzip = responseBytes(text, true);
    const fits = EDGE_TRIGGERS.map(
      (trigger) =>
        `${trigger} (${kb(EDGE_GENERATED_RESPONSE_LIMIT_BYTES[trigger])}): ${gzip <= EDGE_GENERATED_RESPONSE_LIMIT_BYTES[trigger] ? "fits" : "too large"}`,
    ).join(", ");
    console.log(
      `  ${segments} segments: raw ${kb(raw)}, gzipped response ${kb(gzip)} (${((gzip / raw) * 100).toFixed(1)}% of raw) -> ${fits}`,
    );
  }
  const master = signOnce(masterPlaylist(6), MASTER_URL, signer);
  console.log(
    `  6-rendition master: raw ${kb(Buffer.byteLength(master))}, gzipped response ${kb(responseBytes(master, true))}`,
  );
  for (const trigger of EDGE_TRIGGERS) {
    const limit = EDGE_GENERATED_RESPONSE_LIMIT_BYTES[trigger];
    const segments = maxSegments(signer, limit);
    const bound = segments === SEARCH_LIMIT ? ">= " : "";
    console.log(
      `  longest VOD playlist for ${trigger} (gzip): ${bound}${segments} segments (${bound}${((segments * 2) / 3600).toFixed(1)} h at 2 s, ${bound}${((segments * 6) / 3600).toFixed(1)} h at 6 s)`,
    );
  }
}
// Cookie mode: the same playlists with child URIs renamed only; no signature, whatever the key.
{
  const { signer, signatures } = countingSigner("ecdsa-p256");
  console.log("\n--- cookie mode (viewer grant from signed cookies: URIs renamed, never signed)");
  for (const segments of [3_600, 10_000]) {
    const text = signOnce(vodMediaPlaylist(segments), MEDIA_URL, signer, "cookie");
    const raw = Buffer.byteLength(text);
    const gzip = responseBytes(text, true);
    console.log(
      `  ${segments} segments: raw ${kb(raw)}, gzipped response ${kb(gzip)} (${((gzip / raw) * 100).toFixed(1)}% of raw)`,
    );
  }
  const master = signOnce(masterPlaylist(6), MASTER_URL, signer, "cookie");
  console.log(
    `  6-rendition master: raw ${kb(Buffer.byteLength(master))}, gzipped response ${kb(responseBytes(master, true))}`,
  );
  for (const trigger of EDGE_TRIGGERS) {
    const segments = maxSegments(signer, EDGE_GENERATED_RESPONSE_LIMIT_BYTES[trigger], "cookie");
    const bound = segments === SEARCH_LIMIT ? ">= " : "";
    console.log(
      `  longest VOD playlist for ${trigger} (gzip): ${bound}${segments} segments (${bound}${((segments * 2) / 3600).toFixed(1)} h at 2 s, ${bound}${((segments * 6) / 3600).toFixed(1)} h at 6 s)`,
    );
  }
  if (signatures() !== 0) throw new Error(`cookie mode made ${signatures()} signatures`);
}
console.log(
  `\n10,000-segment VOD, worst of RSA and ECDSA: sign-once ${worstVod.toFixed(0)}x faster than per-URI ` +
    `(target >= 100x: ${worstVod >= 100 ? "met" : "NOT met"}); the 14-URI master's ratio is small and noisy by nature`,
);
