/**
 * `signed-hls-cdn rewrite` with the viewer's own grant (issue 14 item 5): a
 * signed URL, a Cookie header or a resource pattern, so any playlist of a
 * session comes out as the edge answers it (a media playlist reached from a
 * master keeps the master's folder; a cookie viewer gets no signature). And
 * item 4: every URI on an allowed host that the grant leaves out is a warning
 * (stderr, or `outOfScope` in `--stats`); `--asset-root-depth` refuses a
 * one-URL grant above the asset root as the edge does.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRewrite } from "../../cli/commands/rewrite";
import type { CommandIo } from "../../cli/io";
import { generateKeyPair, Signer, verifyRequest } from "../../functions/cloudfront";
import { fixedTrustedKeys } from "../../functions/keys";
import type { CloudFrontResultResponse } from "../../functions/handlers/manifest-edge/cloudfront-events";
import { createManifestHandler } from "../../functions/handlers/manifest-edge/manifest-edge";
import { requestEvent } from "../functions/handlers/events";
import { HOST, NOW, KEY_ID } from "../support/constants";

const ASSET = `https://${HOST}/vod/asset1/`;
const CHILD_URL = `${ASSET}720p/index._m3u8`;
const MEDIA = Buffer.from(
  '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=AES-128,URI="../keys/k.key"\n#EXTINF:2,\nseg1.ts\n' +
    '#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8",LAST-MSN=1\n',
);
/** An audio-only media playlist below the asset root (issue 14 item 4): its key in the asset's keys/ folder. */
const AUDIO_URL = `https://${HOST}/videos/abc/audio/en/index._m3u8`;
const AUDIO = Buffer.from(
  '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="../../keys/k.key?token=secret"\n#EXTINF:2,\nseg_0.ts\n' +
    "#EXTINF:2,\n../../keys/../video/seg_1.ts\n#EXTINF:2,\nhttps://elsewhere.example.net/seg_2.ts\n",
);
const pair = generateKeyPair("rsa-2048"); // deterministic signatures: outputs compare byte for byte
const signer = new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => NOW });
const trusted = new Map([[KEY_ID, pair.publicKeyPem]]);

async function rewrite(
  args: string[],
  input: Buffer = MEDIA,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const io: CommandIo = {
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
    now: () => NOW,
  };
  const code = await runRewrite(args, io, async () => input);
  return { code, ...out };
}

/** What the edge answers for the child playlist with this query / Cookie header. */
async function edgeAnswer(querystring: string, cookie?: string): Promise<string> {
  const handler = createManifestHandler(
    {
      distributionDomain: HOST,
      trigger: "viewer-request",
      fetch: { mode: "distribution" },
      fetchTimeoutMs: 2000,
      playlistLifetimeSeconds: 3600,
      keySource: { region: "us-east-1", parameterPrefix: "/cloudfront-signer/test" },
    },
    {
      keys: { getSigner: async () => signer },
      trustedKeys: fixedTrustedKeys([pair.publicKeyPem]),
      fetchText: async () => ({ status: 200, body: MEDIA }),
      now: () => NOW,
      log: () => undefined,
    },
  );
  const response = (await handler(
    requestEvent("viewer-request", {
      uri: new URL(CHILD_URL).pathname,
      querystring,
      headers: cookie ? { Cookie: cookie } : {},
    }),
  )) as CloudFrontResultResponse;
  assert.equal(response.status, "200");
  return response.body ?? "";
}

