/**
 * Turns a short VOD media playlist into an endless live one: the segments
 * loop, a sliding window of the latest ones is published as time passes, and
 * each wrap is marked with EXT-X-DISCONTINUITY (timestamps restart), on one
 * timeline for all renditions of an asset (see sharedTimeline). This is
 * how the local origin stands in for a live packager, so the player keeps
 * reloading playlists (through the edge, across key rotations) instead of
 * fetching everything once.
 *
 * Pure: the caller passes the elapsed time.
 */

/** Tags that describe a VOD as a whole, or its own timeline, and have no place in a live window. */
const VOD_ONLY_TAGS = [
  "#EXT-X-PLAYLIST-TYPE",
  "#EXT-X-ENDLIST",
  "#EXT-X-MEDIA-SEQUENCE",
  "#EXT-X-DISCONTINUITY-SEQUENCE",
  "#EXT-X-PROGRAM-DATE-TIME",
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

/**
 * The one clock every rendition of an asset loops on, so a segment has the
 * same media sequence number, discontinuity sequence and program date-time in
 * every rendition (players such as Shaka align live renditions by sequence
 * number). A loop holds as many segments as the shortest rendition has: a
 * packager's audio often ends in one short extra segment (AAC frames overrun
 * the video's last cut), and that tail is left out of the loop rather than
 * shifting the audio's numbering by one on every wrap. Each position lasts as
 * long as the longest rendition's segment there, so no rendition publishes a
 * segment before every rendition has it, as a live packager does.
 */
export interface LoopTimeline {
  /** Seconds each loop position lasts; its length is the segments per loop. */
  readonly durations: readonly number[];
  readonly loopSeconds: number;
}

/** The shared timeline of an asset's loopable renditions (at least one). */
export function sharedTimeline(renditions: readonly LoopablePlaylist[]): LoopTimeline {
  if (renditions.length === 0) throw new Error("sharedTimeline needs at least one rendition");
  const count = Math.min(...renditions.map((rendition) => rendition.segments.length));
  const durations: number[] = [];
  for (let index = 0; index < count; index++)
    durations.push(Math.max(...renditions.map((rendition) => rendition.segments[index].duration)));
  return { durations, loopSeconds: durations.reduce((sum, duration) => sum + duration, 0) };
}

export interface LiveWindowOptions {
  /** Segments published in each window (the live playlist's length). */
  readonly windowSegments: number;
}

export interface LiveClock {
  /** Seconds since the stream started. */
  readonly elapsedSeconds: number;
  /** Wall clock when the stream started, epoch milliseconds (anchors EXT-X-PROGRAM-DATE-TIME). */
  readonly startedAtMs: number;
}

/**
 * The live playlist of one rendition at `clock`, on the asset's `timeline`
 * (`sharedTimeline` of all its renditions; of this one alone when it has no
 * siblings). The stream is treated as already `windowSegments` segments old
 * at start, so the very first window is full. Every segment carries its
 * EXT-X-PROGRAM-DATE-TIME (RFC 8216 4.3.2.6), the same instant in every
 * rendition, so a player can also align renditions by date.
 */
export function renderLiveWindow(
  playlist: LoopablePlaylist,
  timeline: LoopTimeline,
  clock: LiveClock,
  options: LiveWindowOptions,
): string {
  const count = timeline.durations.length;
  if (count > playlist.segments.length) throw new Error("the timeline has more segments than the playlist");
  const window = Math.max(1, Math.floor(options.windowSegments));
  // The stream's timeline position now: it was `window` segments old at start.
  const position = Math.max(0, clock.elapsedSeconds) + startOf(timeline, window);
  const published = completedBy(timeline, position);
  const first = published - window;
  const zeroMs = clock.startedAtMs - startOf(timeline, window) * 1000;

  const out = [...playlist.header];
  out.push(`#EXT-X-MEDIA-SEQUENCE:${first}`);
  // The discontinuity sequence of the first listed segment: one per completed loop before it.
  out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${Math.floor(first / count)}`);
  for (let sequence = first; sequence < published; sequence++) {
    const index = sequence % count;
    if (index === 0 && sequence !== first) out.push("#EXT-X-DISCONTINUITY");
    out.push(
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(zeroMs + startOf(timeline, sequence) * 1000).toISOString()}`,
    );
    out.push(...playlist.segments[index].lines);
  }
  return out.join(playlist.lineEnding) + playlist.lineEnding;
}

/** Where segment `sequence` starts on the looping timeline, seconds. */
function startOf(timeline: LoopTimeline, sequence: number): number {
  const count = timeline.durations.length;
  let seconds = Math.floor(sequence / count) * timeline.loopSeconds;
  for (let index = 0; index < sequence % count; index++) seconds += timeline.durations[index];
  return seconds;
}

/** How many segments have completed by timeline position `seconds`. */
function completedBy(timeline: LoopTimeline, seconds: number): number {
  const loops = Math.floor(seconds / timeline.loopSeconds);
  let remaining = seconds - loops * timeline.loopSeconds;
  let completed = loops * timeline.durations.length;
  for (const duration of timeline.durations) {
    if (remaining < duration) break;
    remaining -= duration;
    completed++;
  }
  return completed;
}
