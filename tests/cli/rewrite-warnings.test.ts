/**
 * `signed-hls-cdn rewrite` reports every URI on an allowed host that the
 * grant's scope leaves out (issue 14 item 4): each is a 403 waiting for a
 * player. A warning line on stderr, or `outOfScope` in the `--stats` summary;
 * `--asset-root-depth` refuses a one-URL grant above the asset root as the edge does.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRewrite } from "../../cli/commands/rewrite";
import type { CommandIo } from "../../cli/io";
import { generateKeyPair } from "../../functions/cloudfront";

const HOST = "d111111abcdef8.cloudfront.net";
const AUDIO_URL = `https://${HOST}/videos/abc/audio/en/index._m3u8`;
const NOW = 1_800_000_000;
const AUDIO = Buffer.from(
  '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="../../keys/k.key?token=secret"\n#EXTINF:2,\nseg_0.ts\n' +
    "#EXTINF:2,\n../../keys/../video/seg_1.ts\n#EXTINF:2,\nhttps://elsewhere.example.net/seg_2.ts\n",
);
const pair = generateKeyPair("ecdsa-p256");

async function rewrite(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const io: CommandIo = {
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
    now: () => NOW,
  };
  const code = await runRewrite(args, io, async () => AUDIO);
  return { code, ...out };
}

describe("cli: rewrite warns about URIs outside the grant's scope (issue 14 item 4)", () => {
  let dir = "";
  let keyFile = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "rewrite-warnings-"));
    keyFile = join(dir, "key.pem");
    writeFileSync(keyFile, pair.privateKeyPem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const key = () => ["--key-pair-id", "K2JCJMDEHXQW5F", "--private-key", keyFile];

  it("names each same-host URI left out on stderr (no query), never the foreign host's", async () => {
    const { code, stdout, stderr } = await rewrite([...key(), "--playlist-url", AUDIO_URL, "--ttl", "600"]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /\nseg_0\.ts\?Policy=/);
    assert.match(
      stderr,
      /^signed-hls-cdn: warning: 2 URI\(s\) on an allowed host lie outside the grant's scope https:\/\/d111111abcdef8\.cloudfront\.net\/videos\/abc\/audio\/en\/\* and will answer 403: \.\.\/\.\.\/keys\/k\.key, \.\.\/\.\.\/keys\/\.\.\/video\/seg_1\.ts /,
    );
    assert.doesNotMatch(stderr, /secret|elsewhere/);
  });

  it("--stats carries the count and the URIs; the asset-root grant leaves nothing out", async () => {
    const narrow = await rewrite([...key(), "--playlist-url", AUDIO_URL, "--ttl", "600", "--stats"]);
    assert.deepEqual(JSON.parse(narrow.stderr).outOfScope, {
      count: 2,
      uris: ["../../keys/k.key", "../../keys/../video/seg_1.ts"],
    });
    const assetRoot = await rewrite([
      ...key(),
      ...["--playlist-url", AUDIO_URL, "--ttl", "600", "--stats"],
      ...["--resource", `https://${HOST}/videos/abc/*`],
    ]);
    assert.deepEqual(JSON.parse(assetRoot.stderr).outOfScope, { count: 0, uris: [] });
    const quiet = await rewrite([
      ...key(),
      ...["--playlist-url", AUDIO_URL, "--ttl", "600"],
      ...["--resource", `https://${HOST}/videos/abc/*`],
    ]);
    assert.equal(quiet.stderr, "");
  });

  it("--asset-root-depth: a one-URL grant above the asset root is refused, as at the edge", async () => {
    const above = `https://${HOST}/videos/master._m3u8`;
    await assert.rejects(
      rewrite([...key(), "--playlist-url", above, "--ttl", "600", "--asset-root-depth", "2"]),
      { code: "above-asset-root" },
    );
    assert.equal((await rewrite([...key(), "--playlist-url", above, "--ttl", "600"])).code, 0);
    await assert.rejects(
      rewrite([...key(), "--playlist-url", above, "--ttl", "600", "--asset-root-depth", "x"]),
      /--asset-root-depth must be a whole number from 0 to 16/,
    );
  });
});
