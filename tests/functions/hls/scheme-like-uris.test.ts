/**
 * Issue 11 item 11: a relative URI whose first segment holds a `:`
 * (`2024-05-01T10:00:00Z.ts`) is written with `./` before it. Checked through
 * hls.js' own resolution: hls.js 1.x resolves every playlist URI with
 * url-toolkit's buildAbsoluteURL(base, relative, { alwaysNormalize: true })
 * (src/loader/m3u8-parser.ts, src/loader/fragment.ts); the url-toolkit
 * installed here is the version hls.js pins and bundles.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildAbsoluteURL } from "url-toolkit";
import { findUris } from "../../../functions/hls";
import { ASSET, HOST, signedRewrite } from "./helpers";

const PLAYLIST_URL = `${ASSET}720p/index._m3u8`;

function hlsJsResolve(reference: string): string {
  return buildAbsoluteURL(PLAYLIST_URL, reference, { alwaysNormalize: true });
}

describe("hls rewriter: URIs hls.js would read as a scheme (issue 11 item 11)", () => {
  it("uses the url-toolkit version hls.js is built with", () => {
    const pinned = JSON.parse(readFileSync(require.resolve("hls.js/package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    const installed = JSON.parse(readFileSync(require.resolve("url-toolkit/package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(installed.version, pinned.devDependencies["url-toolkit"]);
  });

  it("writes a `:` in the first segment with `./`, so hls.js fetches the signed URL from the distribution", () => {
    const text = [
      "#EXTM3U",
      "#EXT-X-TARGETDURATION:2",
      '#EXT-X-DEFINE:NAME="day",VALUE="2024-05-02T10"',
      '#EXT-X-MAP:URI="2024-05-01T09:59:58Z-init.mp4"',
      "#EXTINF:2,",
      "2024-05-01T10:00:00Z.ts",
      "#EXTINF:2,",
      `${ASSET}720p/2024-05-01T10:00:02Z.ts`,
      "#EXTINF:2,",
      "/vod/asset1/720p/2024-05-01T10:00:04Z.ts",
      "#EXTINF:2,",
      "{$day}:00:06Z.ts",
      "#EXTINF:2,",
      "./2024-05-01T10:00:08Z.ts",
      "#EXTINF:2,",
      "sub/2024-05-01T10:00:10Z.ts?t=10:00",
      "#EXT-X-ENDLIST",
      "",
    ].join("\n");
    const signed = signedRewrite(text, { playlistUrl: PLAYLIST_URL });
    const uris = findUris(signed.result.text, {
      playlistUrl: PLAYLIST_URL,
      policy: { resource: `${ASSET}*`, dateLessThan: signed.policy.dateLessThan },
    });
    assert.equal(signed.result.stats.rewritten, 7);
    const written = uris.map((uri) => uri.value.replace(/[?&]Policy=.*$/, ""));
    assert.deepEqual(written, [
      "./2024-05-01T09:59:58Z-init.mp4",
      "./2024-05-01T10:00:00Z.ts",
      "./2024-05-01T10:00:02Z.ts",
      "./2024-05-01T10:00:04Z.ts",
      "./2024-05-02T10:00:06Z.ts",
      "./2024-05-01T10:00:08Z.ts",
      "sub/2024-05-01T10:00:10Z.ts?t=10:00",
    ]);
    for (const uri of uris) {
      const resolved = hlsJsResolve(uri.value);
      assert.equal(resolved, new URL(uri.value, PLAYLIST_URL).href, uri.value);
      assert.equal(new URL(resolved).host, HOST, uri.value);
      assert.ok(resolved.includes("Signature="), uri.value);
    }
  });
});
