/**
 * Turns a short VOD media playlist into an endless live one: the segments
 * loop, a sliding window of the latest ones is published as time passes, and
 * each wrap is marked with EXT-X-DISCONTINUITY (timestamps restart). This is
 * how the local origin stands in for a live packager, so the player keeps
 * reloading playlists (through the edge, across key rotations) instead of
 * fetching everything once.
 *
 * Pure: the caller passes the elapsed time.
 */

/** Tags that describe a VOD as a whole and have no place in a live window. */
const VOD_ONLY_TAGS = [
  "#EXT-X-PLAYLIST-TYPE",
  "#EXT-X-ENDLIST",
  "#EXT-X-MEDIA-SEQUENCE",
  "#EXT-X-DISCONTINUITY-SEQUENCE",
];

/** Tags that, between segments, would change the state the window's first segment depends on. */
const STATEFUL_SEGMENT_TAGS = ["#EXT-X-KEY", "#EXT-X-MAP", "#EXT-X-DISCONTINUITY", "#EXT-X-BYTERANGE"];

interface LoopSegment {
  /** The segment's lines: its tags and its URI line, as in the source. */
  readonly lines: string[];
  readonly duration: number;
}

export interface LoopablePlaylist {
  /** Lines before the first segment, minus the VOD-only tags. */
  readonly header: string[];
  readonly segments: LoopSegment[];
  /** Sum of the segment durations, seconds. */
  readonly loopSeconds: number;
  readonly lineEnding: string;
}

function tagName(line: string): string {
  const colon = line.indexOf(":");
  return colon === -1 ? line : line.slice(0, colon);
}

/**
 * Parses a VOD media playlist into header and segments, or returns undefined
 * when it is not one this loop can serve faithfully (a master playlist, a
 * live playlist, or keys/maps/byte ranges that change between segments).
 */
export function parseLoopablePlaylist(text: string): LoopablePlaylist | undefined {
  const lineEnding = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  if (!lines.some((line) => line.trim() === "#EXT-X-ENDLIST")) return undefined;

  const header: string[] = [];
  const segments: LoopSegment[] = [];
  let pending: string[] = [];
  let duration: number | undefined;
  for (const line of lines) {
    const trimmed = line.trim();
    if (VOD_ONLY_TAGS.includes(tagName(trimmed))) continue;
    if (trimmed.startsWith("#EXT-X-STREAM-INF")) return undefined;
    if (trimmed.startsWith("#EXTINF:")) {
      duration = Number.parseFloat(trimmed.slice("#EXTINF:".length));
      if (!Number.isFinite(duration) || duration <= 0) return undefined;
      pending.push(line);
    } else if (trimmed === "" || trimmed.startsWith("#")) {
      const inHeader = duration === undefined && segments.length === 0 && pending.length === 0;
      if (inHeader && !["#EXT-X-DISCONTINUITY", "#EXT-X-BYTERANGE"].includes(tagName(trimmed)))
        header.push(line);
      else if (STATEFUL_SEGMENT_TAGS.includes(tagName(trimmed))) return undefined;
      else pending.push(line);
    } else {
      if (duration === undefined) return undefined;
      segments.push({ lines: [...pending, line], duration });
      pending = [];
      duration = undefined;
    }
  }
  if (segments.length === 0) return undefined;
  const loopSeconds = segments.reduce((sum, segment) => sum + segment.duration, 0);
  return { header, segments, loopSeconds, lineEnding };
}

export interface LiveWindowOptions {
  /** Segments published in each window (the live playlist's length). */
  readonly windowSegments: number;
}

/**
 * The live playlist at `elapsedSeconds` since the stream started. The stream
 * is treated as already `windowSegments` segments old at start, so the very
 * first window is full.
 */
export function renderLiveWindow(
  playlist: LoopablePlaylist,
  elapsedSeconds: number,
  options: LiveWindowOptions,
): string {
  const count = playlist.segments.length;
  const window = Math.max(1, Math.floor(options.windowSegments));
  const published = window + publishedSince(playlist, Math.max(0, elapsedSeconds));
  const first = published - window;

  const out = [...playlist.header];
  out.push(`#EXT-X-MEDIA-SEQUENCE:${first}`);
  // The discontinuity sequence of the first listed segment: one per completed loop before it.
  out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${Math.floor(first / count)}`);
  for (let sequence = first; sequence < published; sequence++) {
    const index = sequence % count;
    if (index === 0 && sequence !== first) out.push("#EXT-X-DISCONTINUITY");
    out.push(...playlist.segments[index].lines);
  }
  return out.join(playlist.lineEnding) + playlist.lineEnding;
}

/** How many segments have completed in `elapsedSeconds` of looping. */
function publishedSince(playlist: LoopablePlaylist, elapsedSeconds: number): number {
  const loops = Math.floor(elapsedSeconds / playlist.loopSeconds);
  let remaining = elapsedSeconds - loops * playlist.loopSeconds;
  let published = loops * playlist.segments.length;
  for (const segment of playlist.segments) {
    if (remaining < segment.duration) break;
    remaining -= segment.duration;
    published++;
  }
  return published;
}
