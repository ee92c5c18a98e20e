/**
 * Reading the raw playlist with a deadline and a byte cap. The default uses
 * Node's global fetch (no redirects followed: a 3xx is an unexpected answer,
 * never a hop to another host).
 */
import { withinDeadline } from "../../keys/deadline";

export interface FetchTextInit {
  /** Aborted when the handler's deadline passes. */
  readonly signal: AbortSignal;
  /** Stop reading past this many bytes and report `tooLarge`. */
  readonly maxBytes: number;
}

export interface FetchedText {
  readonly status: number;
  readonly body: Uint8Array;
  /** True when the body was longer than `maxBytes` (the body is then incomplete and must not be used). */
  readonly tooLarge?: boolean;
}

export type FetchText = (url: string, init: FetchTextInit) => Promise<FetchedText>;

export const fetchTextWithNodeFetch: FetchText = async (url, init) => {
  const response = await fetch(url, { signal: init.signal, redirect: "manual" });
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > init.maxBytes) {
        await reader.cancel();
        return { status: response.status, body: new Uint8Array(0), tooLarge: true };
      }
      chunks.push(value);
    }
  }
  return { status: response.status, body: Buffer.concat(chunks) };
};

/** Runs `fetchText` under a deadline; resolves `"timeout"` when it passes first (and aborts the fetch). */
export function fetchWithDeadline(
  fetchText: FetchText,
  url: string,
  options: { timeoutMs: number; maxBytes: number },
): Promise<FetchedText | "timeout"> {
  return withinDeadline(
    (signal) => fetchText(url, { signal, maxBytes: options.maxBytes }),
    options.timeoutMs,
  );
}
