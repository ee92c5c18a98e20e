/**
 * Real-world playlists: the project's own (tests/fixtures/hls) always, and the
 * shared videojs/m3u8-parser corpus (../shared/fixtures/hls) when present.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PlaylistError } from "../../../functions/hls";
import { ASSET, assertSoundRewrite, signedRewrite } from "./helpers";

const OWN = join(__dirname, "..", "..", "fixtures", "hls");
const SHARED = resolve(__dirname, "..", "..", "..", "..", "shared", "fixtures", "hls", "m3u8-parser");

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

describe("hls rewriter: shared fixtures (../shared/fixtures/hls)", function () {
  if (!existsSync(SHARED)) {
    it("skipped: ../shared/fixtures/hls is not present on this machine", function () {
      console.warn(`\n  !!! SKIPPING shared playlist fixtures: ${SHARED} does not exist\n`);
      this.skip();
    });
    return;
  }
  const names = readdirSync(SHARED)
    .filter((name) => name.endsWith(".m3u8"))
    .sort();
  it("lists the known refusals among them", () => {
    for (const name of REFUSED_SHARED) assert.ok(names.includes(name), name);
  });
  for (const name of names) {
    it(`${name}${REFUSED_SHARED.has(name) ? " (refused: no #EXTM3U first line)" : ""}`, () =>
      check(SHARED, name, REFUSED_SHARED.has(name)));
  }
});
