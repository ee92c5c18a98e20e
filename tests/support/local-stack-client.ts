/**
 * Talking to a running local stack from tests: requests to its localhost URLs
 * sent over 127.0.0.1 with the URL's own Host (fetch would send 127.0.0.1, a
 * wrong host for the edge), and a viewer session from the app's API.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import type { LocalStack } from "../../local/stack";

export interface LocalReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body as bytes (segments, byte ranges). */
  readonly body: Buffer;
  /** The edge's `x-local-edge-reason` ("" when none). */
  readonly reason: string;
}

/** `method` on a localhost URL over 127.0.0.1; `headers.host` overrides the URL's host. */
export function sendToLocal(
  url: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<LocalReply> {
  const parsed = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: parsed.port,
        path: parsed.pathname + parsed.search,
        method,
        headers: { host: parsed.host, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: body.toString(),
            body,
            reason: String(res.headers["x-local-edge-reason"] ?? ""),
          });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** A session from the app (`POST /api/session`): the master URL, and in cookie mode a Cookie header. */
export async function openSession(stack: LocalStack, mode: "url" | "cookies", asset: string) {
  const response = await fetch(new URL("/api/session", stack.urls.page.replace("localhost", "127.0.0.1")), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode, asset }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const setCookie = response.headers.getSetCookie();
  return {
    body: (await response.json()) as { masterUrl: string; expires: number; keyPairId: string },
    setCookie,
    cookie: setCookie.map((line) => line.slice(0, line.indexOf(";"))).join("; "),
  };
}
