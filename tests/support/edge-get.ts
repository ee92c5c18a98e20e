/**
 * GET a `http://localhost:<port>/...` URL over 127.0.0.1 keeping its Host:
 * the local edge verifies `https://localhost/...`, and fetch would send
 * 127.0.0.1 (a wrong host) or may resolve localhost to ::1.
 */
import { request } from "node:http";

export interface EdgeReply {
  readonly status: number;
  /** The edge's `x-local-edge-reason` of a 403. */
  readonly reason: string;
  readonly text: string;
}

export function getAsLocalhost(url: string, headers: Record<string, string> = {}): Promise<EdgeReply> {
  const parsed = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: parsed.port,
        path: parsed.pathname + parsed.search,
        headers: { host: parsed.host, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            reason: String(res.headers["x-local-edge-reason"] ?? ""),
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}
