import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  parseLoopablePlaylist,
  renderLiveWindow as renderWithTimeline,
  sharedTimeline,
  type LoopablePlaylist,
} from "../../local/live-window";

const STARTED_AT_MS = Date.UTC(2026, 0, 1);

/** One rendition on its own timeline, `elapsedSeconds` after start. */
function renderLiveWindow(
  loop: LoopablePlaylist,
  elapsedSeconds: number,
  options: { windowSegments: number },
) {
  return renderWithTimeline(
    loop,
    sharedTimeline([loop]),
    { elapsedSeconds, startedAtMs: STARTED_AT_MS },
    options,
  );
}

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

  it("dates every segment with EXT-X-PROGRAM-DATE-TIME, the stream's start being the window's end", () => {
    const loop = parseLoopablePlaylist(VOD);
    assert.ok(loop);
    const dates = [
      ...renderLiveWindow(loop, 0, { windowSegments: 4 }).matchAll(/#EXT-X-PROGRAM-DATE-TIME:(.+)\n#EXTINF/g),
    ];
    assert.deepEqual(
      dates.map((match) => Date.parse(match[1]) - STARTED_AT_MS),
      [-8000, -6000, -4000, -2000],
    );
    const later = renderLiveWindow(loop, 7, { windowSegments: 4 });
    assert.match(later, /#EXT-X-MEDIA-SEQUENCE:3\n/);
    assert.match(
      later,
      new RegExp(`#EXT-X-PROGRAM-DATE-TIME:${new Date(STARTED_AT_MS - 2000).toISOString()}\n`),
    );
    assert.equal(
      parseLoopablePlaylist(
        VOD.replace(
          "#EXTINF:2.000000,\nb.m4s",
          "#EXT-X-PROGRAM-DATE-TIME:2020-01-01T00:00:00Z\n#EXTINF:2.000000,\nb.m4s",
        ),
      )?.segments[1].lines.join("\n"),
      "#EXTINF:2.000000,\nb.m4s",
      "the VOD's own dates are dropped",
    );
  });

  it("loops renditions with different segment counts on one timeline: same sequence numbers, same dates", () => {
    const video = parseLoopablePlaylist(VOD);
    // The audio ends in one short extra segment, as ffmpeg's AAC often does.
    const audio = parseLoopablePlaylist(
      VOD.replace(/\.m4s/g, ".aac.m4s").replace(
        "#EXT-X-ENDLIST",
        "#EXTINF:0.021,\nd.aac.m4s\n#EXT-X-ENDLIST",
      ),
    );
    assert.ok(video && audio);
    const timeline = sharedTimeline([video, audio]);
    assert.deepEqual(timeline.durations, [2, 2, 2]);
    for (const elapsedSeconds of [0, 5, 13, 61, 3600.5]) {
      const clock = { elapsedSeconds, startedAtMs: STARTED_AT_MS };
      const videoWindow = renderWithTimeline(video, timeline, clock, { windowSegments: 4 });
      const audioWindow = renderWithTimeline(audio, timeline, clock, { windowSegments: 4 });
      assert.equal(audioWindow.replace(/\.aac\.m4s/g, ".m4s"), videoWindow, `at ${elapsedSeconds} s`);
      assert.doesNotMatch(audioWindow, /d\.aac\.m4s/, "the audio's tail is left out of the loop");
    }
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

  it("loops the committed packager-layout title on one timeline although its audio has a segment more", () => {
    const read = (rendition: string) => {
      const loop = parseLoopablePlaylist(
        readFileSync(join(__dirname, "../../local/sample/show", rendition, "index.m3u8"), "utf8"),
      );
      assert.ok(loop, rendition);
      return loop;
    };
    const video = read("video/144p");
    const audio = read("audio/en");
    assert.equal(audio.segments.length, video.segments.length + 1, "ffmpeg's audio tail");
    const timeline = sharedTimeline([video, read("video/240p"), audio, read("subs/en")]);
    assert.equal(timeline.durations.length, video.segments.length);
    const sequences = (text: string) =>
      /#EXT-X-MEDIA-SEQUENCE:(\d+)\n#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)/.exec(text)?.slice(1);
    for (const elapsedSeconds of [0, 7, 100, 1000]) {
      const clock = { elapsedSeconds, startedAtMs: STARTED_AT_MS };
      const videoWindow = renderWithTimeline(video, timeline, clock, { windowSegments: 4 });
      const audioWindow = renderWithTimeline(audio, timeline, clock, { windowSegments: 4 });
      assert.deepEqual(sequences(audioWindow), sequences(videoWindow), `at ${elapsedSeconds} s`);
      const dates = (text: string) => text.match(/#EXT-X-PROGRAM-DATE-TIME:.+/g);
      assert.deepEqual(dates(audioWindow), dates(videoWindow), `at ${elapsedSeconds} s`);
    }
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
