import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLoopablePlaylist, renderLiveWindow } from "../../local/live-window";

const VOD = [
  "#EXTM3U",
  "#EXT-X-VERSION:7",
  "#EXT-X-TARGETDURATION:2",
  "#EXT-X-MEDIA-SEQUENCE:0",
  "#EXT-X-PLAYLIST-TYPE:VOD",
  '#EXT-X-MAP:URI="init_0.mp4"',
  '#EXT-X-KEY:METHOD=AES-128,URI="enc.key",IV=0x00000000000000000000000000000001',
  "#EXTINF:2.000000,",
  "a.m4s",
  "#EXTINF:2.000000,",
  "b.m4s",
  "#EXTINF:2.000000,",
  "c.m4s",
  "#EXT-X-ENDLIST",
  "",
].join("\n");

function segmentsOf(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line && (!line.startsWith("#") || line === "#EXT-X-DISCONTINUITY"));
}

describe("local live window", () => {
  it("drops the VOD-only tags and keeps the header (key, map) before the window", () => {
    const loop = parseLoopablePlaylist(VOD);
    assert.ok(loop);
    const live = renderLiveWindow(loop, 0, { windowSegments: 4 });
    assert.doesNotMatch(live, /ENDLIST|PLAYLIST-TYPE/);
    assert.equal(live.match(/MEDIA-SEQUENCE/g)?.length, 1, "the VOD's own media sequence is replaced");
    assert.match(
      live,
      /^#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init_0.mp4"\n#EXT-X-KEY:/,
    );
  });

  it("starts with a full window and loops with a discontinuity at each wrap", () => {
    const loop = parseLoopablePlaylist(VOD);
    assert.ok(loop);
    const live = renderLiveWindow(loop, 0, { windowSegments: 4 });
    assert.match(live, /#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n/);
    assert.deepEqual(segmentsOf(live), ["a.m4s", "b.m4s", "c.m4s", "#EXT-X-DISCONTINUITY", "a.m4s"]);
  });

  it("slides one segment per segment duration and counts discontinuities before the window", () => {
    const loop = parseLoopablePlaylist(VOD);
    assert.ok(loop);
    assert.equal(
      renderLiveWindow(loop, 1.999, { windowSegments: 4 }),
      renderLiveWindow(loop, 0, { windowSegments: 4 }),
    );
    const later = renderLiveWindow(loop, 4, { windowSegments: 4 });
    assert.match(later, /#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n/);
    assert.deepEqual(segmentsOf(later), ["c.m4s", "#EXT-X-DISCONTINUITY", "a.m4s", "b.m4s", "c.m4s"]);
    // A window that starts exactly on a wrap carries no leading discontinuity tag; the sequence counts it.
    const onWrap = renderLiveWindow(loop, 6, { windowSegments: 4 });
    assert.match(onWrap, /#EXT-X-MEDIA-SEQUENCE:3\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n/);
    assert.deepEqual(segmentsOf(onWrap), ["a.m4s", "b.m4s", "c.m4s", "#EXT-X-DISCONTINUITY", "a.m4s"]);
  });

  it("keeps CRLF line endings", () => {
    const loop = parseLoopablePlaylist(VOD.replace(/\n/g, "\r\n"));
    assert.ok(loop);
    const live = renderLiveWindow(loop, 0, { windowSegments: 2 });
    assert.ok(live.endsWith("\r\n"));
    assert.doesNotMatch(live.replace(/\r\n/g, ""), /\n/);
  });

  it("refuses what it cannot loop faithfully", () => {
    assert.equal(parseLoopablePlaylist(VOD.replace("#EXT-X-ENDLIST\n", "")), undefined, "already live");
    assert.equal(
      parseLoopablePlaylist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n#EXT-X-ENDLIST\n"),
      undefined,
      "master",
    );
    const keyChange = VOD.replace("b.m4s\n", "b.m4s\n#EXT-X-KEY:METHOD=NONE\n");
    assert.equal(parseLoopablePlaylist(keyChange), undefined, "key changes between segments");
    assert.equal(
      parseLoopablePlaylist(VOD.replace("#EXTINF:2.000000,\nb.m4s", "#EXTINF:0,\nb.m4s")),
      undefined,
      "zero duration",
    );
  });

  it("loops every media playlist of the committed sample", () => {
    for (const asset of ["ts", "fmp4"]) {
      for (const variant of [0, 1, 2]) {
        const text = readFileSync(
          join(__dirname, "../../local/sample", asset, `stream_${variant}.m3u8`),
          "utf8",
        );
        const loop = parseLoopablePlaylist(text);
        assert.ok(loop, `${asset}/stream_${variant}.m3u8`);
        assert.equal(loop.segments.length, 3);
        assert.equal(loop.loopSeconds, 6);
      }
    }
  });
});
