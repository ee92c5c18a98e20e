/**
 * Issue 11 item 9: every scan of the rewriter is bounded by its line, so its
 * work grows linearly with the input whatever the input's shape. Counted, not
 * timed (the time is bench/rewriter-linearity's): while the rewriter runs,
 * String.prototype.indexOf and includes are wrapped to add up the characters
 * each call examines. The quadratic scans this pins (a colon searched past the
 * line's end, `=` searched past every comma) examined the rest of the playlist
 * once per line or per comma.
 */
import assert from "node:assert/strict";
import { rewritePlaylist, type RewriteOptions } from "../../../functions/hls";
import { vodMediaPlaylist } from "../../support/playlists";
import { ASSET, NOW } from "./helpers";

const OPTIONS: RewriteOptions = {
  playlistUrl: `${ASSET}x._m3u8`,
  policy: { resource: `${ASSET}*`, dateLessThan: NOW + 3600 },
  signedQuery: "Policy=P&Signature=S&Key-Pair-Id=K",
};

/** Characters examined by indexOf/includes during one rewrite, per character of input. */
function scannedPerCharacter(text: string): number {
  const { indexOf, includes } = String.prototype;
  let scanned = 0;
  const count = (self: string, search: string, from: number | undefined, found: number) => {
    const start = Math.max(0, Math.min(from ?? 0, self.length));
    scanned += found < 0 ? self.length - start : found - start + search.length;
  };
  String.prototype.indexOf = function (this: string, search: string, from?: number) {
    const found = indexOf.call(this, search, from);
    count(String(this), String(search), from, found);
    return found;
  };
  String.prototype.includes = function (this: string, search: string, from?: number) {
    const found = indexOf.call(this, search, from);
    count(String(this), String(search), from, found);
    return found >= 0;
  };
  try {
    rewritePlaylist(text, OPTIONS);
  } finally {
    String.prototype.indexOf = indexOf;
    String.prototype.includes = includes;
  }
  return scanned / text.length;
}

/** A normal playlist examines each character a handful of times (a URI value: split, query, rename, suffix). */
const BOUND = 8;

describe("hls rewriter: work linear in the input on crafted playlists (issue 11 item 9)", () => {
  const shapes: { name: string; text: string }[] = [
    { name: "a VOD playlist (the reference)", text: vodMediaPlaylist(2_000) },
    { name: "#EXT-X- lines without a colon", text: `#EXTM3U\n${"#EXT-X-A\n".repeat(20_000)}` },
    { name: "the same, CRLF", text: `#EXTM3U\r\n${"#EXT-X-A\r\n".repeat(20_000)}` },
    {
      name: "a long comma run in a URI tag's attribute list",
      text: `#EXTM3U\n#EXT-X-KEY:${",".repeat(100_000)}METHOD=AES-128,URI="k.key"\n`,
    },
    {
      name: "items without `=` before an attribute",
      text: `#EXTM3U\n#EXT-X-MAP:${"A,".repeat(50_000)}URI="init.mp4"\n`,
    },
    {
      name: "a query of empty parameters",
      text: `#EXTM3U\n${`/s.ts?${"&".repeat(4000)}a=1\n`.repeat(20)}`,
    },
  ];
  for (const shape of shapes) {
    it(`${shape.name}: at most ${BOUND} characters examined per input character`, () => {
      const ratio = scannedPerCharacter(shape.text);
      assert.ok(ratio <= BOUND, `examined ${ratio.toFixed(1)} characters per input character`);
    });
  }

  it("keeps the lines it scans lossless", () => {
    const text = `#EXTM3U\n#EXT-X-A\n#EXT-X-KEY:,,,METHOD=AES-128,URI="k.key"\n#EXT-X-MAP:A,B,URI="i.mp4"\n`;
    assert.equal(
      rewritePlaylist(text, OPTIONS).text,
      `#EXTM3U\n#EXT-X-A\n#EXT-X-KEY:,,,METHOD=AES-128,URI="k.key?Policy=P&Signature=S&Key-Pair-Id=K"\n` +
        `#EXT-X-MAP:A,B,URI="i.mp4?Policy=P&Signature=S&Key-Pair-Id=K"\n`,
    );
  });
});