describe("cli: signed-hls-cdn rewrite with the viewer's grant", () => {
  let dir = "";
  let keyFile = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "rewrite-grant-"));
    keyFile = join(dir, "key.pem");
    writeFileSync(keyFile, pair.privateKeyPem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const key = () => ["--key-pair-id", KEY_ID, "--private-key", keyFile];

  it("--resource: a media playlist keeps the master's folder, so ../360p/ is signed and verifies", async () => {
    const { code, stdout, stderr } = await rewrite([
      ...key(),
      "--playlist-url",
      CHILD_URL,
      "--ttl",
      "600",
      "--resource",
      `${ASSET}*`,
    ]);
    assert.equal(code, 0, stderr);
    const report = /URI="(\.\.\/360p\/index\._m3u8\?[^"]+)"/.exec(stdout)?.[1];
    assert.ok(report, stdout);
    assert.ok(verifyRequest({ url: new URL(report, CHILD_URL).href, now: NOW + 1 }, trusted).accepted);
    // Without it the grant is the playlist's own folder: ../360p/ stays as written.
    const narrow = await rewrite([...key(), "--playlist-url", CHILD_URL, "--ttl", "600"]);
    assert.match(narrow.stdout, /URI="\.\.\/360p\/index\.m3u8"/);
  });

  it("--viewer-url: byte for byte the edge's answer to that signed request", async () => {
    const viewerUrl = signer.signUrl(CHILD_URL, { expires: NOW + 600, resource: { folderOf: `${ASSET}x` } });
    const { code, stdout, stderr } = await rewrite([...key(), "--viewer-url", viewerUrl]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, await edgeAnswer(viewerUrl.slice(viewerUrl.indexOf("?") + 1)));
    assert.match(stdout, /URI="\.\.\/360p\/index\._m3u8\?Policy=/);
  });

  it("--cookie: cookie mode, renamed and unsigned, byte for byte the edge's answer", async () => {
    const cookies = signer.signCookies(CHILD_URL, {
      expires: NOW + 600,
      resource: { folderOf: `${ASSET}x` },
    });
    const header = Object.entries(cookies.cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    const { code, stdout, stderr } = await rewrite([
      ...key(),
      "--playlist-url",
      CHILD_URL,
      "--cookie",
      header,
      "--stats",
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, await edgeAnswer("", header));
    assert.doesNotMatch(stdout, /Signature=/);
    assert.match(stdout, /URI="\.\.\/360p\/index\._m3u8"/);
    assert.equal(JSON.parse(stderr).signatures, 0);
  });

  it("refuses two grants, an expired or unreadable grant, and a resource with inner wildcards", async () => {
    const viewerUrl = signer.signUrl(CHILD_URL, { expires: NOW + 600 });
    const expired = new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => NOW - 100 });
    for (const [args, message] of [
      [["--viewer-url", viewerUrl, "--ttl", "60"], /exactly one grant/],
      [["--viewer-url", expired.signUrl(CHILD_URL, { expires: NOW - 1 })], /expired/],
      [["--viewer-url", CHILD_URL], /unreadable/],
      [["--playlist-url", CHILD_URL, "--ttl", "60", "--resource", `https://${HOST}/*/x/*`], /--resource/],
      [["--viewer-url", viewerUrl, "--ip", "203.0.113.7"], /viewer's own grant/],
    ] as const) {
      await assert.rejects(rewrite([...key(), ...args]), message);
    }
  });

  it("names each same-host URI left out on stderr (no query), never the foreign host's", async () => {
    const { code, stdout, stderr } = await rewrite(
      [...key(), "--playlist-url", AUDIO_URL, "--ttl", "600"],
      AUDIO,
    );
    assert.equal(code, 0, stderr);
    assert.match(stdout, /\nseg_0\.ts\?Policy=/);
    assert.match(
      stderr,
      /^signed-hls-cdn: warning: 2 URI\(s\) on an allowed host lie outside the grant's scope https:\/\/d111111abcdef8\.cloudfront\.net\/videos\/abc\/audio\/en\/\* and will answer 403: \.\.\/\.\.\/keys\/k\.key, \.\.\/\.\.\/keys\/\.\.\/video\/seg_1\.ts /,
    );
    assert.doesNotMatch(stderr, /secret|elsewhere/);
  });

  it("--stats carries the count and the URIs; the asset-root grant leaves nothing out", async () => {
    const narrow = await rewrite([...key(), "--playlist-url", AUDIO_URL, "--ttl", "600", "--stats"], AUDIO);
    assert.deepEqual(JSON.parse(narrow.stderr).outOfScope, {
      count: 2,
      uris: ["../../keys/k.key", "../../keys/../video/seg_1.ts"],
    });
    const assetRoot = await rewrite(
      [
        ...key(),
        ...["--playlist-url", AUDIO_URL, "--ttl", "600", "--stats"],
        ...["--resource", `https://${HOST}/videos/abc/*`],
      ],
      AUDIO,
    );
    assert.deepEqual(JSON.parse(assetRoot.stderr).outOfScope, { count: 0, uris: [] });
    const quiet = await rewrite(
      [
        ...key(),
        ...["--playlist-url", AUDIO_URL, "--ttl", "600"],
        ...["--resource", `https://${HOST}/videos/abc/*`],
      ],
      AUDIO,
    );
    assert.equal(quiet.stderr, "");
  });

  it("--asset-root-depth: a one-URL grant above the asset root is refused, as at the edge", async () => {
    const above = `https://${HOST}/videos/master._m3u8`;
    await assert.rejects(
      rewrite([...key(), "--playlist-url", above, "--ttl", "600", "--asset-root-depth", "2"], AUDIO),
      { code: "above-asset-root" },
    );
    assert.equal((await rewrite([...key(), "--playlist-url", above, "--ttl", "600"], AUDIO)).code, 0);
    await assert.rejects(
      rewrite([...key(), "--playlist-url", above, "--ttl", "600", "--asset-root-depth", "x"], AUDIO),
      /--asset-root-depth must be a whole number from 0 to 16/,
    );
  });
});
