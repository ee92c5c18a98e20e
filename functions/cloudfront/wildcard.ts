/**
 * CloudFront's `Resource` matching: case-sensitive, `*` matches any run of
 * characters (including none, `/` and the query string), `?` matches exactly
 * one character, everything else matches itself. Iterative, no regex, so a
 * hostile pattern cannot cause catastrophic backtracking.
 */
export function resourceMatches(pattern: string, url: string): boolean {
  let p = 0;
  let u = 0;
  let starP = -1;
  let starU = 0;
  while (u < url.length) {
    const c = pattern.charCodeAt(p);
    if (p < pattern.length && c === 42 /* * */) {
      starP = p++;
      starU = u;
    } else if (p < pattern.length && (c === 63 /* ? */ || c === url.charCodeAt(u))) {
      p++;
      u++;
    } else if (starP !== -1) {
      p = starP + 1;
      u = ++starU;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}
