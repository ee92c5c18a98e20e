/**
 * How the policy pack recognises the parts of a signed-hls-cdn stack. The
 * Pulumi program may import these constants (this file imports nothing), so
 * the program and the pack agree on one spelling.
 */

/** The components whose permissions the pack tells apart. */
export type Component = "signer" | "edge" | "rotation";

/**
 * Tag key (on `aws:lambda/function:Function`, `aws:iam/role:Role`, schedules)
 * naming the component a resource belongs to. When absent, the pack falls back
 * to the resource's name, its parent's name and its ancestors' component
 * types, matched against {@link DEFAULT_COMPONENT_PATTERNS}.
 */
export const COMPONENT_TAG = "signed-hls-cdn:component";

/** Case-insensitive regular expressions tried in this order (rotation first: "rotation-signer-key" is rotation). */
export const DEFAULT_COMPONENT_PATTERNS: Readonly<Record<Component, string>> = {
  rotation: "rotat",
  edge: "edge|manifest",
  signer: "signer",
};

/**
 * Tags on the rotation function (or its schedule) that state the numbers the
 * rotation invariant is made of, in seconds. The stack policy
 * `rotation-outlives-signed-urls` reads them; pack config may supply them
 * instead (see README, "Policy pack").
 */
export const ROTATION_TIMING_TAGS = {
  rotationIntervalSeconds: "signed-hls-cdn:rotation-interval-seconds",
  signerCacheTtlSeconds: "signed-hls-cdn:signer-cache-ttl-seconds",
  /** How long a signer keeps serving its last good key when refreshes fail (optional; defaults to the cache TTL). */
  signerMaxStaleSeconds: "signed-hls-cdn:signer-max-stale-seconds",
  maxUrlLifetimeSeconds: "signed-hls-cdn:max-url-lifetime-seconds",
  clockSkewSeconds: "signed-hls-cdn:clock-skew-seconds",
} as const;

export type RotationTimingField = keyof typeof ROTATION_TIMING_TAGS;

/**
 * The tags to put on the rotation function so the pack can check the
 * rotation invariant, e.g. `tags: rotationTimingTags(config)`.
 */
export function rotationTimingTags(
  timing: Partial<Record<RotationTimingField, number>>,
): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const field of Object.keys(ROTATION_TIMING_TAGS) as RotationTimingField[]) {
    const value = timing[field];
    if (value !== undefined) tags[ROTATION_TIMING_TAGS[field]] = String(value);
  }
  return tags;
}

/**
 * Tag on the distribution marking a production stack (`"true"`), set from the
 * `production` stack config key. The policy `production-stacks-have-alarms`
 * then requires the stack's alarms and their SNS topics.
 */
export const PRODUCTION_TAG = "signed-hls-cdn:production";

/** The metrics a production stack must alarm on: namespace and metric name (infra/components/monitoring.ts). */
export const REQUIRED_PRODUCTION_ALARMS: readonly {
  readonly namespace: string;
  readonly metricName: string;
}[] = [
  { namespace: "SignedHlsCdn", metricName: "RotationRuns" },
  { namespace: "SignedHlsCdn", metricName: "ActiveKeyAgeSeconds" },
  { namespace: "AWS/Lambda", metricName: "Errors" },
  { namespace: "AWS/Lambda", metricName: "Throttles" },
  { namespace: "SignedHlsCdn", metricName: "EdgeServerErrors" },
  { namespace: "AWS/CloudFront", metricName: "LambdaExecutionError" },
  { namespace: "AWS/CloudFront", metricName: "LambdaValidationError" },
  { namespace: "AWS/CloudFront", metricName: "LambdaLimitExceededError" },
  { namespace: "AWS/CloudFront", metricName: "4xxErrorRate" },
  { namespace: "AWS/CloudFront", metricName: "5xxErrorRate" },
];

/**
 * Tag on the signer and manifest edge functions: `refused` when they refuse IP-bound grants
 * (the stack has IPv6 enabled), `allowed` otherwise. The policy `ipv6-without-ip-binding` reads it;
 * a function without it counts as allowing IP binding.
 */
export const IP_BINDING_TAG = "signed-hls-cdn:ip-binding";

export type IpBinding = "allowed" | "refused";
