/**
 * Flag parsing shared by the commands: node:util parseArgs in strict mode,
 * every parse failure turned into a UsageError, numbers and files read strictly.
 */
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./io";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseFlags<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }).values as {
      [K in keyof T]?: T[K]["multiple"] extends true
        ? string[]
        : T[K]["type"] extends "boolean"
          ? boolean
          : string;
    } & { help?: boolean };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`--${flag} is required`);
  return value;
}

/** A whole, non-negative number of seconds, written in digits only. */
export function seconds(value: string, flag: string): number {
  if (!/^\d{1,12}$/.test(value))
    throw new UsageError(`--${flag} must be a whole number of seconds, got "${value}"`);
  return Number(value);
}

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? "unreadable");
    throw new UsageError(`cannot read ${what} ${path}: ${why}`);
  }
}
