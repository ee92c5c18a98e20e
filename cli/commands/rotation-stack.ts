/**
 * The stack flags `rotate` and `revoke` share: which SSM prefix, distribution,
 * key groups and secrets to act on, in AWS (--region) or in the local stack's
 * persisted in-memory model (--local FILE). Plus how rotation events are shown.
 */
import { existsSync } from "node:fs";
import { parameterNames } from "../../functions/keys/types";
import type { KeyAlgorithm } from "../../functions/cloudfront/types";
import {
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_MIN_PROPAGATION_SECONDS,
  DEFAULT_ROTATION_INTERVAL_DAYS,
  DEFAULT_SIGNER_CACHE_TTL_SECONDS,
  DEFAULT_SIGNER_MAX_STALE_SECONDS,
} from "../../contract/defaults";
import {
  type AuditEvent,
  type AuditSink,
  type RotationConfig,
  type RotationPorts,
} from "../../functions/rotation";
import { awsRotationPorts } from "../../functions/rotation/aws";
import { InMemoryCloud } from "../../local/memory-cloud";
import { readTextFile, required } from "../args";
import type { FlagTable, FlagValues } from "../flags";
import { UsageError, type CommandIo } from "../io";
import type { HelpSection } from "../registry";

export const STACK_FLAGS = {
  config: {
    type: "string",
    value: "FILE",
    description: 'JSON {"region", "rotation": RotationConfig} (the rotation Lambda\'s config)',
  },
  region: {
    type: "string",
    value: "REGION",
    description: "region of the SSM parameters and secrets (AWS credentials from the environment)",
  },
  prefix: {
    type: "string",
    value: "PATH",
    description: "SSM parameter prefix, e.g. /cloudfront-signer/prod",
  },
  "distribution-id": { type: "string", value: "ID", description: "CloudFront distribution id" },
  "key-group-ids": { type: "string", value: "A,B", description: "the two key group ids (slot order)" },
  "secret-arns": {
    type: "string",
    value: "A,B",
    description: "the two private-key secret ARNs (same order)",
  },
  "max-url-lifetime": {
    type: "seconds",
    description: "longest URL/cookie lifetime any signer grants (seconds)",
  },
  "signer-cache-ttl": {
    type: "seconds",
    defaultText: String(DEFAULT_SIGNER_CACHE_TTL_SECONDS),
    description: "signers' key cache TTL",
  },
  "signer-max-stale": {
    type: "seconds",
    defaultText: String(DEFAULT_SIGNER_MAX_STALE_SECONDS),
    description: "signers' hard maximum key age",
  },
  "clock-skew": {
    type: "seconds",
    defaultText: String(DEFAULT_CLOCK_SKEW_SECONDS),
    description: "allowed clock difference",
  },
  "min-propagation": {
    type: "seconds",
    defaultText: String(DEFAULT_MIN_PROPAGATION_SECONDS),
    description: "wait after a key group change before trusting Deployed",
  },
  "interval-days": {
    type: "number",
    defaultText: String(DEFAULT_ROTATION_INTERVAL_DAYS),
    description: "rotation interval in days",
  },
  "key-algorithm": {
    type: "choice",
    value: "ALG",
    choices: ["ecdsa-p256", "rsa-2048"] as const satisfies readonly KeyAlgorithm[],
    defaultText: DEFAULT_KEY_ALGORITHM,
    description: "algorithm of generated keys: ecdsa-p256 or rsa-2048",
  },
  local: {
    type: "string",
    value: "FILE",
    description: "act on the local stack's persisted in-memory model instead of AWS",
  },
  json: { type: "boolean", description: "print the result as JSON" },
} as const satisfies FlagTable;

export const STACK_SECTION: HelpSection = { title: "Stack (flags override --config):", flags: STACK_FLAGS };

type StackFlags = FlagValues<typeof STACK_FLAGS>;

export interface Target {
  readonly ports: RotationPorts;
  readonly rotation: RotationConfig;
  readonly where: string;
}

