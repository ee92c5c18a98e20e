/**
 * Command-line flags declared once, as data. The parser, its usage errors and
 * the `--help` lines all come from the same declaration (a FlagTable), so a
 * flag cannot be parsed without being documented or documented without being
 * parsed. Used by every `signed-hls-cdn` command (cli/commands/*); shaped so
 * `npm start` (local/options.ts) can declare its flags the same way (`env`).
 * Imports only node:util, so any layer outside functions/ may use it.
 */
import { parseArgs } from "node:util";

/** Bad flags or input the caller should fix: exit 2 in the CLI. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

interface FlagCommon {
  /** Help text; "\n" starts a continuation line, indented under the first. */
  readonly description: string;
  /** Absent (or empty) is a usage error. */
  readonly required?: boolean;
  /** One-letter alias, e.g. "v" for -v. */
  readonly short?: string;
  /** Environment variable read when the flag is absent (only when parseFlags gets `env`). */
  readonly env?: string;
  /** The default as shown in help when it is not a value the parser fills in (e.g. "now", "host-only"). */
  readonly defaultText?: string;
  /** Placeholder in help, e.g. FILE (defaults: VALUE, S for seconds, N for numbers). */
  readonly value?: string;
}

export type FlagSpec =
  | (FlagCommon & { readonly type: "boolean"; readonly default?: boolean })
  | (FlagCommon & { readonly type: "string"; readonly default?: string; readonly repeatable?: boolean })
  /** A whole, non-negative number of seconds written in digits only. */
  | (FlagCommon & { readonly type: "seconds"; readonly default?: number })
  /** A whole number in digits only, within [min, max] when given. */
  | (FlagCommon & {
      readonly type: "integer";
      readonly min?: number;
      readonly max?: number;
      readonly default?: number;
    })
  /** A positive decimal number (e.g. days: 0.5). */
  | (FlagCommon & { readonly type: "number"; readonly default?: number })
  | (FlagCommon & {
      readonly type: "choice";
      readonly choices: readonly string[];
      readonly default?: string;
    });

/** Flags by name, without the leading `--`. */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

type FlagValue<S extends FlagSpec> = S extends { type: "boolean" }
  ? boolean
  : S extends { type: "choice"; choices: readonly (infer C)[] }
    ? C
    : S extends { type: "seconds" | "integer" | "number" }
      ? number
      : S extends { repeatable: true }
        ? string[]
        : string;

type Certain<T extends FlagTable> = {
  [K in keyof T]: T[K] extends { required: true } | { default: unknown } ? K : never;
}[keyof T];

/** The parsed flags: required and defaulted ones are always present, the others may be undefined. */
export type FlagValues<T extends FlagTable> = {
  readonly [K in Certain<T>]: FlagValue<T[K]>;
} & { readonly [K in Exclude<keyof T, Certain<T>>]?: FlagValue<T[K]> };

export interface ParseOptions {
  /** Read each flag's `env` variable when the flag is absent (flags win over env, env over defaults). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const placeholder = (spec: FlagSpec): string =>
  spec.type === "boolean"
    ? ""
    : (spec.value ??
      (spec.type === "seconds"
        ? "S"
        : spec.type === "integer" || spec.type === "number"
          ? "N"
          : spec.type === "choice"
            ? spec.choices.join("|")
            : "VALUE"));

const orList = (items: readonly string[]): string =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;

/** Converts one flag's text by its declared type; `label` names it in the error (--flag or ENV_NAME). */
function convert(spec: FlagSpec, label: string, text: string): string | number | boolean {
  switch (spec.type) {
    case "boolean":
      if (text === "1" || text === "true") return true;
      if (text === "0" || text === "false") return false;
      throw new UsageError(`${label} must be 1 or 0, got "${text}"`);
    case "string":
      return text;
    case "seconds":
      if (!/^\d{1,12}$/.test(text))
        throw new UsageError(`${label} must be a whole number of seconds, got "${text}"`);
      return Number(text);
    case "integer": {
      const value = Number(text);
      const inRange =
        /^\d{1,12}$/.test(text) &&
        (spec.min === undefined || value >= spec.min) &&
        (spec.max === undefined || value <= spec.max);
      if (!inRange) {
        const range =
          spec.min !== undefined && spec.max !== undefined
            ? ` from ${spec.min} to ${spec.max}`
            : spec.min !== undefined
              ? ` of at least ${spec.min}`
              : spec.max !== undefined
                ? ` of at most ${spec.max}`
                : "";
        throw new UsageError(`${label} must be a whole number${range}, got "${text}"`);
      }
      return value;
    }
    case "number": {
      const value = Number(text);
      if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0))
        throw new UsageError(`${label} must be a positive number, got "${text}"`);
      return value;
    }
    case "choice":
      if (!spec.choices.includes(text))
        throw new UsageError(`${label} must be ${orList(spec.choices)}, got "${text}"`);
      return text;
  }
}

