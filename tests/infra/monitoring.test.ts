import assert from "node:assert/strict";
import { METRIC_NAMESPACE } from "../../functions/observability/metrics";
import { validateStackConfig } from "../../infra/config";
import { MONITORING_CONFIG_DEFAULTS } from "../../infra/monitoring-config";
import { REQUIRED_PRODUCTION_ALARMS } from "../../infra/policy/conventions";
import { ofType, resourceNamed, runProgram, type ProgramRun, type StackName } from "./harness";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const PROVIDER = "pulumi:providers:aws";

interface Expected {
  namespace: string;
  metricName: string;
  statistic: string;
  region: string;
  threshold: number;
  dimensions: (run: ProgramRun) => Record<string, string>;
  treatMissingData: string;
}

const SETTINGS: Record<
  StackName,
  { region: string; prefix: string; interval: number; edgeRegions: string[] }
> = {
  dev: {
    region: "eu-west-1",
    prefix: "/cloudfront-signer/dev",
    interval: 86400,
    edgeRegions: ["us-east-1", "eu-west-1"],
  },
  prod: {
    region: "us-east-1",
    prefix: "/cloudfront-signer/prod",
    interval: 90 * 86400,
    edgeRegions: ["us-east-1", "eu-west-1", "eu-central-1"],
  },
};

function expectedAlarms(stack: StackName): Record<string, Expected> {
  const { region, prefix, interval, edgeRegions } = SETTINGS[stack];
  const own = { stack: prefix };
  const distribution = (run: ProgramRun) => ({
    DistributionId: ofType(run, "aws:cloudfront/distribution:Distribution")[0].id,
    Region: "Global",
  });
  const signer = (run: ProgramRun) => ({
    FunctionName: String(resourceNamed(run, "aws:lambda/function:Function", "signer").state.name),
  });
  const sum = { statistic: "Sum", treatMissingData: "notBreaching" };
  const alarms: Record<string, Expected> = {
    "monitoring-rotation-failed": {
      ...sum,
      namespace: METRIC_NAMESPACE,
      metricName: "RotationRuns",
      region,
      threshold: 1,
      dimensions: () => ({ ...own, outcome: "failed" }),
    },
    "monitoring-rotation-refused": {
      ...sum,
      namespace: METRIC_NAMESPACE,
      metricName: "RotationRuns",
      region,
      threshold: 1,
      dimensions: () => ({ ...own, outcome: "refused" }),
    },
    "monitoring-rotation-overdue": {
      namespace: METRIC_NAMESPACE,
      metricName: "ActiveKeyAgeSeconds",
      statistic: "Maximum",
      region,
      threshold: interval + 86400,
      dimensions: () => own,
      treatMissingData: "breaching",
    },
    "monitoring-signer-errors": {
      ...sum,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      region,
      threshold: 5,
      dimensions: signer,
    },
    "monitoring-signer-throttles": {
      ...sum,
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      region,
      threshold: 1,
      dimensions: signer,
    },
    "monitoring-cloudfront-lambda-execution-errors": {
      ...sum,
      namespace: "AWS/CloudFront",
      metricName: "LambdaExecutionError",
      region: "us-east-1",
      threshold: 1,
      dimensions: distribution,
    },
    "monitoring-cloudfront-lambda-validation-errors": {
      ...sum,
      namespace: "AWS/CloudFront",
      metricName: "LambdaValidationError",
      region: "us-east-1",
      threshold: 1,
      dimensions: distribution,
    },
    "monitoring-cloudfront-lambda-limitexceeded-errors": {
      ...sum,
      namespace: "AWS/CloudFront",
      metricName: "LambdaLimitExceededError",
      region: "us-east-1",
      threshold: 1,
      dimensions: distribution,
    },
    "monitoring-cloudfront-4xx-rate": {
      statistic: "Average",
      treatMissingData: "notBreaching",
      namespace: "AWS/CloudFront",
      metricName: "4xxErrorRate",
      region: "us-east-1",
      threshold: 10,
      dimensions: distribution,
    },
    "monitoring-cloudfront-5xx-rate": {
      statistic: "Average",
      treatMissingData: "notBreaching",
      namespace: "AWS/CloudFront",
      metricName: "5xxErrorRate",
      region: "us-east-1",
      threshold: 1,
      dimensions: distribution,
    },
  };
  for (const edgeRegion of edgeRegions) {
    alarms[`monitoring-edge-server-errors-${edgeRegion}`] = {
      ...sum,
      namespace: METRIC_NAMESPACE,
      metricName: "EdgeServerErrors",
      region: edgeRegion,
      threshold: 10,
      dimensions: () => own,
    };
  }
  return alarms;
}

/** Region a resource is created in: its explicit provider's, else the stack's default provider. */
function regionOf(
  run: ProgramRun,
  resource: { options: { provider?: string } },
  stackRegion: string,
): string {
  if (!resource.options.provider) return stackRegion;
  const urn = resource.options.provider.split("::").slice(0, -1).join("::");
  const provider = run.resources.find((candidate) => candidate.urn === urn);
  assert.equal(provider?.type, PROVIDER);
  return String(provider?.inputs.region);
}

