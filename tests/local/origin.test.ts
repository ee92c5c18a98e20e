import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { closeServer, listenOnLoopback } from "../../local/http";
import { createOriginHandler, resolveUnderRoot } from "../../local/origin";

const SAMPLE = join(__dirname, "../../local/sample");

describe("local origin", () => {
  let server: Server;
  let base: string;
  let nowMs = 1_000_000;

  before(async () => {
    server = createServer(
      createOriginHandler({ root: SAMPLE, live: { windowSegments: 4 }, nowMs: () => nowMs }),
    );
    base = `http://127.0.0.1:${await listenOnLoopback(server, 0)}`;
  });
  after(() => closeServer(server));

  it("serves segments and keys as files with their content types", async () => {
    const segment = await fetch(`${base}/ts/stream_0_000.ts`);
    assert.equal(segment.status, 200);
    assert.equal(segment.headers.get("content-type"), "video/mp2t");
    assert.ok((await segment.arrayBuffer()).byteLength > 1000);
    const key = await fetch(`${base}/fmp4/enc.key`);
    assert.equal((await key.arrayBuffer()).byteLength, 16);
    assert.equal((await fetch(`${base}/fmp4/init_0.mp4`)).headers.get("content-type"), "video/mp4");
  });

  it("serves master playlists unchanged and media playlists as a live window that advances", async () => {
    const master = await (await fetch(`${base}/ts/master.m3u8`)).text();
    assert.match(master, /^#EXTM3U/);
    assert.match(master, /stream_2\.m3u8/);
    const first = await (await fetch(`${base}/fmp4/stream_1.m3u8`)).text();
    assert.doesNotMatch(first, /#EXT-X-ENDLIST/);
    assert.match(first, /#EXT-X-MEDIA-SEQUENCE:0\n/);
    nowMs += 2000;
    const next = await (await fetch(`${base}/fmp4/stream_1.m3u8`)).text();
    assert.match(next, /#EXT-X-MEDIA-SEQUENCE:1\n/);
  });

  it("refuses paths outside its root, unknown files and methods other than GET and HEAD as S3 behind an OAC does", async () => {
    assert.equal(resolveUnderRoot("/srv/media", "/../etc/passwd"), undefined);
    assert.equal(resolveUnderRoot("/srv/media", "/a/%2e%2e/%2e%2e/etc/passwd"), undefined);
    assert.equal(resolveUnderRoot("/srv/media", "/a/%00"), undefined);
    assert.equal(resolveUnderRoot("/srv/media", "/a/%E0%A4%A"), undefined);
    assert.equal(resolveUnderRoot("/srv/media", "/ts/a.ts"), "/srv/media/ts/a.ts");
    // No s3:ListBucket for the OAC: a missing key is 403 AccessDenied, never 404.
    assert.equal((await fetch(`${base}/ts/%2e%2e/%2e%2e/package.json`)).status, 403);
    const missing = await fetch(`${base}/ts/missing.ts`);
    assert.equal(missing.status, 403);
    assert.match(await missing.text(), /<Code>AccessDenied<\/Code>/);
    assert.equal((await fetch(`${base}/ts`)).status, 403);
    // No CORS configuration on the bucket: a preflight is 403.
    const preflight = await fetch(`${base}/ts/enc.key`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:8400", "access-control-request-method": "GET" },
    });
    assert.equal(preflight.status, 403);
    assert.equal((await fetch(`${base}/ts/enc.key`, { method: "POST" })).status, 405);
    const head = await fetch(`${base}/ts/enc.key`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "16");
  });
});
