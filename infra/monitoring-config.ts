/**
 * The monitoring part of the stack configuration: alarm thresholds, the SNS
 * topics alarms notify, which regions hold the edge function's metrics, and
 * whether the stack is production. Defaults live in CONFIG_DEFAULTS
 * (infra/config.ts) like every key; this validates their values.
 */
import { DEFAULT_OVERDUE_MARGIN_SECONDS } from "../functions/observability/metrics";

export interface MonitoringConfig {
  /** Marks a production stack: the policy pack then requires the alarms and the topic. */
  readonly production: boolean;
  /** Existing SNS topics to notify, at most one per region; a region without one gets a created topic. */
  readonly alarmTopicArns: readonly string[];
  /**
   * Regions whose CloudWatch holds the edge function's own (EMF) metrics:
   * Lambda@Edge logs, and so the metrics extracted from them, land in the
   * region closest to the edge location that ran the function.
   */
  readonly edgeMetricRegions: readonly string[];
  readonly thresholds: {
    /** Seconds the active key may be older than the rotation interval before the overdue alarm fires. */
    readonly rotationOverdueMarginSeconds: number;
    /** Signer AWS/Lambda Errors per 5 minutes. */
    readonly signerErrors: number;
    /** Signer AWS/Lambda Throttles per 5 minutes. */
    readonly signerThrottles: number;
    /** Edge answers with status >= 500 per 5 minutes, in each edge metric region. */
    readonly edgeServerErrors: number;
    /** Each of CloudFront's LambdaExecutionError / LambdaValidationError / LambdaLimitExceededError per 5 minutes. */
    readonly lambdaEdgeErrors: number;
    /** CloudFront 4xxErrorRate (%), 5-minute average, three periods in a row. */
    readonly errorRate4xxPercent: number;
    /** CloudFront 5xxErrorRate (%), 5-minute average, two periods in a row. */
    readonly errorRate5xxPercent: number;
  };
}

/** The config keys this file reads, with their defaults (merged into CONFIG_DEFAULTS). */
export const MONITORING_CONFIG_DEFAULTS = {
  production: "false",
  alarmTopicArns: "",
  edgeMetricRegions: "",
  alarmRotationOverdueMargin: `${DEFAULT_OVERDUE_MARGIN_SECONDS}`,
  alarmSignerErrors: "5",
  alarmSignerThrottles: "1",
  alarmEdgeServerErrors: "10",
  alarmLambdaEdgeErrors: "1",
  alarm4xxRatePercent: "10",
  alarm5xxRatePercent: "1",
} as const;

type Key = keyof typeof MONITORING_CONFIG_DEFAULTS;

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** Validates the monitoring keys; pushes each problem to `problems`. */
export function readMonitoringConfig(
  read: {
    value(key: Key): string;
    list(key: Key): string[];
    boolean(key: Key): boolean;
    duration(key: Key): number;
  },
  stackRegion: string,
  problems: string[],
): MonitoringConfig {
  const number = (key: Key, max: number): number => {
    const text = read.value(key);
    const parsed = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || !(parsed > 0) || parsed > max) {
      problems.push(`${key}: "${text}" must be a positive number up to ${max}`);
      return 1;
    }
    return parsed;
  };
  const alarmTopicArns = read.list("alarmTopicArns");
  const topicRegions = new Set<string>();
  for (const arn of alarmTopicArns) {
    const region = SNS_ARN.exec(arn)?.[1];
    if (!region) problems.push(`alarmTopicArns: "${arn}" is not an SNS topic ARN`);
    else if (topicRegions.has(region)) problems.push(`alarmTopicArns: two topics in ${region}`);
    else topicRegions.add(region);
  }
  const listed = read.list("edgeMetricRegions");
  for (const region of listed) {
    if (!REGION.test(region)) problems.push(`edgeMetricRegions: "${region}" is not an AWS region`);
  }
  const edgeMetricRegions = [...new Set(listed.length > 0 ? listed : ["us-east-1", stackRegion])];
  return {
    production: read.boolean("production"),
    alarmTopicArns,
    edgeMetricRegions,
    thresholds: {
      rotationOverdueMarginSeconds: read.duration("alarmRotationOverdueMargin"),
      signerErrors: number("alarmSignerErrors", 1e6),
      signerThrottles: number("alarmSignerThrottles", 1e6),
      edgeServerErrors: number("alarmEdgeServerErrors", 1e6),
      lambdaEdgeErrors: number("alarmLambdaEdgeErrors", 1e6),
      errorRate4xxPercent: number("alarm4xxRatePercent", 100),
      errorRate5xxPercent: number("alarm5xxRatePercent", 100),
    },
  };
}
