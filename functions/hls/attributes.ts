/**
 * An attribute-list scanner (RFC 8216 4.2) that reports where each value sits
 * instead of copying it, so a caller can replace one value and leave every
 * other byte of the line alone. Quoted strings may contain `,` and `=`.
 * Modelled on the behaviour of hls.js' AttrList (names are trimmed, the last
 * unquoted value runs to the end of the line), written for spans.
 */

export interface AttributeSpan {
  /** Attribute name, surrounding whitespace trimmed. */
  readonly name: string;
  /** Index (in the scanned string) of the value's first character, inside the quotes when quoted. */
  readonly valueStart: number;
  /** Index one past the value's last character (the closing quote's index when quoted). */
  readonly valueEnd: number;
  readonly quoted: boolean;
  /**
   * False when the value cannot be delimited with certainty: a quoted string
   * without its closing quote, or anything but `,` / end of line right after
   * the closing quote. Such values are reported but must not be rewritten.
   */
  readonly wellFormed: boolean;
}

/**
 * Scans `text` from `start` (the character after `TAG:`) to its end. Linear: every character is
 * looked at a bounded number of times, whatever the mix of commas, `=` and quotes. Never throws.
 * With `wanted`, only the attributes of those names are reported, and other names are compared
 * in place: a line of a million attributes costs no allocation per attribute.
 */
export function scanAttributes(text: string, start: number, wanted?: readonly string[]): AttributeSpan[] {
  const spans: AttributeSpan[] = [];
  let index = start;
  while (index < text.length) {
    // The first `,` or `=` from here decides: `,` ends an item without `=` (skipped), `=` names one.
    let equals = index;
    while (equals < text.length && text.charCodeAt(equals) !== 61 /* = */) {
      if (text.charCodeAt(equals) === 44 /* , */) break;
      equals++;
    }
    if (equals === text.length) break;
    if (text.charCodeAt(equals) === 44) {
      index = equals + 1;
      continue;
    }
    const name = wanted ? wantedName(text, index, equals, wanted) : text.slice(index, equals).trim();
    const valueIndex = equals + 1;
    if (text.charCodeAt(valueIndex) === 34 /* " */) {
      const close = text.indexOf('"', valueIndex + 1);
      if (close < 0) {
        if (name !== undefined) {
          spans.push({
            name,
            valueStart: valueIndex + 1,
            valueEnd: text.length,
            quoted: true,
            wellFormed: false,
          });
        }
        break;
      }
      const after = close + 1;
      const next = text.indexOf(",", after);
      if (name !== undefined) {
        const trailing = text.slice(after, next < 0 ? text.length : next);
        spans.push({
          name,
          valueStart: valueIndex + 1,
          valueEnd: close,
          quoted: true,
          wellFormed: trailing.trim() === "",
        });
      }
      if (next < 0) break;
      index = next + 1;
    } else {
      const end = text.indexOf(",", valueIndex);
      if (name !== undefined) {
        spans.push({
          name,
          valueStart: valueIndex,
          valueEnd: end < 0 ? text.length : end,
          quoted: false,
          wellFormed: true,
        });
      }
      if (end < 0) break;
      index = end + 1;
    }
  }
  return spans;
}

/** The name in text[start, end), trimmed as String.prototype.trim does, when it is one of `wanted`. */
function wantedName(text: string, start: number, end: number, wanted: readonly string[]): string | undefined {
  let first = start;
  let last = end;
  while (first < last && isAsciiSpace(text.charCodeAt(first))) first++;
  while (last > first && isAsciiSpace(text.charCodeAt(last - 1))) last--;
  if (first < last && (text.charCodeAt(first) > 127 || text.charCodeAt(last - 1) > 127)) {
    // Unicode spaces (trim removes them too) are rare enough for the slow path.
    const name = text.slice(start, end).trim();
    return wanted.includes(name) ? name : undefined;
  }
  for (const name of wanted) {
    if (name.length === last - first && text.startsWith(name, first)) return name;
  }
  return undefined;
}

/** The ASCII characters String.prototype.trim removes: tab, LF, VT, FF, CR, space. */
function isAsciiSpace(code: number): boolean {
  return (code >= 9 && code <= 13) || code === 32;
}

/** The value of the first attribute called `name`, or undefined. */
export function attributeValue(
  text: string,
  spans: readonly AttributeSpan[],
  name: string,
): string | undefined {
  const span = spans.find((candidate) => candidate.name === name && candidate.wellFormed);
  return span ? text.slice(span.valueStart, span.valueEnd) : undefined;
}
