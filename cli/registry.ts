/**
 * The commands, by name. Adding one = one file under cli/commands/ exporting
 * `command` + one line here. Loaded lazily so `sign` never pays for `rotate`.
 */
import type { CommandIo } from "./io";

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text. */
  readonly help: string;
  /** Returns the exit code; throws UsageError / SigningInputError for bad input. */
  run(args: string[], io: CommandIo): Promise<number> | number;
}

export const COMMANDS: Readonly<Record<string, () => Promise<{ command: Command }>>> = {
  sign: () => import("./commands/sign"),
  verify: () => import("./commands/verify"),
  rewrite: () => import("./commands/rewrite"),
  rotate: () => import("./commands/rotate"),
  revoke: () => import("./commands/revoke"),
  status: () => import("./commands/status"),
  doctor: () => import("./commands/doctor"),
};
