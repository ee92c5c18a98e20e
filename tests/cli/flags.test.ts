/** cli/flags.ts: one declaration gives the parser, its usage errors and the help lines. */
import assert from "node:assert/strict";
import { flagHelp, parseFlags, UsageError, type FlagTable } from "../../cli/flags";

const TABLE = {
  url: { type: "string", value: "URL", description: "the URL", required: true },
  ttl: { type: "seconds", description: "lifetime", default: 60 },
  prefix: { type: "integer", min: 0, max: 32, description: "prefix length" },
  days: { type: "number", description: "interval in days", env: "TEST_DAYS" },
  hash: { type: "choice", choices: ["sha1", "sha256"], description: "hash", defaultText: "sha1" },
  key: { type: "string", value: "ID=FILE", repeatable: true, description: "a key\nrepeat it" },
  verbose: { type: "boolean", short: "v", description: "say more" },
} as const satisfies FlagTable;

const usage = (run: () => unknown, message: RegExp) =>
  assert.throws(run, (error: unknown) => error instanceof UsageError && message.test(error.message));

describe("cli/flags", () => {
  it("parses each declared type and fills declared defaults", () => {
    const flags = parseFlags(
      ["--url", "u", "--prefix", "24", "--days", "0.5", "--hash", "sha256", "--key", "a", "--key", "b", "-v"],
      TABLE,
    );
    assert.deepEqual(
      { ...flags },
      { url: "u", ttl: 60, prefix: 24, days: 0.5, hash: "sha256", key: ["a", "b"], verbose: true },
    );
    assert.equal(parseFlags(["--url", "u", "--help"], TABLE).help, true);
  });

  it("refuses undeclared flags, bad values and missing required flags as usage errors", () => {
    usage(() => parseFlags(["--url", "u", "--colour", "red"], TABLE), /Unknown option '--colour'/);
    usage(() => parseFlags([], TABLE), /^--url is required$/);
    usage(() => parseFlags(["--url", ""], TABLE), /^--url is required$/);
    usage(
      () => parseFlags(["--url", "u", "--ttl", "1m"], TABLE),
      /--ttl must be a whole number of seconds, got "1m"/,
    );
    usage(
      () => parseFlags(["--url", "u", "--prefix", "33"], TABLE),
      /--prefix must be a whole number from 0 to 32/,
    );
    usage(
      () => parseFlags(["--url", "u", "--days", "0"], TABLE),
      /--days must be a positive number, got "0"/,
    );
    usage(
      () => parseFlags(["--url", "u", "--hash", "md5"], TABLE),
      /--hash must be sha1 or sha256, got "md5"/,
    );
    usage(() => parseFlags(["--url", "u", "stray"], TABLE), /positional/);
    usage(
      () =>
        parseFlags([], {
          key: { type: "string", value: "ID=FILE", repeatable: true, required: true, description: "k" },
        }),
      /^--key ID=FILE is required \(at least one\)$/,
    );
  });

  it("reads env only when asked, flags winning over env and env over defaults", () => {
    assert.equal(parseFlags(["--url", "u"], TABLE, { env: { TEST_DAYS: "2" } }).days, 2);
    assert.equal(parseFlags(["--url", "u", "--days", "3"], TABLE, { env: { TEST_DAYS: "2" } }).days, 3);
    assert.equal(parseFlags(["--url", "u"], TABLE).days, undefined);
    usage(
      () => parseFlags(["--url", "u"], TABLE, { env: { TEST_DAYS: "x" } }),
      /^TEST_DAYS must be a positive number/,
    );
  });

  it("throws when code reads a flag its table does not declare", () => {
    const flags = parseFlags(["--url", "u"], TABLE) as unknown as Record<string, unknown>;
    assert.throws(() => flags["colour"], /flag --colour is read but not declared/);
  });

  it("help has one aligned entry per declared flag, with default, env and repeatability", () => {
    const help = flagHelp(TABLE);
    for (const name of Object.keys(TABLE)) assert.match(help, new RegExp(`^  --${name}\\b`, "m"));
    assert.match(help, /^ {2}--url URL {11}the URL \(required\)$/m);
    assert.match(help, /^ {2}--ttl S {13}lifetime \(default 60\)$/m);
    assert.match(help, /^ {2}--days N {12}interval in days \(env TEST_DAYS\)$/m);
    assert.match(help, /^ {2}--key ID=FILE {7}a key\n {22}repeat it \(repeatable\)$/m);
    assert.match(help, /^ {2}--verbose, -v {7}say more$/m);
  });
});
