/**
 * Variable substitution (RFC 8216bis 4.3): EXT-X-DEFINE `NAME`/`VALUE` in the
 * same playlist and `QUERYPARAM` from the playlist's own request URL are
 * resolvable here; `IMPORT` takes its value from the parent multivariant
 * playlist, which the edge never sees together with this one, so a reference
 * to it is unresolvable and the URI is left exactly as written.
 */
import { MAX_VARIABLE_VALUE_CHARACTERS } from "../../contract/limits";
import { attributeValue, scanAttributes } from "./attributes";

/** Variable name -> value, or `undefined` when defined but not resolvable here (IMPORT, duplicates, missing query parameter). */
export type Variables = Map<string, string | undefined>;

/** The first value of a query parameter of the playlist URL, or undefined. */
export type QueryValue = (name: string) => string | undefined;

/** Looks query parameters up in a table built once, instead of a scan of the query per EXT-X-DEFINE. */
export function queryValueOf(url: URL): QueryValue {
  let table: Map<string, string> | undefined;
  return (name) => {
    if (!table) {
      table = new Map();
      for (const [key, value] of url.searchParams) if (!table.has(key)) table.set(key, value);
    }
    return table.get(name);
  };
}

/** The attributes of EXT-X-DEFINE the rewriter reads. */
const DEFINE_ATTRIBUTES: readonly string[] = ["NAME", "VALUE", "QUERYPARAM", "IMPORT"];

/** Records one EXT-X-DEFINE line (content after `#EXT-X-DEFINE:` starts at `start`). */
export function defineVariable(
  variables: Variables,
  line: string,
  start: number,
  queryValue: QueryValue,
): void {
  const spans = scanAttributes(line, start, DEFINE_ATTRIBUTES);
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
    value = queryValue(queryParam);
  } else if (imported !== undefined) {
    key = imported;
    value = undefined;
  }
  if (key === undefined) return;
  // A second definition of a name is an error for players; never guess which one wins. (The size
  // tells a new name from a known one: one hash lookup per definition instead of two.)
  const known = variables.size;
  variables.set(key, value);
  if (variables.size === known) variables.set(key, undefined);
}

/** True when `text` contains at least one `{$name}` reference. */
export function hasReferences(text: string): boolean {
  return text.includes("{$");
}

export type Substitution =
  { readonly text: string } | { readonly refused: "unresolved-variable" | "too-long" };

/**
 * Replaces every `{$name}` reference (name: `[A-Za-z0-9_-]+`) in one left-to-right pass. Refused
 * when a reference cannot be resolved, when a value is longer than MAX_VARIABLE_VALUE_CHARACTERS,
 * or as soon as the result passes `maxLength` (nothing longer is ever built).
 */
export function substitute(text: string, variables: Variables, maxLength: number): Substitution {
  let result = "";
  let copied = 0;
  let open = text.indexOf("{$");
  while (open >= 0) {
    let end = open + 2;
    while (end < text.length && isNameCharacter(text.charCodeAt(end))) end++;
    if (end === open + 2 || text.charCodeAt(end) !== 125 /* } */) {
      // Not a reference (`{$` without a name and `}`): left to the URI check, which refuses `{`.
      open = text.indexOf("{$", open + 1);
      continue;
    }
    const value = variables.get(text.slice(open + 2, end));
    if (value === undefined) return { refused: "unresolved-variable" };
    if (value.length > MAX_VARIABLE_VALUE_CHARACTERS) return { refused: "too-long" };
    result += text.slice(copied, open) + value;
    if (result.length > maxLength) return { refused: "too-long" };
    copied = end + 1;
    open = text.indexOf("{$", copied);
  }
  result += text.slice(copied);
  return result.length > maxLength ? { refused: "too-long" } : { text: result };
}

function isNameCharacter(code: number): boolean {
  return (
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 45 // -
  );
}
