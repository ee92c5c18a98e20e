/**
 * The generated response of the manifest edge function: gzip when the viewer
 * accepts it, and a hard check against the trigger's generated-response limit
 * (never a truncated playlist).
 */
import { gzipSync } from "node:zlib";
import { cloudFrontHeaders, type CloudFrontResultResponse } from "./cloudfront-events";

export const PLAYLIST_CONTENT_TYPE = "application/vnd.apple.mpegurl";

/**
 * The body carries a signature bound to this viewer's expiry and IP: no shared
 * cache may keep it, and a browser cache must not replay it after the viewer's
 * grant changes. Live playlists are reloaded every target duration anyway.
 */
export const PLAYLIST_CACHE_CONTROL = "private, no-store";

/** True when the Accept-Encoding header allows gzip (`gzip`, `x-gzip` or `*` with q > 0, not `gzip;q=0`). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of acceptEncoding.split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(param);
      if (match) q = Number(match[1]);
    }
    if (!Number.isFinite(q)) q = 0;
    if (coding.trim() === "gzip" || coding.trim() === "x-gzip") gzip = Math.max(gzip ?? 0, q);
    else if (coding.trim() === "*") star = q;
  }
  if (gzip !== undefined) return gzip > 0;
  return star !== undefined && star > 0;
}

export type BuiltResponse =
  | {
      readonly ok: true;
      readonly response: CloudFrontResultResponse;
      readonly bytes: number;
      readonly gzip: boolean;
    }
  | { readonly ok: false; readonly bytes: number; readonly gzip: boolean; readonly rawBytes: number };

/**
 * Size measured as CloudFront receives it: the serialized result, headers and
 * (base64 when gzipped) body together. Over `limitBytes`: not ok, nothing cut.
 */
export function playlistResponse(
  text: string,
  options: { gzip: boolean; limitBytes: number; head: boolean; headers?: Record<string, string> },
): BuiltResponse {
  const raw = Buffer.from(text, "utf8");
  const body = options.gzip ? gzipSync(raw, { level: 9 }) : raw;
  const { Vary: extraVary, ...extra } = options.headers ?? {};
  const headers: Record<string, string> = {
    "Content-Type": PLAYLIST_CONTENT_TYPE,
    "Cache-Control": PLAYLIST_CACHE_CONTROL,
    ...extra,
    Vary: extraVary ? `Accept-Encoding, ${extraVary}` : "Accept-Encoding",
  };
  if (options.gzip) headers["Content-Encoding"] = "gzip";
  const full: CloudFrontResultResponse = {
    status: "200",
    statusDescription: "OK",
    headers: cloudFrontHeaders(headers),
    ...(options.gzip
      ? { body: body.toString("base64"), bodyEncoding: "base64" as const }
      : { body: text, bodyEncoding: "text" as const }),
  };
  const bytes = Buffer.byteLength(JSON.stringify(full), "utf8");
  if (bytes > options.limitBytes) return { ok: false, bytes, gzip: options.gzip, rawBytes: raw.length };
  if (options.head) {
    const { body: _body, bodyEncoding: _encoding, ...headOnly } = full;
    return { ok: true, response: headOnly, bytes, gzip: options.gzip };
  }
  return { ok: true, response: full, bytes, gzip: options.gzip };
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** A short error response: status, the stable error code, never a secret. */
export function errorResponse(
  status: number,
  code: string,
  extraHeaders: Record<string, string> = {},
): CloudFrontResultResponse {
  return {
    status: String(status),
    statusDescription: REASONS[status] ?? "Error",
    headers: cloudFrontHeaders({
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
      ...extraHeaders,
    }),
    body: `${status} ${REASONS[status] ?? "Error"}: ${code}\n`,
    bodyEncoding: "text",
  };
}
