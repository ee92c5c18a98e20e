/**
 * The monitoring part of the stack configuration: alarm thresholds, the SNS
 * topics alarms notify, which regions hold the edge function's metrics, and
 * whether the stack is production. Its keys are rows of the stack config's
 * key table (infra/config/keys.ts), declared here with their parsers.
 */
import { DEFAULT_OVERDUE_MARGIN_SECONDS } from "../contract/defaults";
import {
  REGION,
  boolean,
  configKey,
  duration,
  list,
  positiveNumber,
  type ConfigKeySpec,
  type ParseContext,
  type ParsedValues,
} from "./config/parsers";

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

const SNS_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** SNS topic ARNs, at most one per region. */
function topicArns(text: string, context: ParseContext): readonly string[] {
  const arns = list()(text, context);
  const regions: string[] = [];
  for (const arn of arns) {
    const region = SNS_ARN.exec(arn)?.[1];
    if (!region) context.report(`"${arn}" is not an SNS topic ARN`);
    else if (regions.includes(region)) context.report(`two topics in ${region}`);
    else regions.push(region);
  }
  return arns;
}

/** The monitoring rows of the stack config key table. */
export const MONITORING_KEY_TABLE = {
  production: configKey({
    default: "false",
    doc: "Marks a production stack (tag `signed-hls-cdn:production` on the distribution): the policy pack then requires the alarms and their topics. `true` in `Pulumi.prod.yaml`.",
    parse: boolean,
  }),
  alarmTopicArns: configKey({
    default: "",
    doc: 'Existing SNS topics for the alarms, at most one per region; a region without one gets a created topic (see "Operating").',
    parse: topicArns,
  }),
  edgeMetricRegions: configKey({
    default: "",
    shownDefault: "`us-east-1,<aws:region>`",
    doc: "Regions whose CloudWatch holds the edge function's own metrics (where your viewers are served): one edge-5xx alarm and one dashboard line each.",
    parse: list((region) => (REGION.test(region) ? undefined : `"${region}" is not an AWS region`)),
  }),
  alarmRotationOverdueMargin: configKey({
    default: `${DEFAULT_OVERDUE_MARGIN_SECONDS}`,
    shownDefault: `\`${DEFAULT_OVERDUE_MARGIN_SECONDS}\` (1 d)`,
    doc: "How long past the rotation interval the active key may get before `rotation-overdue` fires (a duration like `1d`). `doctor`'s `--overdue-margin` has the same default.",
    parse: duration,
  }),
  alarmSignerErrors: configKey({
    default: "5",
    doc: "Signer AWS/Lambda `Errors` per 5 minutes that page.",
    parse: positiveNumber(1e6),
  }),
  alarmSignerThrottles: configKey({
    default: "1",
    doc: "Signer AWS/Lambda `Throttles` per 5 minutes that page.",
    parse: positiveNumber(1e6),
  }),
  alarmEdgeServerErrors: configKey({
    default: "10",
    doc: "Edge answers with status >= 500 per 5 minutes, per edge metric region.",
    parse: positiveNumber(1e6),
  }),
  alarmLambdaEdgeErrors: configKey({
    default: "1",
    doc: "Each of CloudFront's `LambdaExecutionError`, `LambdaValidationError`, `LambdaLimitExceededError` per 5 minutes.",
    parse: positiveNumber(1e6),
  }),
  alarm4xxRatePercent: configKey({
    default: "10",
    doc: "CloudFront `4xxErrorRate` (3 periods of 5 min) above this percentage.",
    parse: positiveNumber(100),
  }),
  alarm5xxRatePercent: configKey({
    default: "1",
    doc: "CloudFront `5xxErrorRate` (2 periods of 5 min) above this percentage.",
    parse: positiveNumber(100),
  }),
} satisfies Record<string, ConfigKeySpec<unknown>>;

export type MonitoringKey = keyof typeof MONITORING_KEY_TABLE;
export type MonitoringKeyValues = ParsedValues<typeof MONITORING_KEY_TABLE>;

/** The monitoring keys with their defaults (also part of CONFIG_DEFAULTS). */
export const MONITORING_CONFIG_DEFAULTS = Object.fromEntries(
  Object.entries(MONITORING_KEY_TABLE).map(([key, spec]) => [key, spec.default]),
) as Readonly<Record<MonitoringKey, string>>;

/** The monitoring settings from their parsed keys; edge metrics default to us-east-1 and the stack's region. */
export function monitoringConfig(values: MonitoringKeyValues, stackRegion: string): MonitoringConfig {
  const listed = values.edgeMetricRegions;
  return {
    production: values.production,
    alarmTopicArns: values.alarmTopicArns,
    edgeMetricRegions: [...new Set(listed.length > 0 ? listed : ["us-east-1", stackRegion])],
    thresholds: {
      rotationOverdueMarginSeconds: values.alarmRotationOverdueMargin,
      signerErrors: values.alarmSignerErrors,
      signerThrottles: values.alarmSignerThrottles,
      edgeServerErrors: values.alarmEdgeServerErrors,
      lambdaEdgeErrors: values.alarmLambdaEdgeErrors,
      errorRate4xxPercent: values.alarm4xxRatePercent,
      errorRate5xxPercent: values.alarm5xxRatePercent,
    },
  };
}
