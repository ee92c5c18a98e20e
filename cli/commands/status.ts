/** `signed-hls-cdn status`: what a deployed stack looks like now, in plain words (or --json). Reads only. */
import type { AuditEvent } from "../../functions/rotation";
import { readStackStatus, type StackStatus } from "../../functions/rotation/stack-status";
import { parseFlags } from "../flags";
import { EXIT, type CommandIo } from "../io";
import { commandHelp, type Command } from "../registry";
import { OBSERVE_FLAGS, OBSERVE_SECTIONS, resolveObservedTarget } from "./observed-stack";

const AUDIT_EVENTS = 10;

const HELP = commandHelp({
  name: "status",
  synopsis: "<stack> [--json]",
  about: `Reads the stack through the same adapters as the rotation and changes
nothing: the active key id, its key group, its age and when the next rotation
is due; the keys each key group holds and whether every protected behavior
trusts both groups; the rotation state (in progress, step, lease holder and
expiry); the last ${AUDIT_EVENTS} audit events.`,
  sections: OBSERVE_SECTIONS,
  exitCodes: "0 read, 2 bad flags, 3 the stack could not be read.",
});

async function run(args: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(args, OBSERVE_FLAGS);
  const target = resolveObservedTarget(flags, io);
  const status = await readStackStatus(target.ports, target.rotation);
  const audit = target.audit ? await target.audit.recent(AUDIT_EVENTS) : undefined;
  if (flags.json) {
    const { observation: _observation, state: _state, config, ...shown } = status;
    io.stdout(
      `${JSON.stringify({ stack: target.where, parameterPrefix: config.parameterPrefix, ...shown, auditEvents: audit ?? null }, null, 2)}\n`,
    );
  } else {
    io.stdout(`${describeStatus(status, target.where, audit).join("\n")}\n`);
  }
  return EXIT.ok;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Human duration: `3 d 4 h`, `5 h 2 min`, `40 s`. */
export function span(seconds: number): string {
  const abs = Math.abs(Math.round(seconds));
  const days = Math.floor(abs / 86400);
  const hours = Math.floor((abs % 86400) / 3600);
  const minutes = Math.floor((abs % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${abs} s`;
}

export function describeStatus(
  status: StackStatus,
  where: string,
  audit: readonly AuditEvent[] | undefined,
): string[] {
  const lines = [
    `stack: ${where} (${status.config.parameterPrefix}), distribution ${status.config.distributionId} ${status.distributionStatus}`,
  ];
  if (status.activeKeyId) {
    lines.push(
      `active key: ${status.activeKeyId} in key group ${status.activeKeyGroupId ?? "(neither slot: run signed-hls-cdn doctor)"}`,
    );
  } else {
    lines.push("active key: none (the SSM parameters are missing: run signed-hls-cdn doctor)");
  }
  if (status.activeKeyAgeSeconds !== undefined && status.nextRotationDueAt !== undefined) {
    const due = status.nextRotationDueAt - status.now;
    lines.push(
      `  age ${span(status.activeKeyAgeSeconds)}; next rotation ${due >= 0 ? `due in ${span(due)}` : `OVERDUE by ${span(due)}`} (${iso(status.nextRotationDueAt)})`,
    );
  } else {
    lines.push("  age unknown: no rotation run has recorded the active key yet");
  }
  lines.push("key groups:");
  for (const group of status.groups) {
    lines.push(
      `  ${group.id} (${group.name}): ${group.keyIds.join(", ") || "no key"}${group.trustedByEveryBehavior ? "" : "  [NOT trusted by every behavior]"}`,
    );
  }
  lines.push(
    status.everyBehaviorTrustsBothGroups
      ? `behaviors: all ${status.behaviors.length} trust both key groups`
      : `behaviors: NOT every behavior trusts both key groups: ${status.behaviors
          .filter((behavior) => !behavior.trustsBothGroups)
          .map((behavior) => behavior.pathPattern)
          .join(", ")}`,
  );
  const rotation = status.rotation;
  lines.push(
    rotation.inProgress
      ? `rotation: ${rotation.id} in progress at step ${rotation.step}${rotation.newKeyId ? ` (new key ${rotation.newKeyId})` : ""}, started ${iso(rotation.startedAt ?? 0)}${rotation.forced ? ", forced" : ""}`
      : `rotation: none in progress; ${rotation.completedRotations} completed${rotation.lastCompleted ? `, last ${rotation.lastCompleted.id} at ${iso(rotation.lastCompleted.at)}` : ""}`,
  );
  if (rotation.lease) {
    lines.push(
      `  lease: ${rotation.lease.held ? "held" : "expired"}, owner ${rotation.lease.owner}, ${rotation.lease.held ? "expires" : "expired"} ${iso(rotation.lease.expiresAt)}`,
    );
  } else {
    lines.push("  lease: free");
  }
  if (status.stateError) lines.push(`  rotation state unreadable: ${status.stateError}`);
  if (audit === undefined) {
    lines.push("audit events: not available here (pass --rotation-log-group or --app-config)");
  } else {
    lines.push(`audit events (last ${audit.length}):`);
    for (const event of audit) {
      lines.push(`  ${iso(event.at)} ${event.type} ${event.step} ${event.outcome}: ${event.message}`);
    }
  }
  return lines;
}

export const command: Command = {
  name: "status",
  summary: "show a deployed stack: active key, groups, rotation, audit",
  flags: OBSERVE_FLAGS,
  help: HELP,
  run,
};
