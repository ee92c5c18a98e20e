/**
 * Defence in depth at the manifest edge (issue 11.3): CloudFront checked the
 * viewer's signature before the function ran, but the function re-checks it
 * against the stack's own key slots before trusting the policy it decodes, so
 * a behavior that loses its trusted key groups (a misconfiguration, a manual
 * edit) cannot turn a forged policy into signed URIs. One verification per
 * playlist response (see `npm run bench grant`).
 */
import { signedByOneOf } from "../../cloudfront/verifier";
import type { TrustedKeyProvider } from "../../keys/trusted";

/**
 * Whether the viewer's grant, as presented on one of `urls` (the same request on each viewer
 * host: a canned policy is rebuilt from the URL, whose host the function may not know, e.g. in an
 * origin-request event without the viewer's Host), is signed by a trusted key. A rejection is
 * re-checked once against freshly read keys (a rotation may have written a new key since).
 * Rejects when no trusted key can be loaded.
 */
export async function grantSignedByStack(input: {
  readonly urls: readonly string[];
  readonly cookieHeader: string | undefined;
  readonly trusted: TrustedKeyProvider;
}): Promise<boolean> {
  const signed = (keys: Parameters<typeof signedByOneOf>[2]) =>
    input.urls.some((url) => signedByOneOf(url, input.cookieHeader, keys));
  if (signed(await input.trusted.getTrustedKeys())) return true;
  return signed(await input.trusted.getTrustedKeys({ recheck: true }));
}
