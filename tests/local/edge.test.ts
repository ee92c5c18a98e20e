import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from "node:net";
import { join } from "node:path";
import { generateKeyPair } from "../../functions/cloudfront/keys";
import { Signer } from "../../functions/cloudfront/signer";
import type { CloudFrontRequestEvent } from "../../local/cloudfront-event";
import { createEdge, type LocalEdge } from "../../local/edge";
import { closeServer, listenOnLoopback } from "../../local/http";
import { createOriginHandler } from "../../local/origin";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** GET through 127.0.0.1 with an explicit Host (fetch cannot set Host). */
function get(
  port: number,
  host: string,
  target: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: target, method, headers: { host, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("local edge", () => {
  const keys = generateKeyPair("ecdsa-p256");
  const trusted = new Map([["K1LOCALEDGETEST", keys.publicKeyPem]]);
  const signer = new Signer({ keyPairId: "K1LOCALEDGETEST", privateKey: keys.privateKeyPem });
  const events: CloudFrontRequestEvent[] = [];
  let manifestBody = "#EXTM3U\n";
  let origin: Server;
  let edgeServer: Server;
  let edge: LocalEdge;
  let port: number;
  let host: string;
  const now = () => Math.floor(Date.now() / 1000);

  before(async () => {
    origin = createServer(createOriginHandler({ root: join(__dirname, "../../local/sample"), live: false }));
    const originPort = await listenOnLoopback(origin, 0);
    edge = createEdge({
      originUrl: `http://127.0.0.1:${originPort}`,
      trustedKeys: () => trusted,
      trigger: "viewer-request",
      distributionDomain: "localhost",
      allowedOrigins: ["http://localhost:1234"],
      manifestHandler: async (event) => {
        events.push(event);
        return {
          status: "200",
          statusDescription: "OK",
          headers: { "content-type": [{ key: "Content-Type", value: "application/vnd.apple.mpegurl" }] },
          body: Buffer.from(manifestBody).toString("base64"),
          bodyEncoding: "base64",
        };
      },
    });
    edgeServer = createServer(edge.handler);
    port = await listenOnLoopback(edgeServer, 0);
    host = `localhost:${port}`;
  });
  after(async () => {
    await closeServer(edgeServer);
    edge.close();
    await closeServer(origin);
  });

  /** A signer whose clock is two minutes behind, to make URLs that have already expired. */
  const pastSigner = new Signer({
    keyPairId: "K1LOCALEDGETEST",
    privateKey: keys.privateKeyPem,
    now: () => now() - 120,
  });
  const signed = (path: string, expires = now() + 60) =>
    (expires > now() ? signer : pastSigner)
      .signUrl(`https://localhost${path}`, { expires })
      .slice("https://localhost".length);

  it("verifies the URL CloudFront would see: https://<host without port><path>", async () => {
    const reply = await get(port, "localhost:1", signed("/ts/enc.key"));
    assert.equal(reply.status, 200, "any loopback port: the port is not part of the signed URL");
    assert.equal((await get(port, "local host", signed("/ts/enc.key"))).status, 403, "malformed Host");
  });

  it("serves a signed segment from the origin and names the key that signed it", async () => {
    const reply = await get(port, host, signed("/ts/enc.key"));
    assert.equal(reply.status, 200);
    assert.equal(reply.body.length, 16);
    assert.equal(reply.headers["x-local-edge-key-id"], "K1LOCALEDGETEST");
    assert.equal(reply.headers["x-local-edge-signed-by"], "url");
    assert.equal(reply.headers["x-local-edge-behavior"], "*.key");
  });

  it("forwards Range to the origin and returns its 206 or 416 with Content-Range, as CloudFront does", async () => {
    const whole = await get(port, host, signed("/fmp4/init_0.mp4"));
    const partial = await get(port, host, signed("/fmp4/init_0.mp4"), { range: "bytes=8-15" });
    assert.equal(partial.status, 206);
    assert.equal(partial.headers["content-range"], `bytes 8-15/${whole.body.length}`);
    assert.equal(partial.headers["accept-ranges"], "bytes");
    assert.deepEqual(partial.body, whole.body.subarray(8, 16));
    const past = await get(port, host, signed("/fmp4/init_0.mp4"), { range: "bytes=99999999-" });
    assert.equal(past.status, 416);
    assert.equal(past.headers["content-range"], `bytes */${whole.body.length}`);
    const unsigned = await get(port, host, "/fmp4/init_0.mp4", { range: "bytes=0-1" });
    assert.equal(unsigned.status, 403, "a range request is verified like any other");
  });

  it("accepts signed cookies", async () => {
    const cookies = signer.signCookies("https://localhost/ts/master._m3u8", {
      expires: now() + 60,
      resource: { pattern: "https://localhost/ts/*" },
    });
    const header = Object.entries(cookies.cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    const reply = await get(port, host, "/ts/stream_0_000.ts", { cookie: header });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers["x-local-edge-signed-by"], "cookie");
    assert.equal(
      (await get(port, host, "/fmp4/enc.key", { cookie: header })).status,
      403,
      "cookie scoped to /ts/*",
    );
  });

  it("refuses unsigned, expired, tampered, wrong-host and untrusted-key requests with CloudFront's reason", async () => {
    const cases: [string, Promise<Reply>, string][] = [
      ["unsigned", get(port, host, "/ts/enc.key"), "missing-signature"],
      ["expired", get(port, host, signed("/ts/enc.key", now() - 1)), "expired"],
      [
        "tampered path",
        get(port, host, signed("/ts/enc.key").replace("/ts/enc.key", "/fmp4/enc.key")),
        "bad-signature",
      ],
      [
        "tampered signature",
        get(
          port,
          host,
          signed("/ts/enc.key").replace(
            /Signature=(.)/,
            (_m, c: string) => `Signature=${c === "A" ? "B" : "A"}`,
          ),
        ),
        "bad-signature",
      ],
      ["wrong host", get(port, `127.0.0.1:${port}`, signed("/ts/enc.key")), "bad-signature"],
      [
        "untrusted key",
        get(port, host, signed("/ts/enc.key").replace("K1LOCALEDGETEST", "K2OTHERKEY")),
        "unknown-key",
      ],
      ["POST", get(port, host, signed("/ts/enc.key"), {}, "POST"), "method"],
      // A preflight carries no cookies and is checked like any request (cookie mode meets this).
      [
        "cookie-mode preflight",
        get(
          port,
          host,
          "/ts/enc.key",
          { origin: "http://localhost:1234", "access-control-request-method": "GET" },
          "OPTIONS",
        ),
        "missing-signature",
      ],
    ];
    for (const [name, pending, code] of cases) {
      const reply = await pending;
      assert.equal(reply.status, 403, name);
      assert.match(String(reply.headers["x-local-edge-reason"]), new RegExp(`^${code}: `), name);
      assert.match(reply.body.toString(), /<Code>AccessDenied<\/Code>/, name);
    }
    assert.ok(edge.stats.rejected >= cases.length);
  });

  it("runs the manifest handler on *._m3u8 with CloudFront's viewer-request event and returns its response", async () => {
    events.length = 0;
    manifestBody = "#EXTM3U\n#EXT-X-VERSION:3\n";
    const target = signed("/ts/master._m3u8");
    const reply = await get(port, host, target, {
      "accept-encoding": "gzip",
      origin: "http://localhost:1234",
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.toString(), manifestBody);
    assert.equal(reply.headers["content-type"], "application/vnd.apple.mpegurl");
    // A generated response gets no CORS headers from the edge (the response headers policy is not
    // counted on for it: functions/handlers/manifest-edge/edge-cors.ts); this fake function sets none.
    assert.equal(reply.headers["access-control-allow-origin"], undefined);
    assert.equal(events.length, 1);
    const { config, request: cfRequest } = events[0].Records[0].cf;
    assert.equal(config.eventType, "viewer-request");
    assert.equal(config.distributionDomainName, "localhost");
    assert.equal(cfRequest.uri, "/ts/master._m3u8");
    assert.equal(`${cfRequest.uri}?${cfRequest.querystring}`, target);
    assert.equal(cfRequest.method, "GET");
    assert.equal(cfRequest.clientIp, "127.0.0.1");
    assert.deepEqual(cfRequest.headers.host, [{ key: "Host", value: "localhost" }], "the port is transport");
    assert.deepEqual(
      cfRequest.headers["accept-encoding"],
      [{ key: "accept-encoding", value: "gzip" }],
      "header names keep the case the viewer sent",
    );
  });

  it("answers 502 when the function's generated response breaks the trigger's size limit", async () => {
    manifestBody = "#".repeat(41 * 1024);
    const failedBefore = edge.stats.failed;
    const reply = await get(port, host, signed("/ts/master._m3u8"));
    assert.equal(reply.status, 502);
    assert.equal(edge.stats.failed, failedBefore + 1, "counted as a failed response");
    assert.match(String(reply.headers["x-local-edge-reason"]), /exceeds the viewer-request limit/);
  });

  describe("with an origin that closes a kept-alive connection as the next request arrives", () => {
    let flakyOrigin: NetServer;
    let flakyEdge: LocalEdge;
    let flakyEdgeServer: Server;
    let flakyPort: number;
    let connections = 0;

    before(async () => {
      // Answers the first request on each connection with keep-alive, then drops
      // the connection without a reply when a second request comes on it: the
      // moment an idle connection times out on the server as the client reuses it.
      flakyOrigin = createNetServer((socket) => {
        connections++;
        let served = 0;
        socket.on("data", () => {
          if (served++ === 0)
            socket.write("HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: keep-alive\r\n\r\nok\n");
          else socket.destroy();
        });
      });
      await new Promise<void>((resolve) => flakyOrigin.listen(0, "127.0.0.1", resolve));
      const originPort = (flakyOrigin.address() as AddressInfo).port;
      flakyEdge = createEdge({
        originUrl: `http://127.0.0.1:${originPort}`,
        trustedKeys: () => trusted,
        trigger: "viewer-request",
        distributionDomain: "localhost",
        allowedOrigins: [],
        manifestHandler: () => Promise.reject(new Error("no playlists here")),
      });
      flakyEdgeServer = createServer(flakyEdge.handler);
      flakyPort = await listenOnLoopback(flakyEdgeServer, 0);
    });
    after(async () => {
      await closeServer(flakyEdgeServer);
      flakyEdge.close();
      await new Promise((resolve) => flakyOrigin.close(resolve));
    });

    it("sends a GET once more on a new connection instead of answering 502", async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const reply = await get(flakyPort, `localhost:${flakyPort}`, signed("/ts/enc.key"));
        assert.equal(reply.status, 200, String(reply.headers["x-local-edge-reason"]));
        assert.equal(reply.body.toString(), "ok\n");
      }
      assert.equal(connections, 3, "each reused connection failed once and was replaced");
      assert.equal(flakyEdge.stats.failed, 0);
    });
  });

  it("does not let an unknown page origin read responses", async () => {
    const reply = await get(port, host, signed("/ts/enc.key"), { origin: "http://evil.example" });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers["access-control-allow-origin"], undefined);
  });
});
