/**
 * A production stack pages someone: it must alarm on every signal of
 * README "Operating" (REQUIRED_PRODUCTION_ALARMS), and every alarm must notify
 * an SNS topic. Stacks are production when their distribution carries the tag
 * PRODUCTION_TAG = "true" (the `production` stack config key sets it).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { PRODUCTION_TAG, REQUIRED_PRODUCTION_ALARMS } from "../conventions";
import { T, knownOr, tagsOf, type ResourceView } from "../resources";

const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SNS_TOPIC = "aws:sns/topic:Topic";

export const productionStacksHaveAlarms: StackValidationPolicy = {
  name: "production-stacks-have-alarms",
  description:
    `A stack whose distribution is tagged ${PRODUCTION_TAG}=true must have a CloudWatch alarm on each of ` +
    `${REQUIRED_PRODUCTION_ALARMS.map((alarm) => `${alarm.namespace} ${alarm.metricName}`).join(", ")}, ` +
    "and every alarm must notify an SNS topic (alarmActions). " +
    "Fix: keep the Monitoring component (infra/components/monitoring.ts) in the stack, or set production to false for a non-production stack.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const resources = args.resources as ResourceView[];
    const production = resources.filter(
      (resource) =>
        resource.type === T.distribution && tagsOf(resource.props)[PRODUCTION_TAG]?.toLowerCase() === "true",
    );
    if (production.length === 0) return;
    const at = production[0].urn;
    const alarms = resources.filter((resource) => resource.type === METRIC_ALARM);
    for (const required of REQUIRED_PRODUCTION_ALARMS) {
      const found = alarms.some(
        (alarm) =>
          knownOr(() => alarm.props.namespace, undefined) === required.namespace &&
          knownOr(() => alarm.props.metricName, undefined) === required.metricName,
      );
      if (!found)
        reportViolation(`production stack has no alarm on ${required.namespace} ${required.metricName}.`, at);
    }
    const topics = resources.filter((resource) => resource.type === SNS_TOPIC);
    for (const alarm of alarms) {
      const actions = knownOr(() => alarm.props.alarmActions, ["(unknown)"]);
      if (!Array.isArray(actions) || actions.length === 0)
        reportViolation(`alarm "${alarm.name}" notifies no SNS topic (alarmActions is empty).`, alarm.urn);
    }
    if (alarms.length > 0 && topics.length === 0) {
      const external = alarms.some((alarm) => {
        const actions = knownOr(() => alarm.props.alarmActions, []);
        return (
          Array.isArray(actions) &&
          actions.some((action) => typeof action === "string" && action.startsWith("arn:"))
        );
      });
      if (!external) reportViolation("production stack has alarms but no SNS topic for them.", at);
    }
  },
};
