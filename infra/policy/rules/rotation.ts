/**
 * The rotation invariant, checked on the deployed configuration: a key stays
 * trusted longer than any URL signed with it can be valid, and rotation
 * actually runs on a schedule.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_CLOCK_SKEW_SECONDS } from "../../../contract/defaults";
import { minimumRotationIntervalSeconds, rotationIntervalIsSafe } from "../../../contract/rotation-window";
import { ROTATION_TIMING_TAGS, type Component, type RotationTimingField } from "../conventions";
import { T, componentOf, componentPatterns, knownOr, tagsOf, type ResourceView } from "../resources";
import { COMPONENT_PATTERNS_SCHEMA, configWithDefaults } from "../support";

type Timing = Partial<Record<RotationTimingField, number>>;

interface RotationConfig extends Timing {
  allowDisabledSchedule?: boolean;
  componentPatterns?: Partial<Record<Component, string>>;
}

const UNIT_SECONDS: Record<string, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

/** Seconds between runs of an EventBridge `rate(N unit)` expression; undefined for `cron(...)`/`at(...)`. */
export function ratePeriodSeconds(expression: string): number | undefined {
  const match = /^rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)$/.exec(expression.trim());
  return match ? Number(match[1]) * UNIT_SECONDS[match[2]] : undefined;
}

