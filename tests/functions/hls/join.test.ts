import assert from "node:assert/strict";
import { rewritePlaylist } from "../../../functions/hls";
import { joinPieces } from "../../../functions/hls/join";
import { vodMediaPlaylist } from "../../support/playlists";
import { ASSET, NOW } from "./helpers";

const LONG_SUFFIX = `Policy=${"P".repeat(300)}&Signature=S&Key-Pair-Id=K`;

describe("hls: joining the rewritten output", () => {
  it("gives exactly pieces.join for small, large, ASCII and non-ASCII pieces", () => {
    const ascii = Array.from(
      { length: 5000 },
      (_, index) => `segment_${index}.m4s?${"q".repeat(index % 700)}`,
    );
    const nonAscii = [...ascii.slice(0, 2500), "#EXTINF:2,Grüße 🎬", ...ascii.slice(2500)];
    for (const pieces of [[], ["a"], ascii.slice(0, 10), ascii]) {
      assert.equal(joinPieces(pieces, true), pieces.join(""));
    }
    assert.ok(ascii.join("").length > 1024 * 1024, "the large case takes the buffer path");
    assert.equal(joinPieces(nonAscii, false), nonAscii.join(""));
  });

  it("keeps a long playlist byte-identical to a line-by-line rewrite, with and without non-ASCII text", () => {
    for (const title of ["", '#EXT-X-SESSION-DATA:DATA-ID="t",VALUE="Grüße 🎬"\n']) {
      const playlist = vodMediaPlaylist(5000).replace("#EXT-X-VERSION:7\n", `#EXT-X-VERSION:7\n${title}`);
      const result = rewritePlaylist(playlist, {
        playlistUrl: `${ASSET}index._m3u8`,
        policy: { resource: `${ASSET}*`, dateLessThan: NOW + 3600 },
        signedQuery: LONG_SUFFIX,
      });
      assert.ok(result.text.length > 1024 * 1024);
      const expected = playlist
        .split("\n")
        .map((line) => (line === "" || line.startsWith("#") ? line : `${line}?${LONG_SUFFIX}`))
        .join("\n")
        .replace('URI="init.mp4"', `URI="init.mp4?${LONG_SUFFIX}"`);
      assert.equal(result.text, expected);
    }
  });
});
