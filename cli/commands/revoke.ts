/** `signed-hls-cdn revoke`: emergency removal of a compromised key; says what it breaks first. */
import { commandLineDeadlineSeconds, revokeKey, resolveRotationConfig } from "../../functions/rotation";
import { isCloudFrontKeyId } from "../../functions/keys/secret-value";
import { parseFlags, type FlagTable } from "../flags";
import { EXIT, UsageError, type CommandIo } from "../io";
import { commandHelp, type Command } from "../registry";
import { resolveTarget, STACK_FLAGS, STACK_SECTION } from "./rotation-stack";

const DEFAULT_WAIT_TIMEOUT_SECONDS = 1800;

const REVOKE_FLAGS = {
  "key-id": { type: "string", value: "ID", required: true, description: "the compromised public key id" },
  "dry-run": {
    type: "boolean",
    description: "print what would break and what would be done; change nothing",
  },
  yes: { type: "boolean", description: "really revoke (without it, nothing is changed)" },
  wait: {
    type: "boolean",
    description:
      "after revoking, poll the distribution until it reports Deployed:\nuntil then edges still on the previous configuration accept the key",
  },
  "wait-timeout": {
    type: "seconds",
    defaultText: String(DEFAULT_WAIT_TIMEOUT_SECONDS),
    description: "give up waiting after S seconds; exit 1 if not Deployed",
  },
  "break-lease": {
    type: "boolean",
    description:
      "take the rotation lease even from a running rotation (it stops\nbefore its next write); a failed revocation's lease is taken\nover without it. A re-run resumes a failed revocation.",
  },
} as const satisfies FlagTable;

const FLAGS = { ...STACK_FLAGS, ...REVOKE_FLAGS } as const satisfies FlagTable;

const HELP = commandHelp({
  name: "revoke",
  synopsis: `--key-id ID <stack flags> (--dry-run | --yes)
       [--wait [--wait-timeout S]] [--break-lease] [--json]`,
  about: `Emergency revocation of a compromised CloudFront public key. Unlike rotate it
does not wait: if the key is active, a fresh key is created and promoted at
once; every key group of the stack that holds the key gets a fresh key
instead; the public key is deleted. URLs and cookies signed with it stop
working. It prints exactly what breaks before (--dry-run) and after (--yes).`,
  sections: [{ flags: REVOKE_FLAGS }, STACK_SECTION],
  exitCodes: `0 revoked (or planned), 1 not revoked (not found, busy, no --yes,
or --wait timed out before Deployed),
2 bad flags, 3 failed part-way (run it again to finish).`,
});

async function run(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, FLAGS);
  const keyId = flags["key-id"];
  if (!isCloudFrontKeyId(keyId)) throw new UsageError(`--key-id ${keyId} is not a CloudFront public key id`);
  if (flags.yes && flags["dry-run"]) throw new UsageError("give --dry-run or --yes, not both");
  const target = resolveTarget(flags, io);
  let deadlineSeconds: number;
  try {
    deadlineSeconds = commandLineDeadlineSeconds(resolveRotationConfig(target.rotation));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (flags["wait-timeout"] !== undefined && !flags.wait) throw new UsageError("--wait-timeout needs --wait");
  const dryRun = flags.yes !== true;
  const report = await revokeKey(target.ports, target.rotation, keyId, {
    dryRun,
    deadlineSeconds,
    breakLease: flags["break-lease"] === true,
    wait: flags.wait
      ? { timeoutSeconds: flags["wait-timeout"] ?? DEFAULT_WAIT_TIMEOUT_SECONDS, pollSeconds: 20 }
      : undefined,
  });
  if (flags.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [`${report.outcome}: ${report.message}`, `  stack: ${target.where}`, "  breaks:"];
    for (const line of report.breaks) lines.push(`    - ${line}`);
    lines.push(dryRun ? "  would do:" : "  done:");
    for (const line of report.actions) lines.push(`    - ${line}`);
    if (report.newActiveKeyId) lines.push(`  new active key: ${report.newActiveKeyId}`);
    if (report.deployment)
      lines.push(
        `  distribution ${report.deployment.distributionId}: ${report.deployment.status}${report.deployment.waitedSeconds ? ` (waited ${report.deployment.waitedSeconds} s)` : ""}`,
      );
    if (dryRun && !flags["dry-run"] && report.outcome === "dry-run")
      lines.push("  nothing changed: re-run with --yes to revoke");
    io.stdout(`${lines.join("\n")}\n`);
  }
  if (report.outcome === "revoked")
    return flags.wait && !report.deployment?.deployed ? EXIT.rejected : EXIT.ok;
  if (report.outcome === "dry-run") return flags["dry-run"] ? EXIT.ok : EXIT.rejected;
  if (report.outcome === "failed") return EXIT.internal;
  return EXIT.rejected;
}

export const command: Command = {
  name: "revoke",
  summary: "emergency revocation of a compromised key (--dry-run first)",
  flags: FLAGS,
  help: HELP,
  run,
};
