/**
 * Real-world playlists: the project's own (tests/fixtures/hls) and the
 * videojs/m3u8-parser corpus: its 60 integration playlists, which the npm
 * package m3u8-parser (a pinned dev dependency) ships in test/fixtures/integration
 * (the same files as ../shared/fixtures/hls/m3u8-parser), so they run on every clone.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PlaylistError } from "../../../functions/hls";
import { ASSET, assertSoundRewrite, signedRewrite } from "./helpers";

const OWN = join(__dirname, "..", "..", "fixtures", "hls");
const SHARED = join(dirname(require.resolve("m3u8-parser/package.json")), "test", "fixtures", "integration");

/** Shared fixtures whose first line is not #EXTM3U: refused (missing-header), as hls.js refuses them too. */
const REFUSED_SHARED = new Set([
  "empty.m3u8",
  "manifestNoExtM3u.m3u8",
  "master.m3u8",
  "start.m3u8",
  "streamInfInvalid.m3u8",
]);

function check(directory: string, name: string, expectRefused: boolean): void {
  const text = readFileSync(join(directory, name), "utf8");
  const playlistUrl = `${ASSET}720p/${name.replace(/\.m3u8$/, "._m3u8")}`;
  if (expectRefused) {
    assert.throws(
      () => signedRewrite(text, { playlistUrl }),
      (error: unknown) => error instanceof PlaylistError && error.code === "missing-header",
    );
    return;
  }
  for (const algorithm of ["ecdsa-p256", "rsa-2048"] as const) {
    const signed = signedRewrite(text, { playlistUrl, algorithm, viewer: { resource: `${ASSET}*` } });
    assertSoundRewrite(text, signed);
  }
}

describe("hls rewriter: the project's fixtures", () => {
  const names = readdirSync(OWN).filter((name) => name.endsWith(".m3u8"));
  it("has fixtures to run", () => assert.ok(names.length >= 6));
  for (const name of names) it(name, () => check(OWN, name, false));
});

describe("hls rewriter: the m3u8-parser corpus", function () {
  const names = readdirSync(SHARED)
    .filter((name) => name.endsWith(".m3u8"))
    .sort();
  it("holds the corpus's 60 playlists", () => assert.equal(names.length, 60));
  it("lists the known refusals among them", () => {
    for (const name of REFUSED_SHARED) assert.ok(names.includes(name), name);
  });
  for (const name of names) {
    it(`${name}${REFUSED_SHARED.has(name) ? " (refused: no #EXTM3U first line)" : ""}`, () =>
      check(SHARED, name, REFUSED_SHARED.has(name)));
  }
});
