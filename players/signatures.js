// @ts-check
/**
 * Fresh signatures for signed-URL playback (URL mode) of signed-hls-cdn
 * streams. The edge signs every URI of a playlist with the viewer's own
 * expiry, and players reload a live child playlist by the URL they first
 * found, so without help every reload fails once that expiry passes. This
 * module keeps the signing parameters of the freshest grant and splices them
 * into `._m3u8` reload URLs; the player plugins in this folder call it.
 * Plain ES module, no dependency: `<script type="module">` or any bundler.
 */

/**
 * Query parameters CloudFront reserves for signed URLs. Equals
 * contract/signing-names.ts SIGNING_QUERY_PARAMETERS (tests/players/signatures.test.ts checks it).
 */
export const SIGNING_PARAMETERS = Object.freeze([
  "Expires",
  "Policy",
  "Signature",
  "Key-Pair-Id",
  "Hash-Algorithm",
]);

/** Path suffix of playlists served by the edge function; equals contract/playlist-names.ts MANIFEST_SUFFIX. */
export const EDGE_PLAYLIST_SUFFIX = "._m3u8";

/**
 * Splits a URL into what precedes the query, its `name=value` pairs (raw text:
 * URLSearchParams would re-encode `~` in a signature, which CloudFront refuses)
 * and a fragment.
 * @param {string} url
 * @returns {{ base: string, pairs: string[], fragment: string }}
 */
function splitUrl(url) {
  const hash = url.indexOf("#");
  const fragment = hash === -1 ? "" : url.slice(hash);
  const head = hash === -1 ? url : url.slice(0, hash);
  const at = head.indexOf("?");
  if (at === -1) return { base: head, pairs: [], fragment };
  return {
    base: head.slice(0, at),
    pairs: head
      .slice(at + 1)
      .split("&")
      .filter(Boolean),
    fragment,
  };
}

/** @param {string} pair */
function isSigningPair(pair) {
  const equals = pair.indexOf("=");
  return SIGNING_PARAMETERS.includes(equals === -1 ? pair : pair.slice(0, equals));
}

/**
 * The signing pairs of a signed URL (or of a bare query string), or null when it carries no signature.
 * @param {string} urlOrQuery
 * @returns {string[] | null}
 */
export function signingPairsOf(urlOrQuery) {
  const text = urlOrQuery.includes("?") ? urlOrQuery : `?${urlOrQuery}`;
  const pairs = splitUrl(text).pairs.filter(isSigningPair);
  return pairs.some((pair) => pair.startsWith("Signature=")) ? pairs : null;
}

/**
 * The signing pairs the edge put on the URIs of a rewritten playlist (one policy
 * per playlist: the first signed URI line or `URI="..."` attribute has them), or null.
 * @param {string} playlist
 * @returns {string[] | null}
 */
export function signingPairsOfPlaylist(playlist) {
  for (const raw of playlist.split(/\r?\n/)) {
    const line = raw.trim();
    const uri = line.startsWith("#") ? /URI="([^"]*)"/.exec(line)?.[1] : line;
    const pairs = uri ? signingPairsOf(uri) : null;
    if (pairs) return pairs;
  }
  return null;
}

/**
 * Holds the freshest signing parameters and puts them on playlist reload URLs.
 * Only `._m3u8` URLs that already carry a signature change (URL mode): segments
 * and keys come from the freshest playlist, and a cookie-mode URL has none.
 */
export class FreshSignatures {
  constructor() {
    /** @type {string[] | null} */
    this.pairs = null;
  }

  /**
   * Takes the signing parameters of a URL or query signed for the asset folder
   * (a custom policy whose Resource is `https://host/folder/*`). A canned URL for
   * the master alone would not open its children: use renewFromMaster then.
   * @param {string} signedUrlOrQuery
   */
  update(signedUrlOrQuery) {
    const pairs = signingPairsOf(signedUrlOrQuery);
    if (!pairs) throw new Error("signed-hls-cdn: the renewed URL carries no signature");
    this.pairs = pairs;
  }

  /**
   * Loads the renewed master through the edge and keeps the folder-scoped
   * parameters the edge signed its children with. Call it from the app's
   * renewal callback with the new signed master URL.
   * @param {string} signedMasterUrl
   * @param {(url: string) => Promise<{ ok: boolean, status: number, text(): Promise<string> }>} [load]
   * @returns {Promise<void>}
   */
  async renewFromMaster(signedMasterUrl, load = (url) => fetch(url, { credentials: "omit" })) {
    const response = await load(signedMasterUrl);
    if (!response.ok) throw new Error(`signed-hls-cdn: the renewed master answered ${response.status}`);
    const pairs = signingPairsOfPlaylist(await response.text());
    if (!pairs) throw new Error("signed-hls-cdn: the renewed master has no signed URI (cookie mode?)");
    this.pairs = pairs;
  }

  /**
   * The URL with its signing parameters replaced by the freshest ones, every other parameter kept.
   * @param {string} url
   * @returns {string}
   */
  apply(url) {
    if (!this.pairs) return url;
    const { base, pairs, fragment } = splitUrl(url);
    if (!base.endsWith(EDGE_PLAYLIST_SUFFIX) || !pairs.some((pair) => pair.startsWith("Signature=")))
      return url;
    return `${base}?${[...pairs.filter((pair) => !isSigningPair(pair)), ...this.pairs].join("&")}${fragment}`;
  }
}

/**
 * The FreshSignatures of a plugin's URL-mode options; throws when the app passed none.
 * @param {{ signatures?: FreshSignatures }} options
 * @returns {FreshSignatures}
 */
export function signaturesFor(options) {
  if (!(options.signatures instanceof FreshSignatures))
    throw new Error("signed-hls-cdn: URL mode needs the FreshSignatures the app renews");
  return options.signatures;
}
