/**
 * The names CloudFront reads as a signature: the signed-URL query parameters
 * and the signed cookies that carry the same values. Defined once here; the
 * signer, the verifier, the rewriter, the edge, the cache policies and the
 * local edge all import them. (players/signatures.js is a standalone browser
 * module and keeps a copy, which tests/players/signatures.test.ts holds equal.)
 *
 * Query parameters: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-custom-policy.html
 * Cookies: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html
 * Arrays, not Sets: module-level Sets do not survive Pulumi's closure serialization.
 */

/** Query parameters CloudFront reads as the signature (and strips before it matches the URL). */
export const SIGNING_QUERY_PARAMETERS = [
  "Expires",
  "Policy",
  "Signature",
  "Key-Pair-Id",
  "Hash-Algorithm",
] as const;
export type SigningQueryParameter = (typeof SIGNING_QUERY_PARAMETERS)[number];

/**
 * The parameters whose presence makes CloudFront treat a request as a signed
 * URL, and then ignore any signed cookies ("Decide to use signed URLs or
 * signed cookies"). `Hash-Algorithm` only qualifies the others.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-choosing-signed-urls-cookies.html
 */
export const URL_DECIDING_PARAMETERS: readonly SigningQueryParameter[] = [
  "Expires",
  "Policy",
  "Signature",
  "Key-Pair-Id",
];

/** Every signed cookie is the query parameter's name behind this prefix. */
export const SIGNED_COOKIE_PREFIX = "CloudFront-";
export type SignedCookieName = `${typeof SIGNED_COOKIE_PREFIX}${SigningQueryParameter}`;

export function signedCookieName(parameter: SigningQueryParameter): SignedCookieName {
  return `${SIGNED_COOKIE_PREFIX}${parameter}`;
}

/**
 * The signed cookies, in the order deployed stacks' manifest cache policies
 * list them (another order would update that policy on every stack); typed, so
 * only real parameters fit, and tests/contract/signing-names.test.ts checks
 * it names each parameter once.
 */
export const SIGNED_COOKIE_NAMES: readonly SignedCookieName[] = (
  [
    "Policy",
    "Signature",
    "Key-Pair-Id",
    "Expires",
    "Hash-Algorithm",
  ] as const satisfies readonly SigningQueryParameter[]
).map(signedCookieName);

export function isSigningQueryParameter(name: string): name is SigningQueryParameter {
  return (SIGNING_QUERY_PARAMETERS as readonly string[]).includes(name);
}