export function resolveTarget(flags: StackFlags, io: CommandIo): Target {
  const file = flags.config !== undefined ? parseConfigFile(readTextFile(flags.config, "stack config")) : {};
  const base: Partial<RotationConfig> = file.rotation ?? {};
  const pair = (value: string | undefined, flag: string): [string, string] | undefined => {
    if (value === undefined) return undefined;
    const parts = value.split(",").map((part) => part.trim());
    if (parts.length !== 2 || parts.some((part) => part === ""))
      throw new UsageError(`--${flag} takes exactly two comma-separated values`);
    return [parts[0], parts[1]];
  };
  const prefix = flags.prefix ?? base.parameterPrefix;
  const audit = auditToStderr(io);

  if (flags.local !== undefined) {
    if (!existsSync(flags.local))
      throw new UsageError(`--local ${flags.local}: no such model file (start the local stack first)`);
    const cloud = new InMemoryCloud({ persistPath: flags.local });
    const parameterPrefix = required(prefix, "prefix");
    const stack = cloud.stack(parameterPrefix);
    if (!stack) throw new UsageError(`--local ${flags.local} holds no stack under ${parameterPrefix}`);
    const rotation: RotationConfig = {
      ...base,
      parameterPrefix,
      distributionId: stack.distributionId,
      slots: stack.slots,
      maxUrlLifetimeSeconds: flags["max-url-lifetime"] ?? base.maxUrlLifetimeSeconds ?? 3600,
      ...tuning(flags),
    };
    return { ports: cloud.ports(audit), rotation, where: `local model ${flags.local}` };
  }

  const region = required(flags.region ?? file.region, "region");
  const keyGroups =
    pair(flags["key-group-ids"], "key-group-ids") ?? base.slots?.map((slot) => slot.keyGroupId);
  const secrets = pair(flags["secret-arns"], "secret-arns") ?? base.slots?.map((slot) => slot.secretArn);
  if (!keyGroups || !secrets)
    throw new UsageError("--key-group-ids A,B and --secret-arns A,B are required (or --config)");
  const maxUrlLifetimeSeconds = flags["max-url-lifetime"] ?? base.maxUrlLifetimeSeconds;
  if (maxUrlLifetimeSeconds === undefined)
    throw new UsageError("--max-url-lifetime is required (or --config)");
  const rotation: RotationConfig = {
    ...base,
    parameterPrefix: required(prefix, "prefix"),
    distributionId: required(flags["distribution-id"] ?? base.distributionId, "distribution-id"),
    slots: [
      { keyGroupId: keyGroups[0], secretArn: secrets[0] },
      { keyGroupId: keyGroups[1], secretArn: secrets[1] },
    ],
    maxUrlLifetimeSeconds,
    ...tuning(flags),
  };
  return {
    ports: awsRotationPorts(region, audit),
    rotation,
    where: `${region} ${parameterNames(rotation.parameterPrefix).rotationState}`,
  };
}

function tuning(flags: StackFlags): Partial<RotationConfig> {
  const entries: [keyof RotationConfig, number | string | undefined][] = [
    ["signerCacheTtlSeconds", flags["signer-cache-ttl"]],
    ["signerMaxStaleSeconds", flags["signer-max-stale"]],
    ["clockSkewSeconds", flags["clock-skew"]],
    ["minPropagationSeconds", flags["min-propagation"]],
    ["rotationIntervalDays", flags["interval-days"]],
    ["keyAlgorithm", flags["key-algorithm"]],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

function parseConfigFile(text: string): { region?: string; rotation?: Partial<RotationConfig> } {
  try {
    const parsed = JSON.parse(text);
    if (!parsed || typeof parsed !== "object") throw new Error("not an object");
    return parsed;
  } catch (error) {
    throw new UsageError(`--config is not a JSON object: ${(error as Error).message}`);
  }
}

/** Audit events as one line each on stderr, so stdout stays the result. */
function auditToStderr(io: CommandIo): AuditSink {
  return {
    write: (event: AuditEvent) =>
      io.stderr(
        `audit ${event.step} ${event.outcome}: ${event.message}${event.keyIds ? ` ${JSON.stringify(event.keyIds)}` : ""}\n`,
      ),
  };
}