describe("monitoring: alarms, topics and the dashboard", function () {
  this.timeout(120_000);
  const runs: Partial<Record<StackName, ProgramRun>> = {};
  before(async () => {
    [runs.dev, runs.prod] = await Promise.all([runProgram("dev"), runProgram("prod")]);
  });

  for (const stack of ["dev", "prod"] as const) {
    describe(`${stack} stack`, () => {
      it("has exactly the expected alarms: metric, namespace, region, statistic, threshold and topic", () => {
        const run = runs[stack]!;
        const { region } = SETTINGS[stack];
        const expected = expectedAlarms(stack);
        const alarms = ofType(run, ALARM);
        assert.deepEqual(alarms.map((alarm) => alarm.name).sort(), Object.keys(expected).sort());
        const topics = run.outputs.alarmTopicArns as Record<string, string>;
        for (const alarm of alarms) {
          const want = expected[alarm.name];
          const where = regionOf(run, alarm, region);
          assert.equal(where, want.region, `${alarm.name} region`);
          assert.equal(alarm.inputs.namespace, want.namespace, alarm.name);
          assert.equal(alarm.inputs.metricName, want.metricName, alarm.name);
          assert.equal(alarm.inputs.statistic, want.statistic, alarm.name);
          assert.equal(alarm.inputs.threshold, want.threshold, alarm.name);
          assert.equal(alarm.inputs.treatMissingData, want.treatMissingData, alarm.name);
          assert.deepEqual(alarm.inputs.dimensions, want.dimensions(run), alarm.name);
          assert.deepEqual(
            alarm.inputs.alarmActions,
            [topics[where]],
            `${alarm.name} notifies the topic of its region`,
          );
          assert.ok(
            String(alarm.inputs.alarmDescription).includes("signed-hls-cdn") ||
              /README|run/.test(String(alarm.inputs.alarmDescription)),
          );
        }
      });

      it("alarms on exactly the signals the policy pack requires of a production stack", () => {
        const pairs = (list: { namespace: unknown; metricName: unknown }[]) =>
          [...new Set(list.map((alarm) => `${String(alarm.namespace)} ${String(alarm.metricName)}`))].sort();
        assert.deepEqual(
          pairs(
            ofType(runs[stack]!, ALARM).map(
              (alarm) => alarm.inputs as { namespace: unknown; metricName: unknown },
            ),
          ),
          pairs(REQUIRED_PRODUCTION_ALARMS as { namespace: unknown; metricName: unknown }[]),
        );
      });

      it("creates one topic per alarm region and exports their ARNs", () => {
        const run = runs[stack]!;
        const { region } = SETTINGS[stack];
        const topics = ofType(run, TOPIC);
        const regions = topics.map((topic) => regionOf(run, topic, region)).sort();
        assert.deepEqual(regions, [...new Set([region, "us-east-1", ...SETTINGS[stack].edgeRegions])].sort());
        const exported = run.outputs.alarmTopicArns as Record<string, string>;
        assert.deepEqual(Object.keys(exported).sort(), regions);
        for (const topic of topics) assert.equal(exported[regionOf(run, topic, region)], topic.state.arn);
      });

      it("has a dashboard with playlists signed per edge region, signer, rotation, CloudFront and the alarms", () => {
        const run = runs[stack]!;
        const dashboard = ofType(run, "aws:cloudwatch/dashboard:Dashboard");
        assert.equal(dashboard.length, 1);
        assert.equal(dashboard[0].inputs.dashboardName, `signed-hls-cdn-${stack}`);
        assert.equal(run.outputs.dashboardName, `signed-hls-cdn-${stack}`);
        const body = JSON.parse(String(dashboard[0].inputs.dashboardBody)) as {
          widgets: {
            type: string;
            properties: { title: string; metrics?: unknown[][]; alarms?: string[] };
          }[];
        };
        const titled = (title: string) => body.widgets.find((widget) => widget.properties.title === title)!;
        const playlists = titled("Playlists signed (per edge region)").properties.metrics!;
        assert.deepEqual(
          playlists.map((metric) => [
            metric[0],
            metric[1],
            metric[3],
            (metric[4] as { region: string }).region,
          ]),
          SETTINGS[stack].edgeRegions.map((edgeRegion) => [
            METRIC_NAMESPACE,
            "PlaylistsSigned",
            SETTINGS[stack].prefix,
            edgeRegion,
          ]),
        );
        const edge = titled("Edge: 5xx answers, refusals, URIs signed, URIs out of scope (per edge region)");
        assert.ok(
          edge.properties.metrics!.some((metric) => metric[1] === "UrisOutOfScope"),
          "the out-of-scope warnings are on the dashboard",
        );
        assert.equal(titled("Alarms").properties.alarms!.length, ofType(run, ALARM).length);
        for (const title of [
          "Signer outcomes",
          "Active key age (s) and rotation runs",
          "CloudFront error rates (%)",
          "CloudFront Lambda@Edge errors",
        ])
          assert.ok(titled(title), title);
      });
    });
  }

  it("documents a default for every monitoring key and refuses bad values", () => {
    const base = { region: "eu-west-1" };
    const config = validateStackConfig(base, "dev");
    assert.equal(config.monitoring.production, false);
    assert.equal(
      config.monitoring.thresholds.rotationOverdueMarginSeconds,
      Number(MONITORING_CONFIG_DEFAULTS.alarmRotationOverdueMargin),
    );
    assert.deepEqual(config.monitoring.edgeMetricRegions, ["us-east-1", "eu-west-1"]);
    assert.throws(
      () =>
        validateStackConfig(
          {
            ...base,
            alarmTopicArns: "arn:aws:sns:eu-west-1:123456789012:a,arn:aws:sns:eu-west-1:123456789012:b",
          },
          "dev",
        ),
      /alarmTopicArns: two topics in eu-west-1/,
    );
    assert.throws(
      () => validateStackConfig({ ...base, alarm4xxRatePercent: "200" }, "dev"),
      /alarm4xxRatePercent/,
    );
    assert.throws(
      () => validateStackConfig({ ...base, edgeMetricRegions: "mars-1" }, "dev"),
      /edgeMetricRegions/,
    );
  });
});
