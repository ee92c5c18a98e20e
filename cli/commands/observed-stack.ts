/**
 * Where `status` and `doctor` read a stack from: the `appConfig` stack output
 * saved as a file (`pulumi stack output appConfig --json > app.json`), or the
 * same stack flags as `rotate` (rotation-stack.ts), or the local stack's model.
 * Also the read-only adapters beside the rotation's ports: the public key
 * list and the audit log.
 */
import type { AppConfig } from "../../infra/app-config";
import { AwsAuditReader } from "../../functions/rotation/aws/audit-reader";
import { AwsPublicKeyLister } from "../../functions/rotation/aws/public-keys";
import { parameterNames, parameterPrefixOf } from "../../contract/parameter-names";
import { InMemoryCloud, memoryAuditReader, memoryPublicKeyLister } from "../../local/memory-cloud";
import type { AuditReader, PublicKeyLister } from "../../functions/rotation/stack-status";
import type { RotationConfig } from "../../functions/rotation";
import { readTextFile } from "../args";
import type { FlagTable, FlagValues } from "../flags";
import { UsageError, type CommandIo } from "../io";
import type { HelpSection } from "../registry";
import { resolveTarget, STACK_FLAGS, STACK_SECTION, type Target } from "./rotation-stack";

const APP_CONFIG_FLAGS = {
  "app-config": {
    type: "string",
    value: "FILE",
    description: "the appConfig stack output as JSON (pulumi stack output appConfig --json)",
  },
  "rotation-log-group": {
    type: "string",
    value: "LG",
    defaultText: "/aws/lambda/<rotation function> from --app-config",
    description: "log group of the rotation Lambda (audit events)",
  },
} as const satisfies FlagTable;

export const OBSERVE_FLAGS = { ...STACK_FLAGS, ...APP_CONFIG_FLAGS } as const satisfies FlagTable;

export const OBSERVE_SECTIONS: readonly HelpSection[] = [
  { title: "Stack: --app-config FILE, or the stack flags below.", flags: APP_CONFIG_FLAGS },
  STACK_SECTION,
];

export interface ObservedTarget extends Target {
  readonly lister: PublicKeyLister;
  /** Undefined when the target keeps no audit log this command can read. */
  readonly audit?: AuditReader;
}

type ObserveFlags = FlagValues<typeof OBSERVE_FLAGS>;

/** Resolves the target; `cloud` lets tests pass an in-memory model directly. */
export function resolveObservedTarget(flags: ObserveFlags, io: CommandIo): ObservedTarget {
  if (flags["app-config"] !== undefined) {
    const app = parseAppConfig(readTextFile(flags["app-config"], "app config"));
    const rotation = rotationFromAppConfig(app);
    const target = resolveTarget(
      {
        ...flags,
        region: flags.region ?? app.region,
        prefix: flags.prefix ?? rotation.parameterPrefix,
        "distribution-id": flags["distribution-id"] ?? rotation.distributionId,
        "key-group-ids": flags["key-group-ids"] ?? rotation.slots.map((slot) => slot.keyGroupId).join(","),
        "secret-arns": flags["secret-arns"] ?? rotation.slots.map((slot) => slot.secretArn).join(","),
        "max-url-lifetime": flags["max-url-lifetime"] ?? rotation.maxUrlLifetimeSeconds,
        "signer-cache-ttl": flags["signer-cache-ttl"] ?? rotation.signerCacheTtlSeconds,
        "signer-max-stale": flags["signer-max-stale"] ?? rotation.signerMaxStaleSeconds,
        "interval-days": flags["interval-days"] ?? rotation.rotationIntervalDays,
      },
      io,
    );
    return withReaders(target, flags, `/aws/lambda/${app.rotation.functionName}`, app.region);
  }
  return withReaders(resolveTarget(flags, io), flags, undefined, flags.region);
}

function withReaders(
  target: Target,
  flags: ObserveFlags,
  defaultLogGroup: string | undefined,
  region: string | undefined,
): ObservedTarget {
  if (flags.local !== undefined) {
    // The local model is a file; a second reader over it sees the same keys (audit events stay in its process).
    const cloud = new InMemoryCloud({ persistPath: flags.local });
    return { ...target, lister: memoryPublicKeyLister(cloud), audit: memoryAuditReader(cloud) };
  }
  const logGroup = flags["rotation-log-group"] ?? defaultLogGroup;
  return {
    ...target,
    lister: new AwsPublicKeyLister(),
    audit: logGroup && region ? new AwsAuditReader(region, logGroup) : undefined,
  };
}

/** The RotationConfig an `appConfig` output describes (slot order: active, inactive as deployed). */
export function rotationFromAppConfig(app: AppConfig): RotationConfig {
  const name = app.keys.parameterNames.activeKeyId;
  const parameterPrefix = parameterPrefixOf(name);
  if (parameterPrefix === undefined)
    throw new UsageError(
      `--app-config: keys.parameterNames.activeKeyId ${name} is not <prefix>${parameterNames("").activeKeyId}`,
    );
  return {
    parameterPrefix,
    distributionId: app.distribution.id,
    slots: [
      { keyGroupId: app.keys.keyGroupIds.active, secretArn: app.keys.secretArns.active },
      { keyGroupId: app.keys.keyGroupIds.inactive, secretArn: app.keys.secretArns.inactive },
    ],
    maxUrlLifetimeSeconds: app.signing.maxUrlLifetimeSeconds,
    signerCacheTtlSeconds: app.keys.signerCacheTtlSeconds,
    signerMaxStaleSeconds: app.keys.signerMaxStaleSeconds,
    rotationIntervalDays: app.rotation.intervalSeconds / 86400,
    keyAlgorithm: app.signing.keyAlgorithm,
  };
}

function parseAppConfig(text: string): AppConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--app-config is not JSON: ${(error as Error).message}`);
  }
  const app = parsed as AppConfig;
  if (
    !app ||
    typeof app !== "object" ||
    app.schemaVersion !== 1 ||
    !app.keys?.parameterNames ||
    !app.distribution?.id
  )
    throw new UsageError("--app-config is not the appConfig stack output (schemaVersion 1)");
  return app;
}