/** Human units for messages. */
function span(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${seconds} s`;
}

/** Timing numbers from tags (the first resource stating one wins), then from config. */
function timingFrom(
  sources: ResourceView[],
  config: Timing,
  report: (message: string, urn?: string) => void,
): Timing {
  const timing: Timing = {};
  for (const field of Object.keys(ROTATION_TIMING_TAGS) as RotationTimingField[]) {
    for (const source of sources) {
      const raw = tagsOf(source.props)[ROTATION_TIMING_TAGS[field]];
      if (raw === undefined) continue;
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0) {
        report(
          `tag ${ROTATION_TIMING_TAGS[field]}="${raw}" on "${source.name}" is not a number of seconds.`,
          source.urn,
        );
      } else if (timing[field] === undefined) {
        timing[field] = value;
      }
    }
    if (timing[field] === undefined && typeof config[field] === "number") timing[field] = config[field];
  }
  timing.clockSkewSeconds ??= DEFAULT_CLOCK_SKEW_SECONDS;
  return timing;
}

export const rotationOutlivesSignedUrls: StackValidationPolicy = {
  name: "rotation-outlives-signed-urls",
  description:
    "Rotation demotes the active key and later untrusts it; a URL signed just before that must still open. So the rotation " +
    "interval must exceed signer cache TTL + maximum URL lifetime + clock skew, and a schedule (EventBridge rule or Scheduler " +
    "schedule, enabled) must run the rotation function at least once per interval. A signer that keeps a stale key after failed " +
    "refreshes counts with its max staleness instead of its TTL. The pack reads the numbers (seconds) from tags on the rotation " +
    "function or its schedule (signed-hls-cdn:rotation-interval-seconds, signed-hls-cdn:signer-cache-ttl-seconds, " +
    "signed-hls-cdn:signer-max-stale-seconds, signed-hls-cdn:max-url-lifetime-seconds, signed-hls-cdn:clock-skew-seconds; " +
    "rotationTimingTags() in infra/policy/conventions.ts writes them), else from this policy's config; the interval defaults to " +
    `the schedule's rate(...) and the skew to ${DEFAULT_CLOCK_SKEW_SECONDS} s. ` +
    "Fix: lengthen the rotation interval or shorten the URL lifetime / cache TTL, and schedule the rotation function.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      rotationIntervalSeconds: { type: "number", minimum: 1, description: "Used when no tag states it." },
      signerCacheTtlSeconds: { type: "number", minimum: 0, description: "Used when no tag states it." },
      signerMaxStaleSeconds: {
        type: "number",
        minimum: 0,
        description: "Used when no tag states it; defaults to the cache TTL.",
      },
      maxUrlLifetimeSeconds: { type: "number", minimum: 1, description: "Used when no tag states it." },
      clockSkewSeconds: {
        type: "number",
        minimum: 0,
        description: `Used when no tag states it; default ${DEFAULT_CLOCK_SKEW_SECONDS}.`,
      },
      allowDisabledSchedule: {
        type: "boolean",
        default: false,
        description: "Accept a disabled rotation schedule (rotation by hand only).",
      },
      componentPatterns: COMPONENT_PATTERNS_SCHEMA,
    },
  },
  validateStack: (args, reportViolation) => {
    const config = configWithDefaults<RotationConfig>(args, {});
    const patterns = componentPatterns(config);
    const resources = args.resources as ResourceView[];
    const isRotation = (resource: ResourceView) => componentOf(resource, patterns) === "rotation";
    const functions = resources.filter(
      (resource) => resource.type === T.lambdaFunction && isRotation(resource),
    );
    if (functions.length === 0) {
      reportViolation(
        "the stack has no rotation function (a Lambda tagged or named as the rotation component).",
      );
      return;
    }
    const allSchedules = resources.filter(
      (resource) => resource.type === T.eventRule || resource.type === T.schedule,
    );
    const rotationSchedules = allSchedules.filter(isRotation);
    const schedules =
      rotationSchedules.length > 0 ? rotationSchedules : allSchedules.length === 1 ? allSchedules : [];
    const timing = timingFrom([...functions, ...schedules], config, reportViolation);
    const at = functions[0].urn;
    if (schedules.length === 0) {
      reportViolation(
        "no schedule runs the rotation function; add an EventBridge rule or Scheduler schedule (e.g. rate(1 day)).",
        at,
      );
    }
    const periods: number[] = [];
    for (const schedule of schedules) {
      const expression = knownOr(() => schedule.props.scheduleExpression, "(unknown)");
      if (typeof expression !== "string" || expression === "") {
        reportViolation(`schedule "${schedule.name}" has no scheduleExpression.`, schedule.urn);
        continue;
      }
      const disabled =
        knownOr(() => schedule.props.state, "ENABLED") === "DISABLED" ||
        knownOr(() => schedule.props.isEnabled, true) === false;
      if (disabled && config.allowDisabledSchedule !== true)
        reportViolation(`schedule "${schedule.name}" is disabled, so keys never rotate.`, schedule.urn);
      if (schedule.type === T.eventRule) {
        const targets = resources.filter(
          (resource) =>
            resource.type === T.eventTarget &&
            ((resource.propertyDependencies?.rule ?? []).some(
              (dependency) => dependency.urn === schedule.urn,
            ) ||
              knownOr(() => resource.props.rule, undefined) === knownOr(() => schedule.props.name, null) ||
              isRotation(resource)),
        );
        if (targets.length === 0)
          reportViolation(
            `schedule "${schedule.name}" has no EventTarget invoking the rotation function.`,
            schedule.urn,
          );
      }
      const period = ratePeriodSeconds(expression);
      if (period !== undefined) periods.push(period);
    }
    // A rotation scheduled at a fixed rate rotates (at most) that often.
    if (timing.rotationIntervalSeconds === undefined && periods.length > 0)
      timing.rotationIntervalSeconds = Math.min(...periods);
    const missing = (
      ["rotationIntervalSeconds", "signerCacheTtlSeconds", "maxUrlLifetimeSeconds"] as const
    ).filter((field) => timing[field] === undefined);
    if (missing.length > 0) {
      reportViolation(
        `cannot check the rotation invariant: ${missing.map((field) => ROTATION_TIMING_TAGS[field]).join(", ")} not stated; ` +
          "tag the rotation function with them or set them in this policy's config.",
        at,
      );
      return;
    }
    const interval = timing.rotationIntervalSeconds as number;
    const cacheTtl = timing.signerCacheTtlSeconds as number;
    const stated = {
      signerCacheTtlSeconds: cacheTtl,
      // Unstated, the stale maximum is the cache TTL: max(TTL, max stale) is then the TTL.
      signerMaxStaleSeconds: timing.signerMaxStaleSeconds ?? cacheTtl,
      maxUrlLifetimeSeconds: timing.maxUrlLifetimeSeconds as number,
      clockSkewSeconds: timing.clockSkewSeconds as number,
    };
    // The stack config and `npm start` refuse by the same rule (contract/rotation-window.ts).
    if (!rotationIntervalIsSafe(interval, stated)) {
      const keyAge = Math.max(stated.signerCacheTtlSeconds, stated.signerMaxStaleSeconds);
      const needed = minimumRotationIntervalSeconds(stated);
      reportViolation(
        `rotation interval ${span(interval)} is not longer than signer key age ${span(keyAge)} (cache TTL or max staleness) + ` +
          `maximum URL lifetime ${span(timing.maxUrlLifetimeSeconds as number)} + clock skew ${span(timing.clockSkewSeconds as number)} = ${span(needed)}; ` +
          "a key would be untrusted while URLs signed with it are still valid.",
        at,
      );
    }
    for (const period of periods) {
      if (period > interval)
        reportViolation(
          `the rotation schedule runs every ${span(period)}, less often than the ${span(interval)} rotation interval.`,
          at,
        );
    }
  },
};
