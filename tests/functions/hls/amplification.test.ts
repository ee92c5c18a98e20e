/**
 * Issue 11 item 10: a playlist cannot make the rewriter build an output out of
 * proportion to its input. Variable values and references have caps
 * (contract/limits.ts), and the output stops at the caller's maximum.
 */
import assert from "node:assert/strict";
import { PlaylistError, findUris, rewritePlaylist, type RewriteOptions } from "../../../functions/hls";
import {
  CLOUDFRONT_MAX_URL_BYTES,
  MAX_SIGNED_REFERENCE_CHARACTERS,
  MAX_VARIABLE_VALUE_CHARACTERS,
} from "../../../contract/limits";
import { vodMediaPlaylist } from "../../support/playlists";
import { ASSET, NOW } from "./helpers";

const SUFFIX = "Policy=P&Signature=S&Key-Pair-Id=K";
const POLICY = { resource: `${ASSET}*`, dateLessThan: NOW + 3600 };

function options(overrides: Partial<RewriteOptions> = {}): RewriteOptions {
  return { playlistUrl: `${ASSET}x._m3u8`, policy: POLICY, signedQuery: SUFFIX, ...overrides };
}

function refusal(run: () => unknown): PlaylistError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PlaylistError, `a PlaylistError, not ${String(error)}`);
    return error;
  }
  assert.fail("expected a PlaylistError");
}

describe("hls rewriter: amplification (issue 11 item 10)", () => {
  it("a 7,000-character QUERYPARAM referenced 5,000 times is not substituted: the output is the input", () => {
    const text = `#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM="q"\n${"#EXTINF:2,\n{$q}.ts\n".repeat(5000)}`;
    const result = rewritePlaylist(text, options({ playlistUrl: `${ASSET}x._m3u8?q=${"a".repeat(7000)}` }));
    assert.equal(result.text, text);
    assert.deepEqual(result.stats, { uris: 5000, rewritten: 0, untouched: { "too-long": 5000 } });
  });

  it("a 1 MiB EXT-X-DEFINE value referenced ten times (in one URI, or in ten) is left as written, no RangeError", () => {
    const define = `#EXT-X-DEFINE:NAME="v",VALUE="${"a".repeat(1024 * 1024)}"\n`;
    for (const uris of ["{$v}".repeat(10), '#EXT-X-KEY:METHOD=AES-128,URI="{$v}"\n'.repeat(10)]) {
      const text = `#EXTM3U\n${define}${uris}\n`;
      const result = rewritePlaylist(text, options());
      assert.equal(result.text, text);
      assert.equal(result.stats.rewritten, 0);
      assert.equal(result.stats.untouched["too-long"], result.stats.uris);
    }
  });

  it(`substitutes values up to ${MAX_VARIABLE_VALUE_CHARACTERS} characters, not one more`, () => {
    const define = (length: number) => `#EXT-X-DEFINE:NAME="v",VALUE="${"b".repeat(length)}"\n`;
    const at = rewritePlaylist(`#EXTM3U\n${define(MAX_VARIABLE_VALUE_CHARACTERS)}{$v}.ts\n`, options());
    assert.equal(at.stats.rewritten, 1);
    assert.ok(at.text.includes(`\n${"b".repeat(MAX_VARIABLE_VALUE_CHARACTERS)}.ts?${SUFFIX}\n`));
    const over = rewritePlaylist(`#EXTM3U\n${define(MAX_VARIABLE_VALUE_CHARACTERS + 1)}{$v}.ts\n`, options());
    assert.deepEqual(over.stats.untouched, { "too-long": 1 });
  });

  it(`signs references up to CloudFront's URL limit (${CLOUDFRONT_MAX_URL_BYTES}), written or substituted, not one character more`, () => {
    assert.equal(MAX_SIGNED_REFERENCE_CHARACTERS, CLOUDFRONT_MAX_URL_BYTES);
    const path = (length: number) => `${"p".repeat(length - 3)}.ts`;
    const written = (length: number) => findUris(`#EXTM3U\n${path(length)}\n`, options())[0].decision;
    assert.equal(written(MAX_SIGNED_REFERENCE_CHARACTERS).kind, "rewrite");
    assert.deepEqual(written(MAX_SIGNED_REFERENCE_CHARACTERS + 1), { kind: "untouched", reason: "too-long" });
    // Eight values of 1,024 characters: 8,192 plus `.ts` after substitution.
    const defines = Array.from(
      { length: 8 },
      (_, index) => `#EXT-X-DEFINE:NAME="v${index}",VALUE="${"c".repeat(1024)}"`,
    ).join("\n");
    const references = Array.from({ length: 8 }, (_, index) => `{$v${index}}`).join("");
    const substituted = findUris(`#EXTM3U\n${defines}\n${references}.ts\n`, options());
    assert.deepEqual(substituted[0].decision, { kind: "untouched", reason: "too-long" });
    const exactly = findUris(`#EXTM3U\n${defines}\n${references}\n`, options());
    assert.equal(exactly[0].decision.kind, "rewrite");
  });

  it("stops as soon as the output passes maxOutputBytes, and gives the line where it stopped", () => {
    const text = vodMediaPlaylist(10_000);
    const full = rewritePlaylist(text, options()).text;
    const error = refusal(() => rewritePlaylist(text, options({ maxOutputBytes: 40 * 1024 })));
    assert.equal(error.code, "output-too-large");
    // Each segment adds two lines and ~60 bytes of output: 40 KB is passed near line 1,400, of 20,000.
    const line = Number(/stopped at line (\d+)/.exec(error.message)?.[1]);
    assert.ok(line > 1000 && line < 2000, error.message);
    assert.equal(rewritePlaylist(text, options({ maxOutputBytes: full.length })).text, full);
    assert.equal(
      refusal(() => rewritePlaylist(text, options({ maxOutputBytes: full.length - 1 }))).code,
      "output-too-large",
    );
  });

  it("counts UTF-8 bytes, and an untouched playlist too", () => {
    const text = `#EXTM3U\n#EXT-X-SESSION-DATA:DATA-ID="t",VALUE="é"\n`;
    const bytes = Buffer.byteLength(text, "utf8");
    assert.equal(rewritePlaylist(text, options({ maxOutputBytes: bytes })).text, text);
    assert.equal(
      refusal(() => rewritePlaylist(text, options({ maxOutputBytes: bytes - 1 }))).code,
      "output-too-large",
    );
  });
});
