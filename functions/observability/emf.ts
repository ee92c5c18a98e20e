/**
 * CloudWatch embedded metric format (EMF): metric values carried inside the
 * JSON log line a component already writes, extracted by CloudWatch Logs into
 * metrics with no API call per request.
 * Specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * - the root holds `_aws: { Timestamp, CloudWatchMetrics: [MetricDirective] }`;
 * - a directive names a Namespace, Dimensions (an array of dimension sets, each
 *   an array of root member names) and Metrics (`{ Name, Unit }`);
 * - every dimension and metric a directive references MUST be a root member
 *   (dimension values strings, metric values numbers or arrays of numbers).
 * Pure: no clock and no I/O (the caller passes the timestamp).
 */

/** CloudWatch units used here (a subset of the specification's list). */
export type MetricUnit = "Count" | "Bytes" | "Percent" | "Seconds" | "None";

export interface MetricValue {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly value: number;
}

export interface EmfDirective {
  readonly Namespace: string;
  readonly Dimensions: readonly (readonly string[])[];
  readonly Metrics: readonly { readonly Name: string; readonly Unit: MetricUnit }[];
}

export interface EmfFields {
  readonly _aws: { readonly Timestamp: number; readonly CloudWatchMetrics: readonly EmfDirective[] };
  readonly [member: string]: unknown;
}

/** Limits of the specification: 30 dimensions per set, 100 metrics per directive. */
export const EMF_MAX_DIMENSIONS_PER_SET = 30;
export const EMF_MAX_METRICS_PER_DIRECTIVE = 100;

/**
 * The members to merge into a log line: `_aws` plus one root member per
 * dimension and per metric. Dimension names are root members already in the
 * line or given in `dimensionValues`; a metric named like a dimension is refused.
 */
export function emfFields(input: {
  readonly namespace: string;
  readonly timestampMs: number;
  readonly dimensionSets: readonly (readonly string[])[];
  readonly dimensionValues: Readonly<Record<string, string>>;
  readonly metrics: readonly MetricValue[];
}): EmfFields {
  const members: Record<string, unknown> = {};
  for (const set of input.dimensionSets) {
    if (set.length > EMF_MAX_DIMENSIONS_PER_SET) throw new Error("EMF: too many dimensions in one set");
    for (const name of set) {
      const value = input.dimensionValues[name];
      if (typeof value !== "string" || value === "") throw new Error(`EMF: dimension ${name} has no value`);
      members[name] = value;
    }
  }
  if (input.metrics.length > EMF_MAX_METRICS_PER_DIRECTIVE) throw new Error("EMF: too many metrics");
  for (const metric of input.metrics) {
    if (metric.name in members) throw new Error(`EMF: metric ${metric.name} collides with a dimension`);
    if (!Number.isFinite(metric.value)) throw new Error(`EMF: metric ${metric.name} is not a finite number`);
    members[metric.name] = metric.value;
  }
  return {
    _aws: {
      Timestamp: Math.floor(input.timestampMs),
      CloudWatchMetrics: [
        {
          Namespace: input.namespace,
          Dimensions: input.dimensionSets.map((set) => [...set]),
          Metrics: input.metrics.map((metric) => ({ Name: metric.name, Unit: metric.unit })),
        },
      ],
    },
    ...members,
  };
}

/**
 * What CloudWatch would extract from one log line: every (metric, dimensions)
 * pair with its value. Checks the line against the specification's MUSTs and
 * throws naming the first breach. The local stack counts metrics with it and
 * tests read emitted lines back through it.
 */
export function extractMetrics(line: unknown): {
  namespace: string;
  name: string;
  unit: string;
  value: number;
  dimensions: Record<string, string>;
}[] {
  if (!line || typeof line !== "object") throw new Error("EMF: a log line must be a JSON object");
  const root = line as Record<string, unknown>;
  const aws = root._aws as Record<string, unknown> | undefined;
  if (!aws || typeof aws !== "object") return [];
  if (typeof aws.Timestamp !== "number") throw new Error("EMF: _aws.Timestamp must be a number");
  if (!Array.isArray(aws.CloudWatchMetrics)) throw new Error("EMF: _aws.CloudWatchMetrics must be an array");
  const extracted = [];
  for (const directive of aws.CloudWatchMetrics as EmfDirective[]) {
    if (typeof directive.Namespace !== "string" || directive.Namespace === "")
      throw new Error("EMF: a directive needs a Namespace");
    if (!Array.isArray(directive.Dimensions) || !Array.isArray(directive.Metrics))
      throw new Error("EMF: a directive needs Dimensions and Metrics arrays");
    for (const metric of directive.Metrics) {
      const value = root[metric.Name];
      if (typeof value !== "number") throw new Error(`EMF: metric ${metric.Name} has no numeric root member`);
      for (const set of directive.Dimensions) {
        const dimensions: Record<string, string> = {};
        for (const name of set) {
          if (typeof root[name] !== "string")
            throw new Error(`EMF: dimension ${name} has no string root member`);
          dimensions[name] = root[name] as string;
        }
        extracted.push({
          namespace: directive.Namespace,
          name: metric.Name,
          unit: metric.Unit,
          value,
          dimensions,
        });
      }
    }
  }
  return extracted;
}