/**
 * Parses `args` (no positionals) against `table`, strictly: an undeclared flag,
 * a missing value, a value of the wrong type or a missing required flag is a
 * UsageError. `--help`/`-h` is always accepted and reported as `help`.
 * Reading a flag the table does not declare from the result throws (a bug).
 */
export function parseFlags<T extends FlagTable>(
  args: readonly string[],
  table: T,
  options: ParseOptions = {},
): FlagValues<T> & { readonly help?: boolean } {
  let parsed: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        ...Object.fromEntries(
          Object.entries(table).map(([name, spec]) => [
            name,
            {
              type: spec.type === "boolean" ? ("boolean" as const) : ("string" as const),
              ...(spec.short ? { short: spec.short } : {}),
              ...(spec.type === "string" && spec.repeatable ? { multiple: true } : {}),
            },
          ]),
        ),
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values: Record<string, unknown> = { ...(parsed.help ? { help: true } : {}) };
  for (const [name, spec] of Object.entries(table)) {
    const given = parsed[name];
    const envText = spec.env !== undefined ? options.env?.[spec.env] : undefined;
    let value: unknown;
    if (given !== undefined) {
      value =
        typeof given === "boolean"
          ? given
          : Array.isArray(given)
            ? given.map(String)
            : convert(spec, `--${name}`, given);
    } else if (envText !== undefined && envText !== "" && spec.env !== undefined) {
      const converted = convert(spec, spec.env, envText);
      value = spec.type === "string" && spec.repeatable ? [converted] : converted;
    } else {
      value = spec.default;
    }
    const missing = value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
    if (spec.required && missing) {
      const repeatable = spec.type === "string" && spec.repeatable === true;
      throw new UsageError(
        repeatable ? `--${name} ${placeholder(spec)} is required (at least one)` : `--${name} is required`,
      );
    }
    if (value !== undefined) values[name] = value;
  }
  return new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === "string" && key !== "help" && !Object.prototype.hasOwnProperty.call(table, key))
        throw new Error(`flag --${key} is read but not declared`);
      return Reflect.get(target, key, receiver) as unknown;
    },
  }) as FlagValues<T> & { readonly help?: boolean };
}

/** `--name VALUE` as the flag is written in help. */
export function flagSynopsis(name: string, spec: FlagSpec): string {
  const value = placeholder(spec);
  return `--${name}${value ? ` ${value}` : ""}`;
}

/**
 * The help lines of a table, one flag each in declaration order: synopsis,
 * description (continuation lines aligned), then the default, the env variable
 * and whether it is required or repeatable. Ends with a newline.
 */
export function flagHelp(table: FlagTable, indent = "  "): string {
  const entries = Object.entries(table);
  const head = ([name, spec]: [string, FlagSpec]) =>
    `${flagSynopsis(name, spec)}${spec.short ? `, -${spec.short}` : ""}`;
  const width = Math.max(0, ...entries.map((entry) => head(entry).length)) + 2;
  const lines: string[] = [];
  for (const entry of entries) {
    const spec = entry[1];
    const notes: string[] = [];
    if (spec.required) notes.push("required");
    if (spec.type === "string" && spec.repeatable) notes.push("repeatable");
    const shown =
      spec.default !== undefined && spec.type !== "boolean" ? String(spec.default) : spec.defaultText;
    if (shown !== undefined) notes.push(`default ${shown}`);
    if (spec.env !== undefined) notes.push(`env ${spec.env}`);
    const text = spec.description.split("\n");
    if (notes.length) text[text.length - 1] += ` (${notes.join("; ")})`;
    text.forEach((line, index) =>
      lines.push(`${indent}${(index === 0 ? head(entry) : "").padEnd(width)}${line}`.trimEnd()),
    );
  }
  return `${lines.join("\n")}\n`;
}
