/**
 * Which of the distribution's hosts a viewer is on, so the manifest function
 * signs a playlist for the host its relative URIs resolve against. Only a
 * configured viewer host is ever returned; the caller falls back to the
 * distribution's main domain otherwise (a Host header is never trusted alone).
 */

/**
 * The one rule, for both triggers: the `host` header when it is a configured
 * viewer host, else the literal host of the viewer's policy Resource when it is
 * one, else `fallback` (the distribution's main domain).
 *
 * - viewer-request events carry the viewer's Host.
 * - origin-request events carry it too because the `*._m3u8` cache policy
 *   keys on `Host` with that trigger (the program's cache settings); otherwise the
 *   header would be the ORIGIN's, which is no viewer host and so is ignored.
 *   CloudFront served the request on that host, so it is the viewer's.
 * - The grant's host covers a Host that is not forwarded: CloudFront matched a
 *   custom policy's literal host against the request URL before the function
 *   ran. A canned policy's Resource is rebuilt from the URL the caller
 *   assumed, so it only confirms that assumption.
 */
export function signingHost(input: {
  readonly hostHeader: string | undefined;
  readonly resource: string;
  readonly viewerHosts: readonly string[];
  readonly fallback: string;
}): string {
  return (
    hostFromHeader(input.hostHeader, input.viewerHosts) ??
    hostFromGrant(input.resource, input.viewerHosts) ??
    input.fallback
  );
}

/** The `host` header, lower case, when it is one of `viewerHosts` (`host` or `host:port`, as in URL.host). */
export function hostFromHeader(
  hostHeader: string | undefined,
  viewerHosts: readonly string[],
): string | undefined {
  return allowed(hostHeader, viewerHosts);
}

/** The host of a policy Resource, when it is literal (no `*`, `?` or user part) and one of `viewerHosts`. */
export function hostFromGrant(resource: string, viewerHosts: readonly string[]): string | undefined {
  const match = /^[^:/]*:\/\/([^/]*)\//.exec(resource);
  if (!match || /[*?@]/.test(match[1])) return undefined;
  return allowed(match[1], viewerHosts);
}

function allowed(host: string | undefined, viewerHosts: readonly string[]): string | undefined {
  const lower = host?.trim().toLowerCase();
  return lower && viewerHosts.includes(lower) ? lower : undefined;
}
