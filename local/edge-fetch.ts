/**
 * How the manifest handler reads a raw playlist locally: its default fetch
 * mode goes "through the distribution" with its own short-lived signed URL,
 * so `https://localhost/...` is sent to the local edge's loopback port (the
 * `*.m3u8` behavior verifies it like any viewer request).
 */
import { request } from "node:http";
import type { FetchText } from "../functions/handlers/manifest-edge/playlist-fetch";
import { LOOPBACK_HOST } from "./http";

export function fetchThroughEdge(distributionDomain: string, edgePort: number): FetchText {
  const prefix = `https://${distributionDomain}/`;
  return (url, init) =>
    new Promise((resolve, reject) => {
      if (!url.startsWith(prefix))
        return reject(new Error(`not a URL on the distribution: ${url.split("?")[0]}`));
      const req = request(
        {
          host: LOOPBACK_HOST,
          port: edgePort,
          path: `/${url.slice(prefix.length)}`,
          headers: { host: `${distributionDomain}:${edgePort}` },
          signal: init.signal,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let total = 0;
          response.on("data", (chunk: Buffer) => {
            total += chunk.length;
            if (total > init.maxBytes) {
              response.destroy();
              resolve({ status: response.statusCode ?? 0, body: new Uint8Array(0), tooLarge: true });
            } else chunks.push(chunk);
          });
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }),
          );
          response.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
}
