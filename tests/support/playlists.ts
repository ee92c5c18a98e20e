/** Synthetic playlists of a given size, shaped like a packager's output (used by tests and bench/). */

/** A VOD media playlist: `segments` segments of `duration` seconds, fMP4 or TS names. */
export function vodMediaPlaylist(
  segments: number,
  options: { duration?: number; prefix?: string } = {},
): string {
  const duration = options.duration ?? 2;
  const prefix = options.prefix ?? "segment_";
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    `#EXT-X-TARGETDURATION:${Math.ceil(duration)}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    '#EXT-X-MAP:URI="init.mp4"',
  ];
  for (let index = 0; index < segments; index++) {
    lines.push(`#EXTINF:${duration.toFixed(3)},`, `${prefix}${String(index).padStart(5, "0")}.m4s`);
  }
  lines.push("#EXT-X-ENDLIST", "");
  return lines.join("\n");
}

/** A multivariant playlist with `renditions` video variants, two audio renditions and I-frame playlists. */
export function masterPlaylist(renditions: number): string {
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="audio/en/index.m3u8"',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Deutsch",LANGUAGE="de",AUTOSELECT=YES,URI="audio/de/index.m3u8"',
  ];
  for (let index = 0; index < renditions; index++) {
    const height = [2160, 1440, 1080, 720, 480, 360, 240, 144][index % 8];
    const bandwidth = 200_000 * (renditions - index) * 3;
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},CODECS="avc1.640028,mp4a.40.2",RESOLUTION=${Math.round((height * 16) / 9)}x${height},AUDIO="aud"`,
      `${height}p/index.m3u8`,
      `#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=${Math.round(bandwidth / 10)},CODECS="avc1.640028",URI="${height}p/iframes.m3u8"`,
    );
  }
  lines.push("");
  return lines.join("\n");
}
