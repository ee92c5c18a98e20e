/**
 * Raw config strings to a typed `StackConfig`: unknown keys refused, every
 * key read by its row of the key table, then every cross-field rule; one
 * `StackConfigError` names every problem at once. Pure (no Pulumi).
 */
import { monitoringConfig } from "../monitoring-config";
import { CONFIG_KEY_TABLE, CONFIG_KEYS, type ConfigKey, type ConfigValues } from "./keys";
import { rateExpression, rotationCheckSeconds } from "./parsers";
import {
  PROJECT_NAME,
  StackConfigError,
  type OriginConfig,
  type RawStackConfig,
  type StackConfig,
} from "./types";
import { CROSS_FIELD_RULES, mediaPackageRegion, regionProblems, stackNameProblems } from "./validators";

/** The text a key is read from: its value, trimmed, or its default when unset or blank. */
function keyText(raw: RawStackConfig, key: ConfigKey, stack: string): string {
  const given = raw[key];
  return given === undefined || given.trim() === ""
    ? CONFIG_KEY_TABLE[key].default.replace("<stack>", stack)
    : given.trim();
}

/** Parses every key with its row's parser; returns the values and the keys that failed. */
export function parseConfigKeys(
  raw: RawStackConfig,
  stack: string,
  problems: string[],
): { values: ConfigValues; failed: ReadonlySet<ConfigKey> } {
  const failed = new Set<ConfigKey>();
  const values: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const report = (message: string) => {
      failed.add(key);
      problems.push(`${key}: ${message}`);
    };
    const parse = CONFIG_KEY_TABLE[key].parse as (text: string, context: object) => unknown;
    values[key] = parse(keyText(raw, key, stack), { stack, report });
  }
  return { values: values as ConfigValues, failed };
}

function originConfig(values: ConfigValues): OriginConfig {
  if (values.originType === "s3") return { kind: "s3" };
  const domainName = values.originDomain;
  const access =
    mediaPackageRegion(domainName) !== undefined
      ? { kind: "mediapackagev2" as const, endpointArn: values.originEndpointArn }
      : values.originSecretHeader !== ""
        ? { kind: "secret-header" as const, headerName: values.originSecretHeader }
        : { kind: "open" as const };
  return {
    kind: "https",
    domainName,
    ...(values.originPath ? { originPath: values.originPath } : {}),
    access,
  };
}

/** Validates raw config strings; throws one `StackConfigError` naming every problem. */
export function validateStackConfig(raw: RawStackConfig, stack: string): StackConfig {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (key !== "region" && !(CONFIG_KEYS as string[]).includes(key)) {
      problems.push(`${PROJECT_NAME}:${key}: unknown key (known keys: ${CONFIG_KEYS.join(", ")})`);
    }
  }
  problems.push(...stackNameProblems(stack));
  const region = (raw.region ?? "").trim();
  problems.push(...regionProblems(region));
  const { values, failed } = parseConfigKeys(raw, stack, problems);
  for (const rule of CROSS_FIELD_RULES) {
    if (rule.keys.every((key) => !failed.has(key))) problems.push(...rule.check(values));
  }
  if (problems.length > 0) throw new StackConfigError(problems);

  return {
    region,
    keyAlgorithm: values.keyAlgorithm,
    hashAlgorithm: values.hashAlgorithm,
    defaultUrlLifetimeSeconds: values.defaultUrlLifetimeSeconds,
    maxUrlLifetimeSeconds: values.maxUrlLifetimeSeconds,
    signerCacheTtlSeconds: values.signerCacheTtlSeconds,
    signerMaxStaleSeconds: values.signerMaxStaleSeconds,
    clockSkewSeconds: values.clockSkewSeconds,
    minIpPrefixLength: values.minIpPrefixLength,
    ipv6Enabled: values.ipv6Enabled,
    assetRootDepth: values.assetRootDepth,
    rotationIntervalSeconds: values.rotationInterval,
    rotationSchedule: rateExpression(rotationCheckSeconds(values.rotationInterval)),
    rotationEnabled: values.rotationEnabled,
    edgeTrigger: values.edgeTrigger,
    edgeMemoryMb: values.edgeMemoryMb,
    edgeTimeoutSeconds: values.edgeTimeoutSeconds,
    origin: originConfig(values),
    parameterPrefix: values.parameterPrefix,
    priceClass: values.priceClass,
    aliases: values.aliases,
    ...(values.certificateArn ? { certificateArn: values.certificateArn } : {}),
    extraAllowedHosts: values.allowedHosts,
    corsOrigins: values.corsOrigins,
    cookieMode: values.cookieMode,
    ...(values.cookieDomain ? { cookieDomain: values.cookieDomain } : {}),
    viewerProtocolPolicy: values.viewerProtocolPolicy,
    ...(values.loggingBucket
      ? { logging: { bucket: values.loggingBucket, prefix: values.loggingPrefix } }
      : {}),
    secretRecoveryWindowDays: values.secretRecoveryWindowDays,
    protectResources: values.protect,
    logRetentionDays: values.logRetentionDays,
    monitoring: monitoringConfig(values, region),
  };
}
