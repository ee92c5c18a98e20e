/**
 * Every command's flags are declared once (cli/flags.ts): each declared flag is
 * in its --help, every flag its help or the README names is declared, and an
 * undeclared flag is a usage error (exit 2).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../cli/main";
import type { CommandIo } from "../../cli/io";
import { COMMANDS, type Command } from "../../cli/registry";

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

async function commands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).command));
}

function capture(): CommandIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    now: () => 1_800_000_000,
  };
  return io;
}

/** `--name` tokens (not `--` alone, not inside a word such as `a--b`). */
const flagsIn = (text: string): string[] =>
  [...text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((match) => match[1]);

/** README lines running `signed-hls-cdn <command> ...`, with their `\` continuation lines joined. */
function readmeInvocations(): { command: string; line: string }[] {
  const lines = README.split("\n");
  const found: { command: string; line: string }[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = /^\s*(?:npx )?signed-hls-cdn ([a-z]+)\b/.exec(lines[index]);
    if (!match) continue;
    let line = lines[index];
    while (line.trimEnd().endsWith("\\") && index + 1 < lines.length) line += `\n${lines[++index]}`;
    found.push({ command: match[1], line: line.replace(/#.*$/gm, "") });
  }
  return found;
}

describe("cli: flags declared once", () => {
  it("every declared flag is in the command's --help, and every flag its help names is declared", async () => {
    for (const command of await commands()) {
      const io = capture();
      assert.equal(await main([command.name, "--help"], io), 0);
      assert.equal(io.out, command.help);
      const named = new Set(flagsIn(command.help));
      for (const flag of Object.keys(command.flags)) {
        assert.ok(named.has(flag), `${command.name}: --${flag} is declared but not in its help`);
        assert.match(
          command.help,
          new RegExp(`^ {2}--${flag}\\b`, "m"),
          `${command.name}: --${flag} has no help line`,
        );
      }
      for (const flag of named) {
        assert.ok(
          Object.prototype.hasOwnProperty.call(command.flags, flag),
          `${command.name}: its help names --${flag}, which it does not declare`,
        );
      }
    }
  });

  it("an undeclared flag is a usage error (exit 2) for every command", async () => {
    for (const command of await commands()) {
      const io = capture();
      assert.equal(await main([command.name, "--not-a-flag", "x"], io), 2, command.name);
      assert.match(io.err, /Unknown option '--not-a-flag'/);
      assert.equal(io.out, "");
    }
  });

  it("a value of the wrong declared type is a usage error naming the flag", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["rotate", "--local", "x", "--clock-skew", "5m"],
        /--clock-skew must be a whole number of seconds, got "5m"/,
      ],
      [["rotate", "--local", "x", "--interval-days", "0"], /--interval-days must be a positive number/],
      [
        ["rotate", "--local", "x", "--key-algorithm", "rsa-4096"],
        /--key-algorithm must be ecdsa-p256 or rsa-2048/,
      ],
      [
        ["doctor", "--local", "x", "--public-key-quota", "0"],
        /--public-key-quota must be a whole number of at least 1/,
      ],
      [["revoke", "--local", "x", "--dry-run"], /--key-id is required/],
    ];
    for (const [args, message] of cases) {
      const io = capture();
      assert.equal(await main(args, io), 2, args.join(" "));
      assert.match(io.err, message);
    }
  });

  it("every flag the README passes to a command is one that command declares", async () => {
    const byName = new Map((await commands()).map((command) => [command.name, command]));
    const invocations = readmeInvocations();
    assert.ok(invocations.length >= 6, `found ${invocations.length} README invocations`);
    for (const { command: name, line } of invocations) {
      const command = byName.get(name);
      assert.ok(command, `README runs unknown command ${name}: ${line}`);
      for (const flag of flagsIn(line)) {
        assert.ok(
          flag === "help" || Object.prototype.hasOwnProperty.call(command.flags, flag),
          `README: signed-hls-cdn ${name} has no flag --${flag}`,
        );
      }
    }
  });
});
