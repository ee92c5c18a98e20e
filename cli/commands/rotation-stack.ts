/**
 * The stack flags `rotate` and `revoke` share: which SSM prefix, distribution,
 * key groups and secrets to act on, in AWS (--region) or in the local stack's
 * persisted in-memory model (--local FILE). Plus how rotation events are shown.
 */
import { existsSync } from "node:fs";
import {
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_MIN_PROPAGATION_SECONDS,
  DEFAULT_ROTATION_INTERVAL_DAYS,
  DEFAULT_SIGNER_CACHE_TTL_SECONDS,
  DEFAULT_SIGNER_MAX_STALE_SECONDS,
} from "../../contract/defaults";
import { parameterNames } from "../../functions/keys/types";
import type { AuditEvent, AuditSink, RotationConfig, RotationPorts } from "../../functions/rotation";
import { awsRotationPorts } from "../../functions/rotation/aws";
import { InMemoryCloud } from "../../local/memory-cloud";
import { readTextFile, required, seconds } from "../args";
import { UsageError, type CommandIo } from "../io";

export const STACK_FLAGS = {
  config: { type: "string" },
  region: { type: "string" },
  prefix: { type: "string" },
  "distribution-id": { type: "string" },
  "key-group-ids": { type: "string" },
  "secret-arns": { type: "string" },
  "max-url-lifetime": { type: "string" },
  "signer-cache-ttl": { type: "string" },
  "signer-max-stale": { type: "string" },
  "clock-skew": { type: "string" },
  "min-propagation": { type: "string" },
  "interval-days": { type: "string" },
  "key-algorithm": { type: "string" },
  local: { type: "string" },
  json: { type: "boolean" },
} as const;

export const STACK_HELP = `Stack (flags override --config):
  --config FILE          JSON {"region", "rotation": RotationConfig} (the rotation Lambda's config)
  --region REGION        region of the SSM parameters and secrets (AWS credentials from the environment)
  --prefix PATH          SSM parameter prefix, e.g. /cloudfront-signer/prod
  --distribution-id ID   CloudFront distribution id
  --key-group-ids A,B    the two key group ids (slot order)
  --secret-arns A,B      the two private-key secret ARNs (same order)
  --max-url-lifetime S   longest URL/cookie lifetime any signer grants (seconds)
  --signer-cache-ttl S   signers' key cache TTL (default ${DEFAULT_SIGNER_CACHE_TTL_SECONDS})
  --signer-max-stale S   signers' hard maximum key age (default ${DEFAULT_SIGNER_MAX_STALE_SECONDS})
  --clock-skew S         allowed clock difference (default ${DEFAULT_CLOCK_SKEW_SECONDS})
  --min-propagation S    wait after a key group change before trusting Deployed (default ${DEFAULT_MIN_PROPAGATION_SECONDS})
  --interval-days N      rotation interval (default ${DEFAULT_ROTATION_INTERVAL_DAYS})
  --key-algorithm ALG    ecdsa-p256 or rsa-2048 (default ${DEFAULT_KEY_ALGORITHM})
  --local FILE           act on the local stack's persisted in-memory model instead of AWS
  --json                 print the result as JSON
`;

type StackFlags = {
  [K in keyof typeof STACK_FLAGS]?: (typeof STACK_FLAGS)[K]["type"] extends "boolean" ? boolean : string;
};

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
  const number = (value: string | undefined, flag: string) =>
    value === undefined ? undefined : seconds(value, flag);
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
      maxUrlLifetimeSeconds:
        number(flags["max-url-lifetime"], "max-url-lifetime") ?? base.maxUrlLifetimeSeconds ?? 3600,
      ...tuning(flags, number),
    };
    return { ports: cloud.ports(audit), rotation, where: `local model ${flags.local}` };
  }

  const region = required(flags.region ?? file.region, "region");
  const keyGroups =
    pair(flags["key-group-ids"], "key-group-ids") ?? base.slots?.map((slot) => slot.keyGroupId);
  const secrets = pair(flags["secret-arns"], "secret-arns") ?? base.slots?.map((slot) => slot.secretArn);
  if (!keyGroups || !secrets)
    throw new UsageError("--key-group-ids A,B and --secret-arns A,B are required (or --config)");
  const maxUrlLifetimeSeconds =
    number(flags["max-url-lifetime"], "max-url-lifetime") ?? base.maxUrlLifetimeSeconds;
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
    ...tuning(flags, number),
  };
  return {
    ports: awsRotationPorts(region, audit),
    rotation,
    where: `${region} ${parameterNames(rotation.parameterPrefix).rotationState}`,
  };
}

function tuning(
  flags: StackFlags,
  number: (value: string | undefined, flag: string) => number | undefined,
): Partial<RotationConfig> {
  const entries: [keyof RotationConfig, number | string | undefined][] = [
    ["signerCacheTtlSeconds", number(flags["signer-cache-ttl"], "signer-cache-ttl")],
    ["signerMaxStaleSeconds", number(flags["signer-max-stale"], "signer-max-stale")],
    ["clockSkewSeconds", number(flags["clock-skew"], "clock-skew")],
    ["minPropagationSeconds", number(flags["min-propagation"], "min-propagation")],
    [
      "rotationIntervalDays",
      flags["interval-days"] === undefined
        ? undefined
        : positiveNumber(flags["interval-days"], "interval-days"),
    ],
    ["keyAlgorithm", flags["key-algorithm"]],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0))
    throw new UsageError(`--${flag} must be a positive number, got "${text}"`);
  return value;
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
