/**
 * Resource matching, table-driven, from the examples in CloudFront's developer
 * guide ("Values that you specify in the policy statement for a signed URL
 * that uses a custom policy", and the signed-cookie equivalent), plus the
 * section rules they illustrate.
 */
import assert from "node:assert/strict";
import { resourceMatches, stripSigningParameters } from "../../../functions/cloudfront";

const D = "https://d111111abcdef8.cloudfront.net";

const TABLE: readonly (readonly [pattern: string, url: string, matches: boolean, why: string])[] = [
  // Documented: */game_download.zip* example.
  [`${D}/*game_download.zip*`, `${D}/game_download.zip`, true, "docs: * matches zero characters"],
  [
    `${D}/*game_download.zip*`,
    `${D}/example_game_download.zip?license=yes`,
    true,
    "docs: trailing * covers query",
  ],
  [`${D}/*game_download.zip*`, `${D}/test_game_download.zip?license=temp`, true, "docs: example"],
  [`${D}/*game_download.zip*`, `${D}/game_download.tar`, false, "literal text must match"],
  // Documented: wildcards stay inside their section.
  ["https://www.example.com/hello*world", "https://www.example.com/helloworld", true, "docs: * zero chars"],
  ["https://www.example.com/hello*world", "https://www.example.com/hello-world", true, "docs: * in path"],
  ["https://www.example.com/hello*world", "https://www.example.net/hello?world", false, "docs: other domain"],
  [
    "https://www.example.com/hello*world",
    "https://www.example.com/hello?world",
    false,
    "* stops at the query",
  ],
  // Documented: trailing * in the path implies * in the query.
  ["http://example.com/hello*", "http://example.com/hello", true, "docs: /hello* = /hello*\\?*"],
  ["http://example.com/hello*", "http://example.com/hello/there?a=1&b=2", true, "docs: covers query"],
  ["http://example.com/hello*\\?*", "http://example.com/hello-x?a=1", true, "docs: explicit \\? form"],
  // Documented: trailing * in the domain implies * in path and query.
  ["http://example.com*", "http://example.com/a/b.ts?x=1", true, "docs: example.com* = example.com*/*\\?*"],
  ["http://example.com*", "http://example.com.cdn.test/", true, "docs: * in domain"],
  ["http://example.com*", "https://example.com/", false, "protocol still matters"],
  // Documented: protocol may be omitted when the pattern starts with *.
  ["*example.com", "https://www.example.com/", true, "docs: *example.com = *://*example.com/"],
  ["*example.com", "http://example.com/", true, "docs: protocol is *"],
  ["*example.com", "https://www.example.com/a.ts", false, "docs: only the root path"],
  // Documented: "*" alone matches every URL.
  ["*", `${D}/any/thing.ts?x=1`, true, "docs: * matches any URL"],
  ["*", "http://other.example/", true, "docs: * matches any URL"],
  // Documented policy examples: one file, a directory, every file over https.
  [`${D}/game_download.zip`, `${D}/game_download.zip`, true, "docs: one file"],
  [`${D}/game_download.zip`, `${D}/game_download.zip?x=1`, false, "no wildcard: no extra query"],
  [`${D}/training/*`, `${D}/training/orientation.pdf`, true, "docs: directory"],
  [`${D}/training/*`, `${D}/training/2024/intro.pdf?lang=en`, true, "* crosses / and covers query"],
  [`${D}/training/*`, `${D}/trainingX/orientation.pdf`, false, "folder boundary"],
  [`${D}/training/*`, `${D}/training`, false, "the folder itself is not inside it"],
  ["https://*", `${D}/training/orientation.pdf`, true, "docs: https://* covers every https URL"],
  ["https://*", "http://d111111abcdef8.cloudfront.net/training/orientation.pdf", false, "docs: https only"],
  // Documented: query strings are part of the resource, the first ? starts them.
  [
    `${D}/images/horizon.jpg?size=large&license=yes`,
    `${D}/images/horizon.jpg?size=large&license=yes`,
    true,
    "docs",
  ],
  [
    `${D}/images/horizon.jpg?size=large&license=yes`,
    `${D}/images/horizon.jpg?size=small&license=yes`,
    false,
    "query",
  ],
  [`${D}/images/horizon.jpg?size=large&license=yes`, `${D}/images/horizon.jpg`, false, "query required"],
  // Documented: ? matches exactly one character (within a section).
  ["http?://d111111abcdef8.cloudfront.net/a.ts", `${D}/a.ts`, true, "? in protocol"],
  [
    "http?://d111111abcdef8.cloudfront.net/a.ts",
    "http://d111111abcdef8.cloudfront.net/a.ts",
    false,
    "? is one char",
  ],
  ["https://d11111?abcdef8.cloudfront.net/a.ts", `${D}/a.ts`, true, "? in domain"],
  [`${D}/a.ts?lang=e?`, `${D}/a.ts?lang=en`, true, "? in query"],
  [`${D}/a.ts?lang=e?`, `${D}/a.ts?lang=eng`, false, "? is exactly one"],
  [`${D}/a.ts?lang=e?`, `${D}/a.ts?lang=e`, false, "? is not zero"],
  [`${D}/seg-00?.ts\\?*`, `${D}/seg-001.ts`, true, "? in path with explicit \\?"],
  [`${D}/seg-00?.ts\\?*`, `${D}/seg-0012.ts`, false, "? in path is one char"],
  // Case: paths are case-sensitive, host names are not.
  [`${D}/Video/*`, `${D}/video/a.ts`, false, "path is case-sensitive"],
  ["https://D111111ABCDEF8.cloudfront.net/video/*", `${D}/video/a.ts`, true, "host is case-insensitive"],
  // Folder scope with LL-HLS parameters that players append.
  [`${D}/live/ch1/*`, `${D}/live/ch1/index._m3u8?_HLS_msn=10&_HLS_part=2`, true, "LL-HLS query"],
  [`${D}/live/ch1/*`, `${D}/live/ch2/index._m3u8`, false, "sibling folder"],
];

describe("cloudfront resource wildcard matching (documented examples)", () => {
  for (const [pattern, url, matches, why] of TABLE) {
    it(`${matches ? "matches" : "refuses"} ${url} with ${pattern} (${why})`, () => {
      assert.equal(resourceMatches(pattern, url), matches);
    });
  }

  it("a hostile pattern with many stars does not backtrack forever", () => {
    const pattern = `${D}/${"*a".repeat(2000)}b`;
    const url = `${D}/${"a".repeat(5000)}`;
    assert.equal(resourceMatches(pattern, url), false);
  });

  it("compares the request URL with the signing parameters removed, every other byte kept", () => {
    const signed = `${D}/a/b.ts?x=1&y=%20&Policy=AAA&Signature=BBB&Key-Pair-Id=K1&Hash-Algorithm=SHA256&_HLS_msn=3`;
    assert.equal(stripSigningParameters(signed), `${D}/a/b.ts?x=1&y=%20&_HLS_msn=3`);
    assert.equal(stripSigningParameters(`${D}/a.ts?Expires=1&Signature=2&Key-Pair-Id=3`), `${D}/a.ts`);
    assert.equal(stripSigningParameters(`${D}/a.ts?x=1&&Expires=1`), `${D}/a.ts?x=1&`);
    assert.equal(
      stripSigningParameters(`${D}/a.ts?expires=1`),
      `${D}/a.ts?expires=1`,
      "names are case-sensitive",
    );
    assert.equal(resourceMatches(`${D}/a/b.ts?x=1&y=%20&_HLS_msn=3`, stripSigningParameters(signed)), true);
  });
});
