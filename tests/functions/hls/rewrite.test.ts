import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PlaylistError, rewritePlaylist, findUris, type UntouchedReason } from "../../../functions/hls";
import { MANIFEST_SUFFIX, PLAYLIST_SUFFIX, behaviorForPath } from "../../../contract/behaviors";
import { edgePlaylistPath, rawPlaylistPath } from "../../../functions/hls";
import { ASSET, HOST, NOW, assertSoundRewrite, signedRewrite, uriValues } from "./helpers";

const FIXTURES = join(__dirname, "..", "..", "fixtures", "hls");
const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const URL_OF = (name: string) => `${ASSET}${name.replace(/\.m3u8$/, "._m3u8")}`;
const POLICY = { resource: `${ASSET}*`, dateLessThan: NOW + 3600 };
const SUFFIX = "Policy=P&Signature=S&Key-Pair-Id=K";

/** Rewrites a playlist served at `<asset>/x._m3u8` with the test policy and suffix. */
function rewriteInAsset(text: string) {
  return rewritePlaylist(text, { playlistUrl: `${ASSET}x._m3u8`, policy: POLICY, signedQuery: SUFFIX });
}

/** Decision per URI value, for the fixture `name`. */
function decisions(name: string, playlistUrl = URL_OF(name)) {
  return new Map(
    findUris(read(name), { playlistUrl, policy: POLICY }).map((occurrence) => [
      `${occurrence.tag ?? "line"} ${occurrence.value}`,
      occurrence.decision,
    ]),
  );
}

function untouched(reason: UntouchedReason) {
  return { kind: "untouched", reason };
}
function rewrite(reference: string) {
  return { kind: "rewrite", reference };
}

