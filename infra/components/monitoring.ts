/**
 * Monitoring: the alarms that page an operator, the SNS topics they notify and
 * one CloudWatch dashboard per stack. Where each metric lives decides where
 * its alarm lives (a CloudWatch alarm watches metrics of its own region):
 * - our Lambdas' EMF metrics (functions/observability) are extracted in the
 *   region whose CloudWatch Logs received the line: the stack region for the
 *   signer and the rotation; for Lambda@Edge the region closest to the edge
 *   location that ran it, so edge metrics exist per region
 *   (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html,
 *   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-testing-debugging.html):
 *   one alarm per configured edge metric region;
 * - AWS/Lambda Errors and Throttles of the signer: the stack region;
 * - CloudFront's own metrics (namespace AWS/CloudFront, dimensions
 *   DistributionId and Region=Global, 4xxErrorRate/5xxErrorRate with statistic
 *   Average; LambdaExecutionError, LambdaValidationError and
 *   LambdaLimitExceededError for the distribution's Lambda@Edge functions) are
 *   only in us-east-1
 *   (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html,
 *   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/viewing-cloudfront-and-lambda-metrics.html).
 * Each alarm notifies a topic in its own region (created, or one listed in
 * alarmTopicArns): whether CloudWatch accepts a topic in another region as an
 * alarm action is not something we rely on.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  EDGE_METRICS,
  METRIC_NAMESPACE,
  ROTATION_METRICS,
  SIGNER_METRICS,
  STACK_DIMENSION,
} from "../../functions/observability/metrics";
import type { MonitoringConfig } from "../monitoring-config";

/** CloudFront publishes its metrics in us-east-1 only. */
export const CLOUDFRONT_METRICS_REGION = "us-east-1";
/** Evaluation period of the request-rate alarms, seconds. */
export const ALARM_PERIOD_SECONDS = 300;

export interface MonitoringArgs {
  readonly stack: string;
  /** Region of the default provider: signer, rotation, their metrics. */
  readonly region: string;
  readonly config: MonitoringConfig;
  /** The `stack` dimension of our EMF metrics: the SSM parameter prefix. */
  readonly parameterPrefix: string;
  readonly rotationIntervalSeconds: number;
  readonly distributionId: pulumi.Input<string>;
  readonly signerFunctionName: pulumi.Input<string>;
}

/** What one alarm watches: everything the infra tests assert. */
export interface AlarmSpec {
  readonly name: string;
  readonly region: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: "Sum" | "Average" | "Maximum";
  readonly dimensions: Record<string, pulumi.Input<string>>;
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly threshold: number;
  readonly comparisonOperator: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold";
  readonly treatMissingData: "breaching" | "notBreaching";
}

