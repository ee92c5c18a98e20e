/**
 * Seeded fuzzing: thousands of mutated playlists. The rewriter may refuse one
 * (PlaylistError) but must never throw anything else, never change a line that
 * has no rewritten URI, and never put the signature on a host off the list or
 * outside the policy's folder.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PlaylistError, findUris, rewritePlaylist } from "../../../functions/hls";
import { ASSET, HOST, NOW } from "./helpers";

const MARK = "FUZZSIG";
const SUFFIX = `Policy=P&Signature=${MARK}&Key-Pair-Id=K`;
const PLAYLIST_URL = `${ASSET}720p/index._m3u8?token=t0k`;
const POLICY = { resource: `${ASSET}*`, dateLessThan: NOW + 60 };
const ALLOWED = [HOST, "alias.example.com"];

/** mulberry32: small, fast, seeded. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  "seg.ts",
  "../x.m3u8",
  "../../../../etc/passwd",
  "https://evil.example.org/vod/asset1/a.ts",
  "//evil.example.org/vod/asset1/a.m3u8",
  `https://${HOST}@evil.example.org/vod/asset1/a.ts`,
  `https://evil.example.org@${HOST}/vod/asset1/a.ts`,
  `https://${HOST}.evil.example.org/vod/asset1/a.ts`,
  `https://alias.example.com/vod/asset1/b.ts`,
  `HTTPS://${HOST.toUpperCase()}/vod/asset1/c.ts`,
  `https://${HOST}:443/vod/asset1/d.ts`,
  `https://${HOST}:8443/vod/asset1/e.ts`,
  "https://[::1]/vod/asset1/f.ts",
  "https://%65vil.example.org/x.ts",
  "/vod/asset1/%2e%2e/%2e%2e/x.ts",
  "\\\\evil.example.org\\x.ts",
  "https:evil.example.org/x.ts",
  "{$v}",
  "{$host}/vod/asset1/x.ts",
  "{$",
  "data:,x",
  "skd://k",
  "javascript:alert(1)",
  '"',
  ",",
  "=",
  "URI=",
  'URI="',
  "#EXT-X-KEY:METHOD=AES-128,URI=",
  "#EXT-X-MAP:URI=",
  '#EXT-X-DEFINE:NAME="host",VALUE="https://evil.example.org"',
  '#EXT-X-DEFINE:NAME="v",VALUE="//evil.example.org/a"',
  '#EXT-X-DEFINE:QUERYPARAM="token"',
  '#EXT-X-DATERANGE:ID="a",X-ASSET-URI=',
  "#EXT-X-CONTENT-STEERING:SERVER-URI=",
  "?Signature=x",
  "#",
  "\t",
  " ",
  "\r\n",
  "\n",
  "\r",
  "\0",
  "\uFEFF",
  "é",
  "\u2028",
];

function corpus(): string[] {
  const dir = join(__dirname, "..", "..", "fixtures", "hls");
  const own = readdirSync(dir)
    .filter((name) => name.endsWith(".m3u8"))
    .map((name) => readFileSync(join(dir, name), "utf8"));
  return [...own, "#EXTM3U\n", "#EXTM3U\nseg.ts"];
}

function mutate(text: string, next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const lines = text.split("\n");
  const operations = 1 + Math.floor(next() * 4);
  for (let i = 0; i < operations; i++) {
    const at = Math.floor(next() * lines.length);
    switch (Math.floor(next() * 9)) {
      case 0:
        lines.splice(
          at,
          0,
          Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(FRAGMENTS)).join(""),
        );
        break;
      case 1:
        if (lines.length > 1) lines.splice(at, 1);
        break;
      case 2:
        lines[at] = lines[at].slice(0, Math.floor(next() * (lines[at].length + 1)));
        break;
      case 3: {
        const quote = lines[at].indexOf('"');
        lines[at] = quote < 0 ? `${lines[at]}"` : lines[at].slice(0, quote) + lines[at].slice(quote + 1);
        break;
      }
      case 4: {
        const position = Math.floor(next() * (lines[at].length + 1));
        lines[at] = lines[at].slice(0, position) + pick(FRAGMENTS) + lines[at].slice(position);
        break;
      }
      case 5:
        lines[at] =
          pick(["seg", '#EXT-X-PART:URI="', "x,", "{$v}"]) +
          "a".repeat(20_000 + Math.floor(next() * 200_000));
        break;
      case 6:
        lines.splice(at, 0, lines[Math.floor(next() * lines.length)]);
        break;
      case 7: {
        const other = Math.floor(next() * lines.length);
        [lines[at], lines[other]] = [lines[other], lines[at]];
        break;
      }
      default:
        lines[at] = lines[at].replace(/URI="[^"]*"/, `URI="${pick(FRAGMENTS)}"`);
    }
  }
  return lines.join(pick(["\n", "\n", "\r\n"]));
}

function checkOutput(input: string, output: string, rewritten: number): void {
  assert.ok(!input.includes(MARK));
  const inLines = input.split(/\r?\n/);
  const outLines = output.split(/\r?\n/);
  assert.equal(outLines.length, inLines.length, "line count");
  const marks = output.split(MARK).length - 1;
  assert.equal(marks, rewritten, "one suffix per rewritten URI, nowhere else");
  const found = findUris(output, { playlistUrl: PLAYLIST_URL, policy: POLICY });
  const signed = found.filter((uri) => uri.value.includes(MARK));
  assert.equal(signed.length, rewritten, "every suffix sits in a URI position");
  const signedLines = new Set(signed.map((uri) => uri.line));
  for (const uri of signed) {
    const url = new URL(uri.value, PLAYLIST_URL);
    assert.ok(ALLOWED.includes(url.host), `foreign host got a signature: ${uri.value.slice(0, 200)}`);
    assert.ok(
      `${url.origin}${url.pathname}`.startsWith(ASSET),
      `outside the folder: ${uri.value.slice(0, 200)}`,
    );
    assert.equal(uri.value.split(MARK).length, 2);
  }
  inLines.forEach((line, index) => {
    if (!signedLines.has(index))
      assert.equal(outLines[index], line, `line ${index} changed without a signature`);
  });
}

describe("hls rewriter: fuzz", function () {
  this.timeout(120_000);
  const base = corpus();

  it("5,000 seeded mutations: typed refusal or a sound rewrite, never a foreign signature", () => {
    const next = random(0x5eed);
    let refused = 0;
    let rewrittenTotal = 0;
    for (let i = 0; i < 5000; i++) {
      const input = mutate(base[i % base.length], next);
      let result;
      try {
        result = rewritePlaylist(input, {
          playlistUrl: PLAYLIST_URL,
          policy: POLICY,
          signedQuery: SUFFIX,
          allowedHosts: ALLOWED,
        });
      } catch (error) {
        assert.ok(error instanceof PlaylistError, `case ${i}: unexpected ${String(error)}`);
        assert.notEqual(error.code, "invalid-options");
        refused++;
        continue;
      }
      checkOutput(input, result.text, result.stats.rewritten);
      rewrittenTotal += result.stats.rewritten;
    }
    // The mutations must exercise both outcomes, or the test proves nothing.
    assert.ok(refused > 100 && refused < 4000, `refused ${refused}`);
    assert.ok(rewrittenTotal > 10_000, `rewritten ${rewrittenTotal}`);
  });

  it("2,000 random byte strings behind a valid header: refusal or a sound rewrite", () => {
    const next = random(0xb17e5);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.alloc(1 + Math.floor(next() * 300));
      for (let j = 0; j < bytes.length; j++)
        bytes[j] = next() < 0.7 ? 32 + Math.floor(next() * 95) : Math.floor(next() * 256);
      const input = Buffer.concat([Buffer.from("#EXTM3U\n"), bytes]);
      try {
        const result = rewritePlaylist(input, {
          playlistUrl: PLAYLIST_URL,
          policy: POLICY,
          signedQuery: SUFFIX,
          allowedHosts: ALLOWED,
        });
        checkOutput(input.toString("utf8"), result.text, result.stats.rewritten);
      } catch (error) {
        assert.ok(error instanceof PlaylistError, `case ${i}: unexpected ${String(error)}`);
      }
    }
  });

  it("random references: the rewritten form resolves to the same URL (renamed) as the input", () => {
    const next = random(0x0ddba11);
    const parts = ["a", "b.m3u8", "c.ts", ".", "..", "", "%41", "x:y", "~", "@", "!$&'()*+,;=", "_-"];
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    let rewrittenCount = 0;
    for (let i = 0; i < 5000; i++) {
      const prefix = pick([
        "",
        "/",
        "/vod/asset1/",
        `https://${HOST}/vod/asset1/`,
        `//${HOST}/vod/`,
        "./",
        "../",
      ]);
      const path = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(parts)).join("/");
      const tail = pick(["", "?q=1", "?", "#f", "?a=b#c", "?x=%7B"]);
      const reference = prefix + path + tail;
      const out = rewritePlaylist(`#EXTM3U\n${reference}\n`, {
        playlistUrl: PLAYLIST_URL,
        policy: POLICY,
        signedQuery: SUFFIX,
      });
      const written = out.text.split("\n")[1];
      if (out.stats.rewritten === 0) {
        assert.equal(written, reference);
        continue;
      }
      rewrittenCount++;
      const expected = new URL(reference, PLAYLIST_URL);
      expected.pathname = expected.pathname.replace(/\.m3u8$/, "._m3u8");
      const actual = new URL(written.replace(/&?Policy=P&Signature=FUZZSIG&Key-Pair-Id=K/, ""), PLAYLIST_URL);
      const withoutSuffix = (url: URL) => url.href.replace(/\?$/, "").replace(/\?#/, "#");
      assert.equal(withoutSuffix(actual), withoutSuffix(expected), reference);
      assert.ok(
        written.length <= appendLength(reference),
        `${reference} -> ${written} is not shorter or equal`,
      );
    }
    assert.ok(rewrittenCount > 1000, `rewritten ${rewrittenCount}`);
  });
});

function appendLength(reference: string): number {
  // A rewrite never makes a reference longer than the absolute URL plus the suffix.
  return new URL(reference, PLAYLIST_URL).href.length + SUFFIX.length + 1;
}
