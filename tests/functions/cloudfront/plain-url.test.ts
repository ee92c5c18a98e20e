import assert from "node:assert/strict";
import { checkUrlToSign, plainUrlHostname } from "../../../functions/cloudfront/url-rules";

/** What the full WHATWG parse says: the hostname when the URL is normalized and has no credentials. */
function parsedHostname(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.href === url && !parsed.username && !parsed.password ? parsed.hostname : undefined;
  } catch {
    return undefined;
  }
}

const PIECES = [
  ...["a", "z", "0", "9", "-", ".", "..", "/", "//", "%2e", "%2E", "%41", "%", "?", ":", "@", "x:y@", "#"],
  ...[
    ":443",
    ":80",
    ":8080",
    ":0443",
    ":0",
    ":65535",
    ":65536",
    "xn--",
    "xn--nxasmq6b",
    "a--b",
    "0x1f",
    "1",
    "255",
  ],
  ...[
    "localhost",
    "example.com",
    "'",
    "^",
    "|",
    "`",
    "{",
    "}",
    "[",
    "]",
    "~",
    "!",
    "$",
    "&",
    "(",
    ")",
    "*",
    "+",
  ],
  ...[
    ",",
    ";",
    "=",
    "A",
    "Z",
    "_",
    " ",
    "\\",
    '"',
    "<",
    ">",
    "é",
    "/./",
    "/../",
    "/.",
    "/..",
    "?a=/../",
    "&",
  ],
];

describe("cloudfront: plain URLs skip the full parse", () => {
  it("accepts only URLs the WHATWG parser leaves unchanged, with the same hostname", () => {
    const samples = [
      "https://d111111abcdef8.cloudfront.net/vod/asset1/seg-00042.ts?session=s1",
      "http://localhost:8080/a/b.m3u8",
      "https://media.example.com/a/",
      "https://a.b.c/x?y=1&z=%20",
    ];
    for (const url of samples) assert.equal(plainUrlHostname(url), parsedHostname(url), url);
    for (const url of samples) assert.notEqual(plainUrlHostname(url), undefined, url);
    // Each of these takes the full parse (numbers, IDNA, default ports, dot segments, upper case...).
    for (const url of [
      "https://1.2.3.4/a",
      "https://example.0x1f/a",
      "https://xn--nxasmq6b.com/a",
      "https://example.com:443/a",
      "http://example.com:80/a",
      "https://example.com:0443/a",
      "https://example.com/a/./b",
      "https://example.com/a/%2e%2E/b",
      "https://Example.com/a",
      "https://example.com",
      "https://u:p@example.com/a",
      "https://example.com/a'b",
      "https://example.com/a^b",
    ]) {
      assert.equal(plainUrlHostname(url), undefined, url);
    }
  });

  it("never disagrees with the full parse on generated URLs", () => {
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 65536) % n; // the low bits of this generator cycle quickly
    };
    let plain = 0;
    for (let index = 0; index < 50_000; index++) {
      let url = ["https://", "http://", "https://example.com/", "http://localhost:8080/"][next(4)];
      for (let count = 1 + next(8); count > 0; count--) url += PIECES[next(PIECES.length)];
      const host = plainUrlHostname(url);
      if (host === undefined) continue;
      plain++;
      assert.equal(host, parsedHostname(url), url);
    }
    assert.ok(plain > 1000, `only ${plain} plain URLs generated`);
  });

  it("gives checkUrlToSign the same answers and messages as before", () => {
    assert.deepEqual(checkUrlToSign("https://example.com/a?b=1"), {
      url: "https://example.com/a?b=1",
      hostname: "example.com",
    });
    assert.throws(() => checkUrlToSign("https://example.com:443/a"), /is not what a browser would request/);
    assert.throws(() => checkUrlToSign("https://example.com/a?"), /ends with an empty query/);
    assert.throws(() => checkUrlToSign("https://example.com/a?Expires=1"), /already has a Expires parameter/);
  });
});