/** Every alarm of a stack (pure: the component creates them, tests and the README list them). */
export function alarmSpecs(args: MonitoringArgs): AlarmSpec[] {
  const t = args.config.thresholds;
  const stackDimension = { [STACK_DIMENSION]: args.parameterPrefix };
  const distribution = { DistributionId: args.distributionId, Region: "Global" };
  const count = (
    spec: Omit<
      AlarmSpec,
      "statistic" | "period" | "comparisonOperator" | "treatMissingData" | "evaluationPeriods"
    >,
  ): AlarmSpec => ({
    statistic: "Sum",
    period: ALARM_PERIOD_SECONDS,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    ...spec,
  });
  const specs: AlarmSpec[] = [
    ...(["failed", "refused"] as const).map((outcome) =>
      count({
        name: `rotation-${outcome}`,
        region: args.region,
        description: `A key rotation run ${outcome}: run \`signed-hls-cdn status\`, then \`signed-hls-cdn rotate --dry-run\`.`,
        namespace: METRIC_NAMESPACE,
        metricName: ROTATION_METRICS.runs,
        dimensions: { ...stackDimension, outcome },
        threshold: 1,
      }),
    ),
    {
      name: "rotation-overdue",
      region: args.region,
      description:
        "The active key is older than the rotation interval plus the margin, or no rotation run reported its age for a day " +
        "(missing data is breaching): run `signed-hls-cdn doctor`.",
      namespace: METRIC_NAMESPACE,
      metricName: ROTATION_METRICS.activeKeyAge,
      statistic: "Maximum",
      dimensions: stackDimension,
      // One day: the rotation runs at least daily (rotationCheckSeconds, infra/config), and a day is the longest evaluation.
      period: 86400,
      evaluationPeriods: 1,
      threshold: args.rotationIntervalSeconds + t.rotationOverdueMarginSeconds,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "breaching",
    },
    ...(["Errors", "Throttles"] as const).map((metricName) =>
      count({
        name: `signer-${metricName.toLowerCase()}`,
        region: args.region,
        description: `The signing Lambda reports ${metricName}: run \`signed-hls-cdn doctor\` and read the signer's error lines.`,
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: args.signerFunctionName },
        threshold: metricName === "Errors" ? t.signerErrors : t.signerThrottles,
      }),
    ),
    ...args.config.edgeMetricRegions.map((region) =>
      count({
        name: `edge-server-errors-${region}`,
        region,
        description: `The manifest edge function answered 5xx (origin, key or function trouble) to viewers served from ${region}: run \`signed-hls-cdn doctor\`, then read its error lines in ${region}.`,
        namespace: METRIC_NAMESPACE,
        metricName: EDGE_METRICS.serverErrors,
        dimensions: stackDimension,
        threshold: t.edgeServerErrors,
      }),
    ),
    ...(["LambdaExecutionError", "LambdaValidationError", "LambdaLimitExceededError"] as const).map(
      (metricName) =>
        count({
          name: `cloudfront-${metricName
            .replace(/^Lambda/, "lambda-")
            .replace(/Error$/, "-errors")
            .toLowerCase()}`,
          region: CLOUDFRONT_METRICS_REGION,
          description: `CloudFront reports ${metricName} for the distribution's Lambda@Edge function: see README "Operating".`,
          namespace: "AWS/CloudFront",
          metricName,
          dimensions: distribution,
          threshold: t.lambdaEdgeErrors,
        }),
    ),
    {
      name: "cloudfront-4xx-rate",
      region: CLOUDFRONT_METRICS_REGION,
      description:
        "Viewers get 4xx (mostly 403: unsigned, expired or untrusted-key requests): run `signed-hls-cdn doctor`.",
      namespace: "AWS/CloudFront",
      metricName: "4xxErrorRate",
      statistic: "Average",
      dimensions: distribution,
      period: ALARM_PERIOD_SECONDS,
      evaluationPeriods: 3,
      threshold: t.errorRate4xxPercent,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    },
    {
      name: "cloudfront-5xx-rate",
      region: CLOUDFRONT_METRICS_REGION,
      description:
        "Viewers get 5xx from the distribution: run `signed-hls-cdn doctor`, then check the origin.",
      namespace: "AWS/CloudFront",
      metricName: "5xxErrorRate",
      statistic: "Average",
      dimensions: distribution,
      period: ALARM_PERIOD_SECONDS,
      evaluationPeriods: 2,
      threshold: t.errorRate5xxPercent,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    },
  ];
  return specs;
}

