/**
 * Variable substitution (RFC 8216bis 4.3): EXT-X-DEFINE `NAME`/`VALUE` in the
 * same playlist and `QUERYPARAM` from the playlist's own request URL are
 * resolvable here; `IMPORT` takes its value from the parent multivariant
 * playlist, which the edge never sees together with this one, so a reference
 * to it is unresolvable and the URI is left exactly as written.
 */
import { attributeValue, scanAttributes } from "./attributes";

const REFERENCE = /\{\$([A-Za-z0-9_-]+)\}/g;

/** Variable name -> value, or `undefined` when defined but not resolvable here (IMPORT, duplicates, missing query parameter). */
export type Variables = Map<string, string | undefined>;

/** Records one EXT-X-DEFINE line (content after `#EXT-X-DEFINE:` starts at `start`). */
export function defineVariable(variables: Variables, line: string, start: number, playlistUrl: URL): void {
  const spans = scanAttributes(line, start);
  const name = attributeValue(line, spans, "NAME");
  const queryParam = attributeValue(line, spans, "QUERYPARAM");
  const imported = attributeValue(line, spans, "IMPORT");
  let key: string | undefined;
  let value: string | undefined;
  if (name !== undefined) {
    key = name;
    value = attributeValue(line, spans, "VALUE");
  } else if (queryParam !== undefined) {
    key = queryParam;
    value = playlistUrl.searchParams.get(queryParam) ?? undefined;
  } else if (imported !== undefined) {
    key = imported;
    value = undefined;
  }
  if (key === undefined) return;
  // A second definition of a name is an error for players; never guess which one wins.
  variables.set(key, variables.has(key) ? undefined : value);
}

/** True when `text` contains at least one `{$name}` reference. */
export function hasReferences(text: string): boolean {
  return text.includes("{$");
}

/** Replaces every reference; undefined when any reference cannot be resolved. */
export function substitute(text: string, variables: Variables): string | undefined {
  let unresolved = false;
  const result = text.replace(REFERENCE, (reference: string, name: string) => {
    const value = variables.get(name);
    if (value === undefined) {
      unresolved = true;
      return reference;
    }
    return value;
  });
  // `{$` that is not a well-formed reference is left to the URI check (it is not a valid URI character).
  return unresolved ? undefined : result;
}
