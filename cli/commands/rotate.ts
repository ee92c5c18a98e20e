/** `signed-hls-cdn rotate`: advance (or start, with --force) a stack's key rotation; --dry-run prints the plan. */
import { commandLineDeadlineSeconds, runRotation, resolveRotationConfig } from "../../functions/rotation";
import { parseFlags, type FlagTable } from "../flags";
import { EXIT, UsageError, type CommandIo } from "../io";
import { commandHelp, type Command } from "../registry";
import { resolveTarget, STACK_FLAGS, STACK_SECTION } from "./rotation-stack";

const ROTATE_FLAGS = {
  force: {
    type: "boolean",
    description:
      "start a rotation now, before the interval is up (still refused\nif a key that may be in use would be untrusted)",
  },
  "dry-run": {
    type: "boolean",
    description: "print the plan from where the rotation stands; change nothing",
  },
} as const satisfies FlagTable;

const FLAGS = { ...STACK_FLAGS, ...ROTATE_FLAGS } as const satisfies FlagTable;

const HELP = commandHelp({
  name: "rotate",
  synopsis: "<stack flags> [--force] [--dry-run] [--json]",
  about: `Runs the key rotation once, exactly as the scheduled Lambda does: it takes the
rotation lease, advances the rotation as far as it can (create the key, stage
it in the inactive key group, wait for Deployed, promote, wait for signer
caches, delete the replaced key) and stops where it must wait. Run it again to
continue. It never untrusts a key that may still be in use. It stops before
any write once half its lease has passed (a laptop that sleeps mid-run never
writes after another run took over), and re-checks the lease before each write.`,
  sections: [{ flags: ROTATE_FLAGS }, STACK_SECTION],
  exitCodes: `0 done/waiting/idle/planned, 1 refused or another run is active,
2 bad flags, 3 failed (the message says whether the next run retries).`,
});

async function run(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, FLAGS);
  const target = resolveTarget(flags, io);
  let deadlineSeconds: number;
  try {
    deadlineSeconds = commandLineDeadlineSeconds(resolveRotationConfig(target.rotation));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const result = await runRotation(target.ports, target.rotation, {
    force: flags.force === true,
    dryRun: flags["dry-run"] === true,
    deadlineSeconds,
  });
  if (flags.json) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const lines = [`${result.outcome}: ${result.message}`, `  stack: ${target.where}`];
    if (result.rotationId) lines.push(`  rotation: ${result.rotationId} at step ${result.step ?? "-"}`);
    if (result.stepsDone.length) lines.push(`  steps done this run: ${result.stepsDone.join(", ")}`);
    if (result.notBefore !== undefined)
      lines.push(`  not before: ${new Date(result.notBefore * 1000).toISOString()}`);
    for (const entry of result.plan ?? [])
      lines.push(`  [${entry.status}] ${entry.step}: ${entry.description}`);
    io.stdout(`${lines.join("\n")}\n`);
  }
  if (result.outcome === "refused" || result.outcome === "busy") return EXIT.rejected;
  if (result.outcome === "failed") return EXIT.internal;
  return EXIT.ok;
}

export const command: Command = {
  name: "rotate",
  summary: "run the key rotation once (or --dry-run its plan)",
  flags: FLAGS,
  help: HELP,
  run,
};
