/** `signed-hls-cdn doctor`: checks every invariant of a deployed stack; exits 1 naming each violation and its fix. Reads only. */
import { MAX_PUBLIC_KEYS_PER_ACCOUNT } from "../../contract/limits";
import { DEFAULT_OVERDUE_MARGIN_SECONDS } from "../../functions/observability/metrics";
import { diagnoseStack, DOCTOR_CHECKS, readStackStatus } from "../../functions/rotation/stack-status";
import { parseFlags, type FlagTable } from "../flags";
import { EXIT, type CommandIo } from "../io";
import { commandHelp, type Command } from "../registry";
import { OBSERVE_FLAGS, OBSERVE_SECTIONS, resolveObservedTarget } from "./observed-stack";

const DOCTOR_FLAGS = {
  "public-key-quota": {
    type: "integer",
    min: 1,
    default: MAX_PUBLIC_KEYS_PER_ACCOUNT,
    description: "the account's CloudFront public key quota",
  },
  "overdue-margin": {
    type: "seconds",
    default: DEFAULT_OVERDUE_MARGIN_SECONDS,
    description:
      "seconds past its due time before a rotation is overdue\n(the rotation-overdue alarm's default)",
  },
} as const satisfies FlagTable;

const FLAGS = { ...OBSERVE_FLAGS, ...DOCTOR_FLAGS } as const satisfies FlagTable;

const HELP = commandHelp({
  name: "doctor",
  synopsis: "<stack> [--public-key-quota N] [--overdue-margin S] [--json]",
  about: `Checks, reading only: ${DOCTOR_CHECKS.join(", ")}.
Each violation is printed with how to fix it.`,
  sections: [{ flags: DOCTOR_FLAGS }, ...OBSERVE_SECTIONS],
  exitCodes: "0 healthy, 1 violations found, 2 bad flags, 3 the stack could not be read.",
});

async function run(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, FLAGS);
  const target = resolveObservedTarget(flags, io);
  const status = await readStackStatus(target.ports, target.rotation);
  const violations = await diagnoseStack(target.ports, target.lister, status, {
    publicKeyQuota: flags["public-key-quota"],
    overdueMarginSeconds: flags["overdue-margin"],
  });
  if (flags.json) {
    io.stdout(
      `${JSON.stringify({ stack: target.where, healthy: violations.length === 0, violations }, null, 2)}\n`,
    );
  } else if (violations.length === 0) {
    io.stdout(`healthy: ${target.where}: all ${DOCTOR_CHECKS.length} checks pass\n`);
  } else {
    const lines = [`${violations.length} violation(s) in ${target.where}:`];
    for (const violation of violations) {
      lines.push(`- [${violation.check}] ${violation.message}`, `    fix: ${violation.fix}`);
    }
    io.stdout(`${lines.join("\n")}\n`);
  }
  return violations.length === 0 ? EXIT.ok : EXIT.rejected;
}

export const command: Command = {
  name: "doctor",
  summary: "check a deployed stack's invariants; name each violation and its fix",
  flags: FLAGS,
  help: HELP,
  run,
};