export class Monitoring extends pulumi.ComponentResource {
  /** Alarm topic ARN per region an alarm lives in. */
  readonly topicArns: pulumi.Output<Record<string, string>>;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  readonly dashboard: aws.cloudwatch.Dashboard;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("signed-hls-cdn:monitoring:Monitoring", name, {}, opts);
    const specs = alarmSpecs(args);
    const regions = [...new Set(specs.map((spec) => spec.region))];
    const providers: Record<string, aws.Provider | undefined> = {};
    for (const region of regions) {
      providers[region] =
        region === args.region
          ? undefined
          : new aws.Provider(`${name}-${region}`, { region }, { parent: this });
    }
    const topics: Record<string, pulumi.Output<string>> = {};
    for (const region of regions) {
      const existing = args.config.alarmTopicArns.find((arn) => arn.split(":")[3] === region);
      topics[region] = existing
        ? pulumi.output(existing)
        : new aws.sns.Topic(
            `${name}-alarms-${region}`,
            { displayName: `signed-hls-cdn ${args.stack} alarms` },
            { parent: this, provider: providers[region] },
          ).arn;
    }
    this.topicArns = pulumi.all(topics);
    for (const spec of specs) {
      this.alarms.push(
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.name}`,
          {
            alarmDescription: spec.description,
            namespace: spec.namespace,
            metricName: spec.metricName,
            statistic: spec.statistic,
            dimensions: spec.dimensions,
            period: spec.period,
            evaluationPeriods: spec.evaluationPeriods,
            threshold: spec.threshold,
            comparisonOperator: spec.comparisonOperator,
            treatMissingData: spec.treatMissingData,
            alarmActions: [topics[spec.region]],
            okActions: [topics[spec.region]],
          },
          { parent: this, provider: providers[spec.region] },
        ),
      );
    }
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `signed-hls-cdn-${args.stack}`,
        dashboardBody: pulumi
          .output({
            distributionId: args.distributionId,
            signerName: args.signerFunctionName,
            alarmArns: this.alarms.map((alarm) => alarm.arn),
          })
          .apply(({ distributionId, signerName, alarmArns }) =>
            JSON.stringify(dashboardBody(args, distributionId, signerName, alarmArns)),
          ),
      },
      { parent: this },
    );
    this.registerOutputs({ topicArns: this.topicArns, dashboardName: this.dashboard.dashboardName });
  }
}

/**
 * The dashboard: playlists signed per edge region (each region's EMF metrics
 * are separate), edge outcomes, signer outcomes, rotation, CloudFront's own
 * rates and Lambda@Edge errors (us-east-1), and every alarm's state.
 * Body format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
export function dashboardBody(
  args: MonitoringArgs,
  distributionId: string,
  signerName: string,
  alarmArns: string[],
) {
  const stack = [STACK_DIMENSION, args.parameterPrefix];
  const edgeRegions = args.config.edgeMetricRegions;
  const perEdgeRegion = (metric: string) =>
    edgeRegions.map((region) => [
      METRIC_NAMESPACE,
      metric,
      ...stack,
      { region, stat: "Sum", label: `${metric} ${region}` },
    ]);
  const widget = (title: string, metrics: unknown[], extra: object = {}) => ({
    type: "metric",
    width: 12,
    height: 6,
    properties: {
      title,
      metrics,
      period: ALARM_PERIOD_SECONDS,
      view: "timeSeries",
      region: args.region,
      ...extra,
    },
  });
  const cloudFront = (metric: string, stat: string) => [
    "AWS/CloudFront",
    metric,
    "DistributionId",
    distributionId,
    "Region",
    "Global",
    { region: CLOUDFRONT_METRICS_REGION, stat },
  ];
  return {
    widgets: [
      widget("Playlists signed (per edge region)", perEdgeRegion(EDGE_METRICS.playlistsSigned)),
      widget("Edge: 5xx answers, refusals, URIs signed, URIs out of scope (per edge region)", [
        ...perEdgeRegion(EDGE_METRICS.serverErrors),
        ...perEdgeRegion(EDGE_METRICS.refusals),
        ...perEdgeRegion(EDGE_METRICS.urisSigned),
        // Warnings: each a 403 waiting for a player (README "Troubleshooting").
        ...perEdgeRegion(EDGE_METRICS.urisOutOfScope),
      ]),
      widget("Signer outcomes", [
        ...Object.values(SIGNER_METRICS).map((metric) => [
          METRIC_NAMESPACE,
          metric,
          ...stack,
          { stat: "Sum" },
        ]),
        ["AWS/Lambda", "Errors", "FunctionName", signerName, { stat: "Sum" }],
        ["AWS/Lambda", "Throttles", "FunctionName", signerName, { stat: "Sum" }],
      ]),
      widget(
        "Active key age (s) and rotation runs",
        [
          [METRIC_NAMESPACE, ROTATION_METRICS.activeKeyAge, ...stack, { stat: "Maximum", period: 3600 }],
          ...["completed", "idle", "waiting", "refused", "failed", "busy"].map((outcome) => [
            METRIC_NAMESPACE,
            ROTATION_METRICS.runs,
            ...stack,
            "outcome",
            outcome,
            { stat: "Sum", period: 3600, yAxis: "right" },
          ]),
        ],
        {
          annotations: {
            horizontal: [
              {
                label: "overdue",
                value: args.rotationIntervalSeconds + args.config.thresholds.rotationOverdueMarginSeconds,
              },
            ],
          },
        },
      ),
      widget(
        "CloudFront error rates (%)",
        [cloudFront("4xxErrorRate", "Average"), cloudFront("5xxErrorRate", "Average")],
        {
          region: CLOUDFRONT_METRICS_REGION,
        },
      ),
      widget(
        "CloudFront Lambda@Edge errors",
        ["LambdaExecutionError", "LambdaValidationError", "LambdaLimitExceededError"].map((metric) =>
          cloudFront(metric, "Sum"),
        ),
        { region: CLOUDFRONT_METRICS_REGION },
      ),
      { type: "alarm", width: 24, height: 4, properties: { title: "Alarms", alarms: alarmArns } },
    ],
  };
}
