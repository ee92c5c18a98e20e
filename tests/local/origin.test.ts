import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

  it("answers byte ranges as S3 does: 206 with Content-Range, 416 past the end, the whole object for several", async () => {
    const whole = Buffer.from(await (await fetch(`${base}/fmp4/init_0.mp4`)).arrayBuffer());
    const partial = await fetch(`${base}/fmp4/init_0.mp4`, { headers: { range: "bytes=4-11" } });
    assert.equal(partial.status, 206);
    assert.equal(partial.headers.get("content-range"), `bytes 4-11/${whole.length}`);
    assert.equal(partial.headers.get("content-length"), "8");
    assert.equal(partial.headers.get("accept-ranges"), "bytes");
    assert.deepEqual(Buffer.from(await partial.arrayBuffer()), whole.subarray(4, 12));
    const suffix = await fetch(`${base}/fmp4/init_0.mp4`, { headers: { range: "bytes=-10" } });
    assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), whole.subarray(whole.length - 10));

    const past = await fetch(`${base}/fmp4/init_0.mp4`, { headers: { range: `bytes=${whole.length}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get("content-range"), `bytes */${whole.length}`);
    assert.match(await past.text(), /<Code>InvalidRange<\/Code>/);

    const several = await fetch(`${base}/fmp4/init_0.mp4`, { headers: { range: "bytes=0-1,4-5" } });
    assert.equal(several.status, 200);
    assert.equal((await several.arrayBuffer()).byteLength, whole.length);
    const playlist = await fetch(`${base}/ts/master.m3u8`, { headers: { range: "bytes=0-6" } });
    assert.equal(playlist.status, 206);
    assert.equal(await playlist.text(), "#EXTM3U");
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

  describe("with an asset whose audio has one segment more than its video", () => {
    const media = mkdtempSync(join(tmpdir(), "signed-hls-cdn-origin-"));
    let assetServer: Server;
    let assetBase: string;
    let assetNowMs = 5_000_000;
    const playlist = (names: string[], durations: number[]) =>
      [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        "#EXT-X-TARGETDURATION:2",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        ...names.flatMap((name, index) => [`#EXTINF:${durations[index]},`, name]),
        "#EXT-X-ENDLIST",
        "",
      ].join("\n");

    before(async () => {
      mkdirSync(join(media, "show", "video"), { recursive: true });
      mkdirSync(join(media, "show", "audio"), { recursive: true });
      writeFileSync(
        join(media, "show", "master.m3u8"),
        '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",DEFAULT=YES,URI="audio/en.m3u8"\n' +
          '#EXT-X-STREAM-INF:BANDWIDTH=100000,AUDIO="a"\nvideo/v.m3u8\n',
      );
      writeFileSync(join(media, "show", "video", "v.m3u8"), playlist(["v0.ts", "v1.ts", "v2.ts"], [2, 2, 2]));
      writeFileSync(
        join(media, "show", "audio", "en.m3u8"),
        playlist(["a0.aac", "a1.aac", "a2.aac", "a3.aac"], [2, 2, 1.98, 0.043]),
      );
      assetServer = createServer(
        createOriginHandler({ root: media, live: { windowSegments: 3 }, nowMs: () => assetNowMs }),
      );
      assetBase = `http://127.0.0.1:${await listenOnLoopback(assetServer, 0)}`;
    });
    after(async () => {
      await closeServer(assetServer);
      rmSync(media, { recursive: true, force: true });
    });

    it("loops every rendition on one timeline: same media sequence, discontinuities and dates", async () => {
      const window = async (path: string) => {
        const text = await (await fetch(`${assetBase}${path}`)).text();
        return {
          sequence: /#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1],
          discontinuitySequence: /#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)/.exec(text)?.[1],
          // Each segment as its position in the loop and its date: v1.ts and a1.aac are both "1".
          segments: [
            ...text.matchAll(
              /(?:#EXT-X-DISCONTINUITY\n)?#EXT-X-PROGRAM-DATE-TIME:(.+)\n#EXTINF:.*\n[va](\d)\./g,
            ),
          ].map(
            (match) => `${match[0].startsWith("#EXT-X-DISCONTINUITY") ? "|" : ""}${match[2]}@${match[1]}`,
          ),
        };
      };
      // Eleven loops of reloads, every 1.7 s: the two renditions never drift apart.
      for (let step = 0; step < 40; step++) {
        const video = await window("/show/video/v.m3u8");
        const audio = await window("/show/audio/en.m3u8");
        assert.equal(video.segments.length, 3, `step ${step}: ${JSON.stringify(video)}`);
        assert.deepEqual(audio, video, `step ${step}`);
        assetNowMs += 1700;
      }
    });
  });
});
