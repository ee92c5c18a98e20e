/**
 * How the local origin reads a `Range` header, the way Amazon S3's GetObject
 * answers it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
 * parameter Range; syntax from RFC 9110 section 14): one byte range gives 206
 * with `Content-Range`, a range that starts past the end gives 416, and a
 * header that is not one well-formed byte range is ignored (200, the whole
 * object). S3's reference says only that it "doesn't support retrieving
 * multiple ranges of data per GET request", not what it answers: S3 is
 * observed to send the whole object with 200, and that is what we do, so a
 * client must cope with a 200 either way (the edge passes any status on).
 *
 * Pure: the caller passes the header and the object's size.
 */

export type ByteRangeAnswer =
  /** Serve the whole object with 200. */
  | { readonly kind: "whole" }
  /** Serve bytes start..end (inclusive) with 206. */
  | { readonly kind: "partial"; readonly start: number; readonly end: number }
  /** Answer 416 with `Content-Range: bytes *\/size`. */
  | { readonly kind: "unsatisfiable" };

const SINGLE_BYTE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function answerRange(header: string | undefined, size: number): ByteRangeAnswer {
  if (header === undefined) return { kind: "whole" };
  const match = SINGLE_BYTE_RANGE.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return { kind: "whole" };
  if (match[1] === "") {
    // bytes=-N: the last N bytes (all of them when N exceeds the size).
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === "" ? Number.POSITIVE_INFINITY : Number(match[2]);
  if (last < start) return { kind: "whole" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start, end: Math.min(last, size - 1) };
}

/** The `Content-Range` value of a 206 (`bytes 0-99/1234`) or a 416 (`bytes *\/1234`). */
export function contentRange(answer: ByteRangeAnswer, size: number): string | undefined {
  if (answer.kind === "partial") return `bytes ${answer.start}-${answer.end}/${size}`;
  if (answer.kind === "unsatisfiable") return `bytes */${size}`;
  return undefined;
}