describe("hls rewriter: URI positions", () => {
  it("rewrites every URI position of a multivariant playlist and leaves the rest alone", () => {
    const found = decisions("master.m3u8");
    assert.deepEqual(Object.fromEntries(found), {
      "EXT-X-CONTENT-STEERING steering.json": rewrite("steering.json"),
      "EXT-X-SESSION-DATA meta/title.json": rewrite("meta/title.json"),
      "EXT-X-SESSION-KEY keys/session.key": rewrite("keys/session.key"),
      "EXT-X-MEDIA audio/en/index.m3u8": rewrite("audio/en/index._m3u8"),
      "EXT-X-MEDIA https://d111111abcdef8.cloudfront.net/vod/asset1/audio/de/index.m3u8":
        rewrite("audio/de/index._m3u8"),
      "EXT-X-MEDIA subs/en.m3u8": rewrite("subs/en._m3u8"),
      "line 1080p/index.m3u8": rewrite("1080p/index._m3u8"),
      "line 720p/index.m3u8?quality=hd": rewrite("720p/index._m3u8?quality=hd"),
      "line /vod/asset1/360p/index.m3u8": rewrite("360p/index._m3u8"),
      "EXT-X-I-FRAME-STREAM-INF 1080p/iframes.m3u8": rewrite("1080p/iframes._m3u8"),
      "EXT-X-I-FRAME-STREAM-INF 720p/iframes.m3u8": rewrite("720p/iframes._m3u8"),
    });
  });

  it("rewrites segments, keys (relative, absolute, dot segments) and keeps fragments after the query", () => {
    assert.deepEqual(Object.fromEntries(decisions("media-ts-aes.m3u8", `${ASSET}720p/index._m3u8`)), {
      "EXT-X-KEY ../keys/k1.key": rewrite("../keys/k1.key"),
      "line segment0.ts": rewrite("segment0.ts"),
      "line segment1.ts": rewrite("segment1.ts"),
      "line segment2.ts": rewrite("segment2.ts"),
      "EXT-X-KEY https://d111111abcdef8.cloudfront.net/vod/asset1/keys/k2.key": rewrite("../keys/k2.key"),
      "line ./sub/../segment3.ts": rewrite("segment3.ts"),
      "line segment4.ts#t=1": rewrite("segment4.ts#t=1"),
    });
    const out = rewritePlaylist(read("media-ts-aes.m3u8"), {
      playlistUrl: `${ASSET}720p/index._m3u8`,
      policy: POLICY,
      signedQuery: SUFFIX,
    }).text;
    assert.match(out, /\nsegment4\.ts\?Policy=P&Signature=S&Key-Pair-Id=K#t=1\n/);
    assert.match(
      out,
      /\n\tsegment2\.ts\?Policy=P&Signature=S&Key-Pair-Id=K {3}\n/,
      "surrounding whitespace kept",
    );
  });

  it("rewrites EXT-X-MAP, EXT-X-PART, EXT-X-PRELOAD-HINT and EXT-X-RENDITION-REPORT", () => {
    const found = decisions("media-fmp4-llhls.m3u8", `${ASSET}1080p/index._m3u8`);
    assert.deepEqual(found.get("EXT-X-MAP init.mp4"), rewrite("init.mp4"));
    assert.deepEqual(found.get("EXT-X-PART filePart271.0.m4s"), rewrite("filePart271.0.m4s"));
    assert.deepEqual(found.get("EXT-X-PART fileSequence271.m4s"), rewrite("fileSequence271.m4s"));
    assert.deepEqual(found.get("EXT-X-PRELOAD-HINT filePart272.0.m4s"), rewrite("filePart272.0.m4s"));
    assert.deepEqual(found.get("EXT-X-PRELOAD-HINT init2.mp4"), rewrite("init2.mp4"));
    assert.deepEqual(found.get("EXT-X-RENDITION-REPORT ../720p/index.m3u8"), rewrite("../720p/index._m3u8"));
    assert.deepEqual(
      found.get("EXT-X-RENDITION-REPORT /vod/asset1/360p/index.m3u8"),
      rewrite("../360p/index._m3u8"),
    );
    assert.equal(found.size, 11);
  });

  it("rewrites X-ASSET-URI and X-ASSET-LIST of interstitials, nothing else in EXT-X-DATERANGE", () => {
    const found = decisions("media-interstitials.m3u8");
    assert.deepEqual(found.get("EXT-X-DATERANGE ads/ad1/index.m3u8"), rewrite("ads/ad1/index._m3u8"));
    assert.deepEqual(found.get("EXT-X-DATERANGE ads/list.json"), rewrite("ads/list.json"));
    assert.deepEqual(
      found.get("EXT-X-DATERANGE https://ads.example.net/creative/index.m3u8"),
      untouched("foreign-host"),
    );
    assert.equal([...found.keys()].filter((key) => key.includes("not-a-uri-position")).length, 0);
    assert.equal(found.size, 7);
  });

  it("never treats comments, unknown tags or non-URI attributes as URIs", () => {
    const values = uriValues(read("master.m3u8"), URL_OF("master.m3u8")).map((uri) => uri.value);
    assert.ok(!values.includes("not/a/uri.m3u8"));
    assert.ok(!values.includes("left/alone.m3u8"));
  });
});

describe("hls rewriter: untouched URIs", () => {
  it("leaves skd://, data:, other schemes, foreign hosts, out-of-scope, http, signed, invalid and credentialed URIs", () => {
    const found = decisions("media-untouched.m3u8");
    assert.deepEqual(Object.fromEntries(found), {
      "EXT-X-KEY skd://key-service/abc123": untouched("skd-uri"),
      "EXT-X-KEY data:text/plain;base64,AAAAPHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABwiFGNvbnRlbnQtaWQtMTIzNDU2Nzg5SOPclZsG":
        untouched("data-uri"),
      "EXT-X-KEY urn:example:key": untouched("other-scheme"),
      "line https://other-cdn.example.com/vod/asset1/seg0.ts": untouched("foreign-host"),
      "line //other-cdn.example.com/vod/asset1/seg1.ts": untouched("foreign-host"),
      "line ../../elsewhere/seg2.ts": untouched("out-of-scope"),
      "line http://d111111abcdef8.cloudfront.net/vod/asset1/seg3.ts": untouched("out-of-scope"),
      "line seg4.ts?Expires=1800003600&Signature=abc&Key-Pair-Id=K2JCJMDEHXQW5F": untouched("already-signed"),
      "line seg 5.ts": untouched("invalid-uri"),
      "line https://user:pass@d111111abcdef8.cloudfront.net/vod/asset1/seg6.ts": untouched("invalid-uri"),
      "line {$undefinedVariable}/seg7.ts": untouched("unresolved-variable"),
      "line seg8.ts": rewrite("seg8.ts"),
    });
  });

  it("signs other allowed hosts only when the policy covers them, and never a host off the list", () => {
    const text =
      "#EXTM3U\nhttps://media.example.com/vod/asset1/a.ts\nhttps://evil.example.org/vod/asset1/b.ts\n";
    const policy = { resource: "https://media.example.com/vod/asset1/*", dateLessThan: NOW + 60 };
    const out = rewritePlaylist(text, {
      playlistUrl: `${ASSET}x._m3u8`,
      policy,
      signedQuery: SUFFIX,
      allowedHosts: [HOST, "media.example.com"],
    });
    assert.equal(
      out.text,
      `#EXTM3U\nhttps://media.example.com/vod/asset1/a.ts?${SUFFIX}\nhttps://evil.example.org/vod/asset1/b.ts\n`,
    );
    const defaultHosts = rewritePlaylist(text, {
      playlistUrl: `${ASSET}x._m3u8`,
      policy,
      signedQuery: SUFFIX,
    });
    assert.equal(defaultHosts.text, text, "default allow-list is the playlist's host only");
  });

  it("rewrites an unquoted URI attribute up to the comma, as players read it", () => {
    const text = '#EXTM3U\n#EXT-X-MAP:URI=init.mp4,BYTERANGE="1@0"\n#EXT-X-KEY:METHOD=AES-128,URI=a,b.key\n';
    const out = rewriteInAsset(text);
    assert.equal(
      out.text,
      `#EXTM3U\n#EXT-X-MAP:URI=init.mp4?${SUFFIX},BYTERANGE="1@0"\n#EXT-X-KEY:METHOD=AES-128,URI=a?${SUFFIX},b.key\n`,
    );
  });

  it("leaves a value with spaces around its quotes (players would read the quotes as part of the URI)", () => {
    const text = '#EXTM3U\n#EXT-X-MAP:URI= "init.mp4" \n';
    const out = rewriteInAsset(text);
    assert.equal(out.text, text);
    assert.deepEqual(out.stats.untouched, { "invalid-uri": 1 });
  });

  it("leaves a quoted value without its closing quote or with junk after it", () => {
    const text = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4\n#EXT-X-KEY:METHOD=AES-128,URI="k.key"x,IV=0x1\nseg.ts\n';
    const out = rewriteInAsset(text);
    assert.equal(
      out.text,
      `#EXTM3U\n#EXT-X-MAP:URI="init.mp4\n#EXT-X-KEY:METHOD=AES-128,URI="k.key"x,IV=0x1\nseg.ts?${SUFFIX}\n`,
    );
    assert.deepEqual(out.stats.untouched, { "malformed-attribute": 2 });
  });

  it("leaves empty URI values", () => {
    const out = rewriteInAsset('#EXTM3U\n#EXT-X-MAP:URI=""\n');
    assert.deepEqual(out.stats.untouched, { empty: 1 });
    assert.equal(out.signatures, 0);
  });
});

describe("hls rewriter: variables", () => {
  it("resolves NAME/VALUE and QUERYPARAM, leaves IMPORT, missing and later definitions; checks hosts after substitution", () => {
    const found = decisions("master-variables.m3u8", `${ASSET}master._m3u8?token=abc123`);
    assert.deepEqual(Object.fromEntries(found), {
      "line {$rendition}/index.m3u8": rewrite("720p/index._m3u8"),
      "line {$host}/vod/asset1/{$rendition}/alt.m3u8": rewrite("720p/alt._m3u8"),
      "line 360p/index.m3u8?token={$token}": rewrite("360p/index._m3u8?token=abc123"),
      "line {$foreign}/720p/index.m3u8": untouched("foreign-host"),
      "line 360p/index.m3u8?x={$absent}": untouched("unresolved-variable"),
      "line {$fromParent}/index.m3u8": untouched("unresolved-variable"),
      "line {$definedLater}/index.m3u8": untouched("unresolved-variable"),
      "EXT-X-MEDIA audio/{$rendition}.m3u8": rewrite("audio/720p._m3u8"),
    });
  });

  it("treats a name defined twice as unresolvable", () => {
    const text = '#EXTM3U\n#EXT-X-DEFINE:NAME="d",VALUE="a"\n#EXT-X-DEFINE:NAME="d",VALUE="b"\n{$d}/x.ts\n';
    const out = rewriteInAsset(text);
    assert.equal(out.text, text);
  });

  it("leaves a value that a variable fills with characters that are not a URI", () => {
    const text = '#EXTM3U\n#EXT-X-DEFINE:NAME="d",VALUE="a b"\n{$d}.ts\n';
    const out = rewriteInAsset(text);
    assert.equal(out.text, text);
    assert.deepEqual(out.stats.untouched, { "invalid-uri": 1 });
  });
});

describe("hls rewriter: lossless output", () => {
  for (const name of [
    "master.m3u8",
    "media-ts-aes.m3u8",
    "media-fmp4-llhls.m3u8",
    "media-interstitials.m3u8",
    "media-untouched.m3u8",
  ]) {
    for (const variant of ["LF", "CRLF", "BOM+CRLF", "mixed", "no final newline"] as const) {
      it(`${name} (${variant}): line count, untouched lines, verified signatures`, () => {
        let text = read(name);
        if (variant === "CRLF") text = text.replace(/\n/g, "\r\n");
        if (variant === "BOM+CRLF") text = `\uFEFF${text.replace(/\n/g, "\r\n")}`;
        if (variant === "mixed")
          text = text
            .split("\n")
            .map((line, i, all) => line + (i % 2 && i < all.length - 1 ? "\r" : ""))
            .join("\n");
        if (variant === "no final newline") text = text.replace(/\n$/, "");
        const playlistUrl = name.startsWith("media")
          ? `${ASSET}720p/${name.replace(".m3u8", "._m3u8")}`
          : URL_OF(name);
        const signed = signedRewrite(text, { playlistUrl, viewer: { resource: `${ASSET}*` } });
        const urls = assertSoundRewrite(text, signed);
        assert.ok(urls.length > 0);
        if (variant.startsWith("BOM")) assert.ok(signed.result.text.startsWith("\uFEFF#EXTM3U\r\n"));
      });
    }
  }

  it("keeps attribute order, quoted commas and the bytes around the value", () => {
    const line = '#EXT-X-MEDIA:NAME="a,URI=b", URI ="x.m3u8",TYPE=AUDIO,GROUP-ID="g"';
    const out = rewritePlaylist(`#EXTM3U\n${line}\n`, {
      playlistUrl: `${ASSET}m._m3u8`,
      policy: POLICY,
      signedQuery: SUFFIX,
    });
    assert.equal(
      out.text,
      `#EXTM3U\n#EXT-X-MEDIA:NAME="a,URI=b", URI ="x._m3u8?${SUFFIX}",TYPE=AUDIO,GROUP-ID="g"\n`,
    );
  });

  it("appends to an existing query and to an empty one", () => {
    const text = "#EXTM3U\na.ts?x=1&y=2\nb.ts?\nc.ts?x=1&\n";
    const out = rewritePlaylist(text, {
      playlistUrl: `${ASSET}m._m3u8`,
      policy: POLICY,
      signedQuery: SUFFIX,
    });
    assert.equal(out.text, `#EXTM3U\na.ts?x=1&y=2&${SUFFIX}\nb.ts?${SUFFIX}\nc.ts?x=1&${SUFFIX}\n`);
  });

  it("shortens same-host absolute URIs and keeps other forms that are already shortest", () => {
    const text = [
      "#EXTM3U",
      `https://${HOST}/vod/asset1/720p/a.ts`,
      `https://${HOST.toUpperCase()}/vod/asset1/b.m3u8`,
      `//${HOST}/vod/asset1/720p/deep/c.ts`,
      "/vod/asset1/d.ts",
      "",
    ].join("\n");
    const out = rewritePlaylist(text, {
      playlistUrl: `${ASSET}720p/i._m3u8`,
      policy: POLICY,
      signedQuery: "Q=1",
    });
    assert.equal(out.text, "#EXTM3U\na.ts?Q=1\n../b._m3u8?Q=1\ndeep/c.ts?Q=1\n../d.ts?Q=1\n");
  });

  it("does not rewrite the header line or touch a playlist without URIs", () => {
    const text = "#EXTM3U\n#EXT-X-VERSION:3\n\n# comment\n";
    let calls = 0;
    const out = rewritePlaylist(text, {
      playlistUrl: `${ASSET}m._m3u8`,
      policy: POLICY,
      signedQuery: () => {
        calls++;
        return SUFFIX;
      },
    });
    assert.equal(out.text, text);
    assert.equal(calls, 0);
    assert.equal(out.signatures, 0);
  });
});

describe("hls rewriter: refused playlists and options", () => {
  const options = { playlistUrl: `${ASSET}m._m3u8`, policy: POLICY, signedQuery: SUFFIX };
  const refused: [string, string | Uint8Array, string][] = [
    ["empty input", "", "missing-header"],
    ["a comment before #EXTM3U", "# hi\n#EXTM3U\n", "missing-header"],
    ["#EXTM3U with junk", "#EXTM3Ux\nseg.ts\n", "missing-header"],
    ["an HTML error page", "<html><body>403</body></html>", "missing-header"],
    ["a NUL byte", "#EXTM3U\nseg\0.ts\n", "nul-byte"],
    ["a bare CR", "#EXTM3U\rseg.ts\n", "bare-carriage-return"],
    ["a trailing bare CR", "#EXTM3U\nseg.ts\r", "bare-carriage-return"],
    [
      "invalid UTF-8 bytes",
      Uint8Array.from([...Buffer.from("#EXTM3U\n"), 0xff, 0xfe, 10]),
      "invalid-encoding",
    ],
  ];
  for (const [label, input, code] of refused) {
    it(`refuses ${label} with ${code}`, () => {
      assert.throws(
        () => rewritePlaylist(input, options),
        (error: unknown) => error instanceof PlaylistError && error.code === code,
      );
    });
  }

  it("refuses a playlist over the size limit", () => {
    assert.throws(
      () => rewritePlaylist("#EXTM3U\n" + "a.ts\n".repeat(100), { ...options, maxInputBytes: 100 }),
      (error: unknown) => error instanceof PlaylistError && error.code === "too-large",
    );
  });

  it("accepts bytes, a BOM and trailing spaces on the header", () => {
    const out = rewritePlaylist(Buffer.from("\uFEFF#EXTM3U \t\r\nseg.ts\r\n"), options);
    assert.equal(out.text, `\uFEFF#EXTM3U \t\r\nseg.ts?${SUFFIX}\r\n`);
  });

  it("refuses options it cannot honour", () => {
    const bad = [
      { ...options, playlistUrl: "not a url" },
      { ...options, playlistUrl: "ftp://h/a.m3u8" },
      { ...options, policy: { ...POLICY, resource: `${ASSET}a*b*` } },
      { ...options, policy: { ...POLICY, resource: `${ASSET}x.ts` } },
      { ...options, policy: { ...POLICY, resource: "https://*" } },
      { ...options, signedQuery: "Policy=a b" },
      { ...options, signedQuery: "?Policy=a" },
      { ...options, signedQuery: "" },
    ];
    for (const option of bad) {
      assert.throws(
        () => rewritePlaylist("#EXTM3U\nseg.ts\n", option),
        (error: unknown) => error instanceof PlaylistError && error.code === "invalid-options",
        JSON.stringify(option),
      );
    }
  });
});

describe("hls rewriter: the child-playlist rule", () => {
  it("routes what it renames to the manifest behavior, and the raw name to the playlist behavior", () => {
    assert.equal(behaviorForPath(edgePlaylistPath(`/a/b${PLAYLIST_SUFFIX}`)).kind, "manifest");
    assert.equal(behaviorForPath(`/a/b${PLAYLIST_SUFFIX}`).kind, "playlist");
    assert.equal(behaviorForPath(`/a/b${MANIFEST_SUFFIX}`).manifestEdgeFunction, true);
  });

  it("renames exactly the .m3u8 path ending, both ways", () => {
    assert.equal(edgePlaylistPath("/a/b.m3u8"), "/a/b._m3u8");
    assert.equal(edgePlaylistPath("/a.m3u8/b.ts"), "/a.m3u8/b.ts");
    assert.equal(edgePlaylistPath("/a/b.M3U8"), "/a/b.M3U8", "CloudFront path patterns are case-sensitive");
    assert.equal(rawPlaylistPath("/a/b._m3u8"), "/a/b.m3u8");
    assert.equal(rawPlaylistPath("/a/b.m3u8"), undefined);
  });
});
