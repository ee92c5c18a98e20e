/** The default raw-playlist reader against a real local HTTP server: status, byte cap, no redirects, deadline. */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  fetchTextWithNodeFetch,
  fetchWithDeadline,
} from "../../../../functions/handlers/manifest-edge/playlist-fetch";

describe("playlist fetch (Node fetch)", () => {
  let server: Server;
  let base = "";
  const hanging: (() => void)[] = [];

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/ok.m3u8") {
        response.writeHead(200, { "content-type": "application/vnd.apple.mpegurl" }).end("#EXTM3U\nseg.ts\n");
      } else if (request.url === "/big.m3u8") {
        response.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        for (let i = 0; i < 32; i++) response.write(chunk);
        response.end();
      } else if (request.url === "/redirect.m3u8") {
        response.writeHead(301, { location: "https://evil.example.org/x.m3u8" }).end();
      } else if (request.url === "/slow.m3u8") {
        hanging.push(() => response.end("#EXTM3U\n"));
      } else {
        response.writeHead(404).end("no");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    hanging.forEach((finish) => finish());
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const read = (path: string, timeoutMs = 2000, maxBytes = 1024 * 1024) =>
    fetchWithDeadline(fetchTextWithNodeFetch, `${base}${path}`, { timeoutMs, maxBytes });

  it("reads a playlist", async () => {
    const result = await read("/ok.m3u8");
    assert.ok(result !== "timeout");
    assert.equal(result.status, 200);
    assert.equal(Buffer.from(result.body).toString(), "#EXTM3U\nseg.ts\n");
    assert.ok(!result.tooLarge);
  });

  it("stops reading past the byte cap and says so", async () => {
    const result = await read("/big.m3u8", 2000, 100_000);
    assert.ok(result !== "timeout" && result.tooLarge === true && result.body.byteLength === 0);
  });

  it("reports a redirect instead of following it", async () => {
    const result = await read("/redirect.m3u8");
    assert.ok(result !== "timeout");
    assert.equal(result.status, 301);
  });

  it("passes other statuses through", async () => {
    const result = await read("/missing.m3u8");
    assert.ok(result !== "timeout" && result.status === 404);
  });

  it("gives up at the deadline", async () => {
    assert.equal(await read("/slow.m3u8", 50), "timeout");
  });

  it("lets a network failure reject", async () => {
    await assert.rejects(
      fetchWithDeadline(fetchTextWithNodeFetch, "http://127.0.0.1:1/x.m3u8", {
        timeoutMs: 2000,
        maxBytes: 10,
      }),
    );
  });
});
