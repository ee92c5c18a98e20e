/**
 * Which of the distribution's hosts a viewer is on, so the manifest function
 * signs a playlist for the host its relative URIs resolve against. Only a
 * configured viewer host is ever returned; the caller falls back to the
 * distribution's main domain otherwise (a Host header is never trusted alone).
 */

/**
 * viewer-request events: the `host` header is the viewer's. Returns it, lower
 * case, when it is one of `viewerHosts` (`host` or `host:port`, as in URL.host).
 */
export function hostFromHeader(
  hostHeader: string | undefined,
  viewerHosts: readonly string[],
): string | undefined {
  return allowed(hostHeader, viewerHosts);
}

/**
 * origin-request events (whose `host` header is the ORIGIN's): the host of the
 * viewer's own policy Resource, when it is literal and one of `viewerHosts`.
 * CloudFront matched that Resource against the request URL, host included,
 * before the function ran, so a custom policy's literal host is the viewer's.
 * A canned policy's Resource is rebuilt from the URL the caller assumed, so it
 * teaches nothing: callers pass it on the fallback host.
 */
export function hostFromGrant(resource: string, viewerHosts: readonly string[]): string | undefined {
  const match = /^[^:/]*:\/\/([^/]*)\//.exec(resource);
  if (!match || /[*?@]/.test(match[1])) return undefined;
  return allowed(match[1], viewerHosts);
}

function allowed(host: string | undefined, viewerHosts: readonly string[]): string | undefined {
  const lower = host?.trim().toLowerCase();
  return lower && viewerHosts.includes(lower) ? lower : undefined;
}
