/**
 * Input helpers the commands share beside the flag parser (cli/flags.ts):
 * a flag required only in some cases, and files read with a usage error.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "./flags";

/** For flags required only in some cases (the declaration's `required` covers the others). */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`--${flag} is required`);
  return value;
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
