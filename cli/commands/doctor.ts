/** `signed-hls-cdn doctor`: checks every invariant of a deployed stack; exits 1 naming each violation and its fix. Reads only. */
import { MAX_PUBLIC_KEYS_PER_ACCOUNT } from "../../contract/limits";
import { DEFAULT_OVERDUE_MARGIN_SECONDS } from "../../functions/observability/metrics";
import { diagnoseStack, DOCTOR_CHECKS, readStackStatus } from "../../functions/rotation/stack-status";
import { parseFlags, seconds } from "../args";
import { EXIT, UsageError, type CommandIo } from "../io";
import type { Command } from "../registry";
import { OBSERVE_FLAGS, OBSERVE_HELP, resolveObservedTarget } from "./observed-stack";

const HELP = `usage: signed-hls-cdn doctor <stack> [--public-key-quota N] [--overdue-margin S] [--json]

Checks, reading only: ${DOCTOR_CHECKS.join(", ")}.
Each violation is printed with how to fix it.

  --public-key-quota N   the account's CloudFront public key quota (default ${MAX_PUBLIC_KEYS_PER_ACCOUNT})
  --overdue-margin S     seconds past its due time before a rotation is overdue
                         (default ${DEFAULT_OVERDUE_MARGIN_SECONDS}, the rotation-overdue alarm's default)

${OBSERVE_HELP}
Exit codes: 0 healthy, 1 violations found, 2 bad flags, 3 the stack could not be read.
`;

async function run(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, {
    ...OBSERVE_FLAGS,
    "public-key-quota": { type: "string" },
    "overdue-margin": { type: "string" },
  });
  const quota =
    flags["public-key-quota"] === undefined
      ? MAX_PUBLIC_KEYS_PER_ACCOUNT
      : seconds(flags["public-key-quota"], "public-key-quota");
  if (quota < 1) throw new UsageError("--public-key-quota must be at least 1");
  const overdueMarginSeconds =
    flags["overdue-margin"] === undefined
      ? DEFAULT_OVERDUE_MARGIN_SECONDS
      : seconds(flags["overdue-margin"], "overdue-margin");
  const target = resolveObservedTarget(flags, io);
  const status = await readStackStatus(target.ports, target.rotation);
  const violations = await diagnoseStack(target.ports, target.lister, status, {
    publicKeyQuota: quota,
    overdueMarginSeconds,
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
  help: HELP,
  run,
};
