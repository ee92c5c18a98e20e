import assert from "node:assert/strict";
import { scanAttributes } from "../../../functions/hls";

/** name -> [value, quoted, wellFormed] for a line, scanning after the first `:`. */
function scan(line: string) {
  return scanAttributes(line, line.indexOf(":") + 1).map((span) => [
    span.name,
    line.slice(span.valueStart, span.valueEnd),
    span.quoted,
    span.wellFormed,
  ]);
}

describe("hls attribute-list scanner", () => {
  it("reads quoted strings holding commas and equals signs, and unquoted values", () => {
    assert.deepEqual(scan('#EXT-X-MEDIA:TYPE=AUDIO,NAME="a,b=c",URI="x.m3u8",DEFAULT=YES'), [
      ["TYPE", "AUDIO", false, true],
      ["NAME", "a,b=c", true, true],
      ["URI", "x.m3u8", true, true],
      ["DEFAULT", "YES", false, true],
    ]);
  });

  it("points at the exact value bytes", () => {
    const line = '#EXT-X-KEY:METHOD=AES-128,URI="k.key",IV=0x1';
    const [, uri] = scanAttributes(line, 11);
    assert.equal(line.slice(0, uri.valueStart), '#EXT-X-KEY:METHOD=AES-128,URI="');
    assert.equal(line.slice(uri.valueEnd), '",IV=0x1');
  });

  it("trims names, keeps empty values, skips items without =", () => {
    assert.deepEqual(scan('#T: A = 1,B=,JUNK,C=""'), [
      ["A", " 1", false, true],
      ["B", "", false, true],
      ["C", "", true, true],
    ]);
  });

  it("marks an unterminated quote and junk after a closing quote as not well-formed", () => {
    assert.deepEqual(scan('#T:URI="a.ts'), [["URI", "a.ts", true, false]]);
    assert.deepEqual(scan('#T:URI="a.ts"x,B=1'), [
      ["URI", "a.ts", true, false],
      ["B", "1", false, true],
    ]);
    assert.deepEqual(scan('#T:URI="a.ts"  ,B=1'), [
      ["URI", "a.ts", true, true],
      ["B", "1", false, true],
    ]);
  });

  it("returns nothing for an empty list and never throws on odd input", () => {
    assert.deepEqual(scan("#T:"), []);
    for (const odd of ["#T:=", '#T:"', "#T:,,,", '#T:A="', '#T:A="",', "#T:" + "A=1,".repeat(10000)]) {
      assert.doesNotThrow(() => scan(odd));
    }
  });
});
