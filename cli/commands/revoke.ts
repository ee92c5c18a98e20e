/** `signed-hls-cdn revoke`: emergency removal of a compromised key; says what it breaks first. */
import { commandLineDeadlineSeconds, revokeKey, resolveRotationConfig } from "../../functions/rotation";
import { isCloudFrontKeyId } from "../../functions/keys/secret-value";
import { parseFlags, required, seconds } from "../args";
import { EXIT, UsageError, type CommandIo } from "../io";
import type { Command } from "../registry";
import { resolveTarget, STACK_FLAGS, STACK_HELP } from "./rotation-stack";

const HELP = `usage: signed-hls-cdn revoke --key-id ID <stack flags> (--dry-run | --yes)
       [--wait [--wait-timeout S]] [--break-lease] [--json]

Emergency revocation of a compromised CloudFront public key. Unlike rotate it
does not wait: if the key is active, a fresh key is created and promoted at
once; every key group of the stack that holds the key gets a fresh key
instead; the public key is deleted. URLs and cookies signed with it stop
working. It prints exactly what breaks before (--dry-run) and after (--yes).

  --key-id ID   the compromised public key id
  --dry-run     print what would break and what would be done; change nothing
  --yes         really revoke (without it, nothing is changed)
  --wait        after revoking, poll the distribution until it reports Deployed:
                until then edges still on the previous configuration accept the key
  --wait-timeout S  give up waiting after S seconds (default 1800); exit 1 if not Deployed
  --break-lease take the rotation lease even from a running rotation (it stops
                before its next write); a failed revocation's lease is taken
                over without it. A re-run resumes a failed revocation.

${STACK_HELP}
Exit codes: 0 revoked (or planned), 1 not revoked (not found, busy, no --yes,
or --wait timed out before Deployed),
2 bad flags, 3 failed part-way (run it again to finish).
`;

async function run(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, {
    ...STACK_FLAGS,
    "key-id": { type: "string" },
    "dry-run": { type: "boolean" },
    yes: { type: "boolean" },
    wait: { type: "boolean" },
    "wait-timeout": { type: "string" },
    "break-lease": { type: "boolean" },
  });
  const keyId = required(flags["key-id"], "key-id");
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
      ? { timeoutSeconds: seconds(flags["wait-timeout"] ?? "1800", "wait-timeout"), pollSeconds: 20 }
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
  help: HELP,
  run,
};
