/**
 * `signed-hls-cdn <command> [flags]`: dispatches to cli/commands/*. Errors go
 * to stderr; exit codes are EXIT (0 ok, 1 rejected, 2 usage/input, 3 internal).
 */
import { SigningInputError } from "../functions/cloudfront/errors";
import { EXIT, processIo, UsageError, type CommandIo } from "./io";
import { COMMANDS, type Command } from "./registry";

async function overview(): Promise<string> {
  const lines = [
    "usage: signed-hls-cdn <command> [flags]   (signed-hls-cdn <command> --help for details)",
    "",
    "commands:",
  ];
  for (const load of Object.values(COMMANDS)) {
    const { command } = await load();
    lines.push(`  ${command.name.padEnd(10)}${command.summary}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      (name === undefined ? io.stderr : io.stdout)(await overview());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const load = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load)
      throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(", ")})`);
    const { command }: { command: Command } = await load();
    if (args.includes("--help") || args.includes("-h")) {
      io.stdout(command.help);
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`signed-hls-cdn: ${error.message}\n(see signed-hls-cdn ${name ?? ""} --help)\n`);
      return EXIT.usage;
    }
    if (error instanceof SigningInputError) {
      io.stderr(`signed-hls-cdn: ${error.message} [${error.code}]\n`);
      return EXIT.usage;
    }
    io.stderr(`signed-hls-cdn: unexpected failure: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.internal;
  }
}
