/**
 * Where URIs live in a playlist (RFC 8216 and its second edition, plus the
 * interstitial attributes of EXT-X-DATERANGE). Any line that is neither blank
 * nor starts with `#` is a URI line as well; those need no table.
 */
export const URI_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  "EXT-X-KEY": ["URI"],
  "EXT-X-SESSION-KEY": ["URI"],
  "EXT-X-MAP": ["URI"],
  "EXT-X-MEDIA": ["URI"],
  "EXT-X-I-FRAME-STREAM-INF": ["URI"],
  "EXT-X-SESSION-DATA": ["URI"],
  "EXT-X-PART": ["URI"],
  "EXT-X-PRELOAD-HINT": ["URI"],
  "EXT-X-RENDITION-REPORT": ["URI"],
  "EXT-X-CONTENT-STEERING": ["SERVER-URI"],
  "EXT-X-DATERANGE": ["X-ASSET-URI", "X-ASSET-LIST"],
};

/** The tag that defines variables (`NAME`/`VALUE`, `QUERYPARAM` or `IMPORT`). */
export const DEFINE_TAG = "EXT-X-DEFINE";

/** Whether `tag` (without the leading `#`) may hold URI attributes. */
export function uriAttributesOf(tag: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(URI_ATTRIBUTES, tag) ? URI_ATTRIBUTES[tag] : undefined;
}
