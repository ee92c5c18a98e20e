/**
 * How the viewer's grant reaches the manifest function when it runs on
 * origin-request. CloudFront removes Expires, Policy, Signature and
 * Key-Pair-Id from the query string before it forwards a request to the
 * origin ("Caching content based on query string parameters",
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/QueryStringParameters.html),
 * and an origin-request event carries the request as it is forwarded, with only
 * the headers, cookies and query strings the cache policy forwards
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html,
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/controlling-origin-requests.html).
 * No page says whether the CloudFront-* signed cookies survive; and when the URL
 * was signed, CloudFront never looked at the cookies, so a forwarded cookie may
 * be a forgery (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-choosing-signed-urls-cookies.html:
 * a URL with any signing parameter is a signed URL and its cookies are ignored).
 *
 * So the origin-request function reads neither. A CloudFront Function on the
 * same behavior's viewer-request event (allowed beside a Lambda@Edge
 * origin-request function: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html)
 * copies exactly the values CloudFront verifies for this request (the query's
 * signing parameters when the URL carries any, else the CloudFront-* cookies)
 * into FORWARDED_GRANT_HEADER, after deleting whatever the viewer sent under
 * that name. The manifest cache policy forwards that header (a header a viewer
 * function sets reaches the origin only when a policy forwards it:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-how-to-choose-event.html).
 * A viewer cannot widen a grant through it: the header is overwritten on every
 * request, and what it carries is what CloudFront checked the signature of.
 * This holds under both readings of the cookie question and whether or not
 * CloudFront also strips Hash-Algorithm. The header keeps the grant's form (a
 * query for a signed URL, a Cookie header for signed cookies) because the
 * function signs a cookie viewer's children differently (playlist-signing.ts).
 */
import { stripSigningParameters } from "../../cloudfront/query";
import {
  SIGNED_COOKIE_PREFIX,
  SIGNING_QUERY_PARAMETERS,
  URL_DECIDING_PARAMETERS,
} from "../../../contract/signing-names";

/** The header the viewer-request CloudFront Function writes and the origin-request function reads. */
export const FORWARDED_GRANT_HEADER = "X-Signed-Hls-Grant";

/**
 * The CloudFront Function (runtime cloudfront-js-2.0, viewer-request). Plain
 * ES5 so it runs unchanged in CloudFront and in the local edge. Values outside
 * CloudFront's URL-safe base64 alphabet, or a name sent twice, copy nothing:
 * the manifest function then answers 403, as CloudFront would have.
 */
export const GRANT_FORWARDING_FUNCTION_CODE = `var HEADER = ${JSON.stringify(FORWARDED_GRANT_HEADER.toLowerCase())};
var NAMES = ${JSON.stringify(SIGNING_QUERY_PARAMETERS)};
var URL_DECIDING = ${JSON.stringify(URL_DECIDING_PARAMETERS)};
var COOKIE_PREFIX = ${JSON.stringify(SIGNED_COOKIE_PREFIX)};
function handler(event) {
  var request = event.request;
  var headers = request.headers || (request.headers = {});
  delete headers[HEADER];
  var query = request.querystring || {};
  var cookies = request.cookies || {};
  var fromUrl = false;
  for (var i = 0; i < URL_DECIDING.length; i++) if (query[URL_DECIDING[i]]) fromUrl = true;
  var parts = [];
  for (var j = 0; j < NAMES.length; j++) {
    var entry = fromUrl ? query[NAMES[j]] : cookies[COOKIE_PREFIX + NAMES[j]];
    if (!entry) continue;
    if (entry.multiValue && entry.multiValue.length > 1) return request;
    if (!/^[A-Za-z0-9_~=-]*$/.test(entry.value)) return request;
    parts.push((fromUrl ? "" : COOKIE_PREFIX) + NAMES[j] + "=" + entry.value);
  }
  if (parts.length > 0) headers[HEADER] = { value: parts.join(fromUrl ? "&" : "; ") };
  return request;
}
`;

/**
 * Where the manifest function reads the viewer's grant for `url` (the request
 * URL with its query): on viewer-request, the query and cookies the viewer sent
 * (CloudFront has just verified them); on origin-request, only the forwarded
 * header (never the forwarded query parameters or cookies): a signed URL's
 * parameters are appended to the query after removing any signing parameter left
 * in it (whether or not CloudFront stripped them); signed cookies come back as
 * the only Cookie header, so the grant keeps its source.
 */
export function grantSource(
  trigger: "viewer-request" | "origin-request",
  url: string,
  forwardedGrant: string | undefined,
  cookieHeader: string | undefined,
): { readonly url: string; readonly cookieHeader?: string } {
  if (trigger === "viewer-request") return { url, cookieHeader };
  const stripped = stripSigningParameters(url);
  if (!forwardedGrant) return { url: stripped };
  if (forwardedGrant.startsWith(SIGNED_COOKIE_PREFIX)) return { url: stripped, cookieHeader: forwardedGrant };
  return { url: `${stripped}${stripped.includes("?") ? "&" : "?"}${forwardedGrant}` };
}
