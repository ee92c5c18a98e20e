/**
 * The signature splicer the player plugins share (players/signatures.js):
 * fresh parameters replace old ones on `._m3u8` reload URLs, raw query text
 * kept byte for byte, and the spliced URL is accepted by the verifier after
 * the first grant has expired.
 */
import assert from "node:assert/strict";
import { verifyRequest } from "../../functions/cloudfront";
import { MANIFEST_SUFFIX } from "../../contract/playlist-names";
import { SIGNING_QUERY_PARAMETERS } from "../../contract/signing-names";
import {
  EDGE_PLAYLIST_SUFFIX,
  FreshSignatures,
  SIGNING_PARAMETERS,
  signingPairsOf,
  signingPairsOfPlaylist,
} from "../../players/signatures.js";
import { ASSET, folderSigned, NOW, trusted } from "./grants";

describe("player plugins: fresh signatures", () => {
  it("repeats the project's signing parameter names and edge suffix exactly", () => {
    // players/signatures.js ships standalone to browsers, so it keeps a copy of the contract's names.
    assert.deepEqual([...SIGNING_PARAMETERS], [...SIGNING_QUERY_PARAMETERS]);
    assert.equal(EDGE_PLAYLIST_SUFFIX, MANIFEST_SUFFIX);
  });

  it("splices fresh parameters into a playlist reload URL, which then verifies after the old grant expired", () => {
    const first = folderSigned("720p/index._m3u8?_HLS_msn=5", NOW);
    const signatures = new FreshSignatures();
    assert.equal(signatures.apply(first), first, "nothing to splice before a renewal");
    signatures.update(folderSigned("master._m3u8", NOW + 20));
    const spliced = signatures.apply(first);
    assert.match(spliced, /^https:\/\/[^?]+\/720p\/index\._m3u8\?_HLS_msn=5&Policy=/);
    assert.equal((spliced.match(/Signature=/g) ?? []).length, 1);
    const at = NOW + 40; // past the first URL's expiry, before the renewed one's
    const stale = verifyRequest({ url: first, now: at }, trusted);
    assert.equal(stale.accepted ? "accepted" : stale.code, "expired");
    const fresh = verifyRequest({ url: spliced, now: at }, trusted);
    assert.ok(fresh.accepted, fresh.accepted ? "" : fresh.reason);
  });

  it("leaves segments, keys, unsigned (cookie-mode) playlists and fragments' neighbours alone", () => {
    const signatures = new FreshSignatures();
    signatures.update(folderSigned("master._m3u8", NOW));
    const segment = folderSigned("720p/seg1.ts", NOW - 10);
    assert.equal(signatures.apply(segment), segment);
    assert.equal(signatures.apply(`${ASSET}720p/index._m3u8`), `${ASSET}720p/index._m3u8`);
    const withFragment = `${folderSigned("720p/index._m3u8", NOW - 10)}#t=1`;
    assert.match(signatures.apply(withFragment), /&Key-Pair-Id=K2JCJMDEHXQW5F#t=1$/);
  });

  it("keeps raw query text (a `~` in a signature is never re-encoded)", () => {
    const signatures = new FreshSignatures();
    signatures.update("Policy=eyJ~a_&Signature=ab~c-_&Key-Pair-Id=K1");
    assert.equal(
      signatures.apply(`${ASSET}i._m3u8?x=%7E&Policy=old&Signature=old&Key-Pair-Id=K0`),
      `${ASSET}i._m3u8?x=%7E&Policy=eyJ~a_&Signature=ab~c-_&Key-Pair-Id=K1`,
    );
    assert.throws(() => signatures.update(`${ASSET}master._m3u8`), /no signature/);
  });

  it("reads the signing parameters of a rewritten playlist, from a URI line or a URI attribute", () => {
    assert.deepEqual(
      signingPairsOfPlaylist(
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/i._m3u8?Policy=P&Signature=S&Key-Pair-Id=K\n",
      ),
      ["Policy=P", "Signature=S", "Key-Pair-Id=K"],
    );
    assert.deepEqual(
      signingPairsOfPlaylist('#EXTM3U\n#EXT-X-MAP:URI="init.mp4?Expires=1&Signature=S&Key-Pair-Id=K"\n'),
      ["Expires=1", "Signature=S", "Key-Pair-Id=K"],
    );
    assert.equal(signingPairsOfPlaylist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/i._m3u8\n"), null);
    assert.equal(signingPairsOf("a=1&b=2"), null);
  });

  it("renews from the rewritten master loaded through the edge", async () => {
    const signatures = new FreshSignatures();
    const child = folderSigned("720p/index._m3u8", NOW + 20);
    const requested: string[] = [];
    await signatures.renewFromMaster(folderSigned("master._m3u8", NOW + 20), async (url) => {
      requested.push(url);
      return {
        ok: true,
        status: 200,
        text: async () => `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n${child.slice(ASSET.length)}\n`,
      };
    });
    assert.equal(requested.length, 1);
    assert.deepEqual(signatures.pairs, signingPairsOf(child));
    await assert.rejects(
      signatures.renewFromMaster("x", async () => ({ ok: false, status: 403, text: async () => "" })),
      /answered 403/,
    );
  });
});
