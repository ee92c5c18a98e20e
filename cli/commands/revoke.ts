/** `signed-hls-cdn revoke`: emergency removal of a compromised key; says what it breaks first. */
import { revokeKey, resolveRotationConfig } from "../../functions/rotation";
import { isCloudFrontKeyId } from "../../functions/keys/secret-value";
import { parseFlags, required } from "../args";
import { EXIT, UsageError, type CommandIo } from "../io";
import type { Command } from "../registry";
import { resolveTarget, STACK_FLAGS, STACK_HELP } from "./rotation-stack";

const HELP = `usage: signed-hls-cdn revoke --key-id ID <stack flags> (--dry-run | --yes) [--json]

Emergency revocation of a compromised CloudFront public key. Unlike rotate it
does not wait: if the key is active, a fresh key is created and promoted at
once; every key group of the stack that holds the key gets a fresh key
instead; the public key is deleted. URLs and cookies signed with it stop
working. It prints exactly what breaks before (--dry-run) and after (--yes).

  --key-id ID   the compromised public key id
  --dry-run     print what would break and what would be done; change nothing
  --yes         really revoke (without it, nothing is changed)

${STACK_HELP}
Exit codes: 0 revoked (or planned), 1 not revoked (not found, busy, or no --yes),
2 bad flags, 3 failed part-way (run it again to finish).
`;

async function run(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, {
    ...STACK_FLAGS,
    "key-id": { type: "string" },
    "dry-run": { type: "boolean" },
    yes: { type: "boolean" },
  });
  const keyId = required(flags["key-id"], "key-id");
  if (!isCloudFrontKeyId(keyId)) throw new UsageError(`--key-id ${keyId} is not a CloudFront public key id`);
  if (flags.yes && flags["dry-run"]) throw new UsageError("give --dry-run or --yes, not both");
  const target = resolveTarget(flags, io);
  try {
    resolveRotationConfig(target.rotation);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const dryRun = flags.yes !== true;
  const report = await revokeKey(target.ports, target.rotation, keyId, { dryRun });
  if (flags.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [`${report.outcome}: ${report.message}`, `  stack: ${target.where}`, "  breaks:"];
    for (const line of report.breaks) lines.push(`    - ${line}`);
    lines.push(dryRun ? "  would do:" : "  done:");
    for (const line of report.actions) lines.push(`    - ${line}`);
    if (report.newActiveKeyId) lines.push(`  new active key: ${report.newActiveKeyId}`);
    if (dryRun && !flags["dry-run"] && report.outcome === "dry-run")
      lines.push("  nothing changed: re-run with --yes to revoke");
    io.stdout(`${lines.join("\n")}\n`);
  }
  if (report.outcome === "revoked") return EXIT.ok;
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
