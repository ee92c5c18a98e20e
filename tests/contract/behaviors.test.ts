import assert from "node:assert/strict";
import {
  DEFAULT_BEHAVIOR,
  MEDIA_EXTENSIONS,
  ORDERED_BEHAVIORS,
  behaviorForPath,
  pathPatternMatches,
} from "../../contract/behaviors";

describe("behaviors", () => {
  const cases: Array<[pattern: string, path: string, matches: boolean]> = [
    ["*._m3u8", "/vod/movie/master._m3u8", true],
    ["*._m3u8", "/vod/movie/master.m3u8", false],
    ["*.m3u8", "/vod/movie/master.m3u8", true],
    ["*.m3u8", "/vod/movie/master._m3u8", false],
    ["*.ts", "/vod/movie/seg-1.ts", true],
    ["*.ts", "/vod/movie/seg-1.TS", false],
    ["*.ts", "/vod/movie/seg-1.tsx", false],
    ["images/*.jpg", "/images/a.jpg", true],
    ["/images/*.jpg", "/images/a.jpg", true],
    ["images/*.jpg", "/other/images/a.jpg", false],
    ["a?c.ts", "/abc.ts", true],
    ["a?c.ts", "/abbc.ts", false],
    ["*", "/anything/at/all", true],
    ["*.key", "/keys/k+1(2).key", true],
  ];
  for (const [pattern, path, matches] of cases) {
    it(`${pattern} ${matches ? "matches" : "does not match"} ${path}`, () => {
      assert.equal(pathPatternMatches(pattern, path), matches);
    });
  }

  it("answers a `*<suffix>` pattern by its suffix exactly as the general matcher would", () => {
    // The general meaning, written independently: `*` any run, `?` one character, anchored.
    const general = (pattern: string, path: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
        "s",
      ).test(path);
    const paths = [
      "/a/b._m3u8",
      "/a/b.m3u8",
      "/a/b.m3u8x",
      "/a/seg.ts",
      "/a/seg.TS",
      "/a/.ts",
      "/a/b._m3u8.ts",
      "/a.m4a/b",
      "/",
      "/a/\n.ts",
    ];
    for (const { pathPattern } of ORDERED_BEHAVIORS) {
      for (const path of paths)
        assert.equal(
          pathPatternMatches(pathPattern, path),
          general(pathPattern, path),
          `${pathPattern} ${path}`,
        );
    }
  });

  it("routes renamed playlists to the manifest edge function and nothing else", () => {
    assert.equal(behaviorForPath("/a/master._m3u8").kind, "manifest");
    assert.equal(behaviorForPath("/a/master._m3u8").manifestEdgeFunction, true);
    const others = [...ORDERED_BEHAVIORS, DEFAULT_BEHAVIOR].filter((b) => b.kind !== "manifest");
    assert.ok(others.every((b) => !b.manifestEdgeFunction));
  });

  it("gives every media extension its own signed behavior, and falls back to the signed default", () => {
    for (const extension of MEDIA_EXTENSIONS) {
      const behavior = behaviorForPath(`/asset/file.${extension}`);
      assert.equal(behavior.kind, "media", extension);
    }
    assert.equal(behaviorForPath("/asset/readme.txt"), DEFAULT_BEHAVIOR);
    assert.ok([...ORDERED_BEHAVIORS, DEFAULT_BEHAVIOR].every((b) => b.signed === true));
  });

  it("has unique path patterns (CloudFront rejects duplicates)", () => {
    const patterns = ORDERED_BEHAVIORS.map((b) => b.pathPattern);
    assert.equal(new Set(patterns).size, patterns.length);
  });
});
