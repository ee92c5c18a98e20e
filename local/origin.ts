/**
 * The local origin (the stand-in for S3 or MediaPackage): serves a folder of
 * HLS assets read-only. In live mode every VOD media playlist is served as an
 * endless live window over its looped segments (see live-window.ts), all
 * renditions of an asset on one timeline, so a player keeps reloading
 * playlists through the edge.
 */
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";
import { answerRange, contentRange, type ByteRangeAnswer } from "./byte-range";
import { assetRenditions } from "./asset-renditions";
import {
  parseLoopablePlaylist,
  renderLiveWindow,
  sharedTimeline,
  type LiveWindowOptions,
  type LoopablePlaylist,
} from "./live-window";
import { sendText } from "./http";

export interface OriginOptions {
  /** Folder served at `/`. */
  readonly root: string;
  /** Serve VOD media playlists as a live loop with this many segments per window; `false` serves files as they are. */
  readonly live: { readonly windowSegments: number } | false;
  /** Clock in milliseconds (tests); default Date.now. */
  readonly nowMs?: () => number;
}

const CONTENT_TYPES: Record<string, string> = {
  ".m3u8": "application/vnd.apple.mpegurl",
  ".ts": "video/mp2t",
  ".m4s": "video/iso.segment",
  ".mp4": "video/mp4",
  ".m4a": "audio/mp4",
  ".m4v": "video/mp4",
  ".aac": "audio/aac",
  ".mp3": "audio/mpeg",
  ".vtt": "text/vtt",
  ".webvtt": "text/vtt",
  ".key": "application/octet-stream",
};

/** Maps a URL path to a file under root, or undefined for anything that could escape it. */
export function resolveUnderRoot(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith("/") || decoded.includes("\0") || decoded.split("/").some((part) => part === ".."))
    return undefined;
  const base = resolve(root);
  const file = resolve(base, `.${decoded}`);
  return file.startsWith(base + sep) ? file : undefined;
}

/**
 * The bucket grants the distribution's OAC s3:GetObject only, so a missing key is
 * 403 AccessDenied, never 404 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
 * "Permissions"; infra/components/media-bucket.ts), and it has no CORS configuration, so
 * a preflight OPTIONS is 403 (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html).
 */
const S3_NO_CORS = "CORSResponse: CORS is not enabled for this bucket.";

function s3Error(response: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  response.writeHead(status, {
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

export function createOriginHandler(options: OriginOptions): RequestListener {
  const nowMs = options.nowMs ?? Date.now;
  const startedMs = nowMs();
  return (request: IncomingMessage, response: ServerResponse) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) sendText(response, 500, "origin: internal error\n");
      else response.destroy();
    });
  };

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === "OPTIONS") return s3Error(response, 403, "AccessForbidden", S3_NO_CORS);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return sendText(response, 405, "origin: only GET and HEAD\n", { allow: "GET, HEAD" });
    }
    const path = new URL(request.url ?? "/", "http://origin.invalid").pathname;
    const file = resolveUnderRoot(options.root, path);
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) return s3Error(response, 403, "AccessDenied", "Access Denied");

    const extension = extname(file).toLowerCase();
    const contentType = CONTENT_TYPES[extension] ?? "application/octet-stream";
    if (extension === ".m3u8") {
      const text = await readFile(file, "utf8");
      const loop = options.live ? parseLoopablePlaylist(text) : undefined;
      const body = Buffer.from(loop && options.live ? await liveWindow(file, loop, options.live) : text);
      const range = answerRange(request.headers.range, body.length);
      const headers = { "content-type": contentType, "cache-control": loop ? "no-cache" : "max-age=60" };
      if (!startReply(response, range, body.length, headers)) return;
      if (request.method === "HEAD") return void response.end();
      response.end(range.kind === "partial" ? body.subarray(range.start, range.end + 1) : body);
      return;
    }
    const range = answerRange(request.headers.range, info.size);
    const headers = { "content-type": contentType, "cache-control": "max-age=86400" };
    if (!startReply(response, range, info.size, headers)) return;
    if (request.method === "HEAD") return void response.end();
    const stream = createReadStream(
      file,
      range.kind === "partial" ? { start: range.start, end: range.end } : {},
    );
    stream.on("error", () => response.destroy());
    stream.pipe(response);
  }

  /** The live window of `file`, on the timeline it shares with the other loopable renditions of its asset. */
  async function liveWindow(file: string, loop: LoopablePlaylist, live: LiveWindowOptions): Promise<string> {
    const renditions = [loop];
    for (const sibling of (await assetRenditions(options.root, file)).slice(1)) {
      const parsed = parseLoopablePlaylist(await readFile(sibling, "utf8").catch(() => ""));
      if (parsed) renditions.push(parsed);
    }
    const clock = { elapsedSeconds: (nowMs() - startedMs) / 1000, startedAtMs: startedMs };
    return renderLiveWindow(loop, sharedTimeline(renditions), clock, live);
  }
}

/**
 * Writes the status and headers S3 sends for this range answer (always `Accept-Ranges: bytes`);
 * false when the reply is complete already (a 416 with S3's InvalidRange error body).
 */
function startReply(
  response: ServerResponse,
  range: ByteRangeAnswer,
  size: number,
  headers: Record<string, string>,
): boolean {
  const common = { "accept-ranges": "bytes", ...headers };
  if (range.kind === "unsatisfiable") {
    const error = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message><ActualObjectSize>${size}</ActualObjectSize></Error>`;
    response.writeHead(416, {
      "accept-ranges": "bytes",
      "content-type": "application/xml",
      "content-range": contentRange(range, size) ?? "",
      "content-length": Buffer.byteLength(error),
    });
    response.end(error);
    return false;
  }
  if (range.kind === "partial") {
    response.writeHead(206, {
      ...common,
      "content-range": contentRange(range, size) ?? "",
      "content-length": range.end - range.start + 1,
    });
  } else response.writeHead(200, { ...common, "content-length": size });
  return true;
}
