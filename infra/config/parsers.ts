/**
 * Parsers for stack config values: each turns one key's text into a typed
 * value, or reports what is wrong with it in plain words (the caller puts the
 * key's name in front). Pure: no Pulumi.
 */

export const ONE_DAY = 86400;

/** What a key's parser gets besides its text. */
export interface ParseContext {
  /** The stack name (messages suggest `/cloudfront-signer/<stack>`). */
  readonly stack: string;
  /** Reports one problem with this key's value; the key is then invalid. */
  report(message: string): void;
}

export type Parser<T> = (text: string, context: ParseContext) => T;

/** Splits a list value: JSON array (`["a","b"]`) or comma-separated text. */
export function parseList(value: string | undefined): string[] {
  const text = (value ?? "").trim();
  if (text === "") return [];
  if (text.startsWith("[")) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== "string")) {
      throw new Error("expected a JSON array of strings");
    }
    return parsed.map((item: string) => item.trim()).filter((item) => item !== "");
  }
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** `90d`, `12h`, `30m` (or a bare number of seconds) -> seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)\s*([dhms]?)$/.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not a duration like 90d, 12h, 30m or 3600`);
  const amount = Number(match[1]);
  const unit = match[2] || "s";
  return amount * { d: ONE_DAY, h: 3600, m: 60, s: 1 }[unit as "d" | "h" | "m" | "s"];
}

/** EventBridge `rate()` expression for an interval, in the largest whole unit. */
export function rateExpression(seconds: number): string {
  const [amount, unit] =
    seconds % ONE_DAY === 0
      ? [seconds / ONE_DAY, "day"]
      : seconds % 3600 === 0
        ? [seconds / 3600, "hour"]
        : [seconds / 60, "minute"];
  return `rate(${amount} ${unit}${amount === 1 ? "" : "s"})`;
}

/** How often the rotation function runs for a given rotation interval (seconds). */
export function rotationCheckSeconds(intervalSeconds: number): number {
  return Math.min(ONE_DAY, Math.max(60, Math.floor(intervalSeconds / 24 / 60) * 60));
}

export const HOSTNAME =
  /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** One of a fixed set of words. */
export function oneOf<T extends string>(allowed: readonly T[]): Parser<T> {
  return (text, { report }) => {
    if ((allowed as readonly string[]).includes(text)) return text as T;
    report(`"${text}" is not one of ${allowed.join(", ")}`);
    return allowed[0];
  };
}

/** A whole number from `min` to `max`. */
export function integer(min: number, max: number): Parser<number> {
  return (text, { report }) => {
    const number = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(number) || number < min || number > max) {
      report(`"${text}" must be a whole number from ${min} to ${max}`);
      return min;
    }
    return number;
  };
}

/** A positive number (decimals allowed) up to `max`. */
export function positiveNumber(max: number): Parser<number> {
  return (text, { report }) => {
    const parsed = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || !(parsed > 0) || parsed > max) {
      report(`"${text}" must be a positive number up to ${max}`);
      return 1;
    }
    return parsed;
  };
}

export const boolean: Parser<boolean> = (text, { report }) => {
  const lower = text.toLowerCase();
  if (lower === "true" || lower === "false") return lower === "true";
  report(`"${text}" must be true or false`);
  return false;
};

/** A duration (`90d`, `12h`, `30m`, seconds) in seconds. */
export const duration: Parser<number> = (text, { report }) => {
  try {
    return parseDuration(text);
  } catch (error) {
    report((error as Error).message);
    return 0;
  }
};

/** Free text, as written (trimmed). */
export const text: Parser<string> = (value) => value;

/** A list (comma-separated or a JSON array), each item checked by `item` (a message, or undefined when fine). */
export function list(
  item: (value: string) => string | undefined = () => undefined,
  normalize: (value: string) => string = (value) => value,
): Parser<readonly string[]> {
  return (value, { report }) => {
    let items: string[];
    try {
      items = parseList(value).map(normalize);
    } catch (error) {
      report((error as Error).message);
      return [];
    }
    for (const entry of items) {
      const problem = item(entry);
      if (problem !== undefined) report(problem);
    }
    return items;
  };
}

/** Empty, or text that passes `check` (a message, or undefined when fine); normalized first. */
export function optional(
  check: (value: string) => string | undefined,
  normalize: (value: string) => string = (value) => value,
): Parser<string> {
  return (value, { report }) => {
    const normalized = normalize(value);
    if (normalized === "") return "";
    const problem = check(normalized);
    if (problem !== undefined) report(problem);
    return normalized;
  };
}

export const lowerCase = (value: string): string => value.toLowerCase();

/** A host name without a wildcard. */
export function hostNameProblem(value: string): string | undefined {
  return HOSTNAME.test(value) && !value.startsWith("*.") ? undefined : `"${value}" is not a host name`;
}

/** One row of the config key table: what the key defaults to, how its text is read, what it means. */
export interface ConfigKeySpec<T> {
  /** The default, as it would be written in `Pulumi.<stack>.yaml` ("" = unset); `<stack>` stands for the stack name. */
  readonly default: string;
  /** The README's Default column when the text alone says too little (e.g. a default derived from another key). */
  readonly shownDefault?: string;
  /** The README's Meaning column (markdown). */
  readonly doc: string;
  readonly parse: Parser<T>;
}

/** Declares a table row, keeping the parser's value type. */
export function configKey<T>(spec: ConfigKeySpec<T>): ConfigKeySpec<T> {
  return spec;
}

/** The typed values of a key table. */
export type ParsedValues<Table extends Record<string, ConfigKeySpec<unknown>>> = {
  readonly [K in keyof Table]: Table[K] extends ConfigKeySpec<infer T> ? T : never;
};
