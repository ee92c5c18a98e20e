/**
 * The metrics our own code emits (CloudWatch embedded metric format inside the
 * log line each component already writes) and the lines that carry them. One
 * catalogue: the Lambdas, the local stack, the alarms and the dashboard
 * (the monitoring component of the Pulumi program) all name metrics from here.
 *
 * Every metric carries the dimension `stack` (the stack's SSM parameter
 * prefix, e.g. `/cloudfront-signer/prod`: every Lambda already has it in its
 * closure, and Lambda@Edge has no environment variables). Outcome metrics also
 * carry a per-code dimension set (`error` / `outcome`) for the dashboard; the
 * alarms read the `stack`-only set.
 */
import type { KeyCacheEvent } from "../keys/cache";
import type { RotationRunResult } from "../rotation/runner";
import { emfFields, type MetricValue } from "./emf";
import { logLine } from "./log-line";

export const METRIC_NAMESPACE = "SignedHlsCdn";
export const STACK_DIMENSION = "stack";

export const EDGE_METRICS = {
  playlistsSigned: "PlaylistsSigned",
  urisSigned: "UrisSigned",
  /** Total; `UrisUntouched.<reason>` per reason (functions/hls UntouchedReason). */
  urisUntouched: "UrisUntouched",
  /**
   * URIs on an allowed host outside the playlist's policy (reason `out-of-scope`), on every signed
   * playlist (0 included): each is a 403 waiting for a player, the line's level is then `warn`.
   */
  urisOutOfScope: "UrisOutOfScope",
  /** Answers with a status >= 500 (origin, key or function trouble). */
  serverErrors: "EdgeServerErrors",
  /** Answers with a 4xx status, and requests passed through unsigned. */
  refusals: "EdgeRefusals",
  responseBytes: "ResponseBytes",
  /** Generated response size as a percentage of the trigger's limit. */
  responseLimitPercent: "ResponseLimitPercent",
} as const;

export const SIGNER_METRICS = {
  urls: "SignedUrls",
  cookies: "SignedCookies",
  /** 4xx answers: a request the signer refused (bad input, lifetime, host). */
  refusals: "SignerRefusals",
  /** 5xx answers: the key is unavailable or an internal error. */
  errors: "SignerErrors",
} as const;

export const ROTATION_METRICS = {
  /** One per run; dimension `outcome` = RotationOutcome. */
  runs: "RotationRuns",
  /** Age of the active key after the run, from the rotation state's activeSince. */
  activeKeyAge: "ActiveKeyAgeSeconds",
} as const;

/** The rotation-overdue alarm's and `doctor`'s margin (contract/defaults.ts). */
export { DEFAULT_OVERDUE_MARGIN_SECONDS } from "../../contract/defaults";

const STACK_ONLY = [[STACK_DIMENSION]] as const;

// ---------------------------------------------------------------- manifest edge

export interface EdgeLineContext {
  readonly stack: string;
  readonly requestId: string | null;
  readonly trigger: string;
  readonly uri?: string;
}

/** A playlist answered 200: what was signed, what was left untouched and why, and the size against the limit. */
export function edgeSignedLine(
  context: EdgeLineContext,
  outcome: {
    readonly urisSigned: number;
    readonly untouched: Readonly<Partial<Record<string, number>>>;
    /** Same-host URIs left out of the grant's scope: the count, and the first few as written. */
    readonly outOfScope?: { readonly count: number; readonly uris: readonly string[] };
    readonly bytes: number;
    readonly limitBytes: number;
    readonly gzip: boolean;
  },
  timestampMs: number,
): Record<string, unknown> {
  const outOfScope = outcome.outOfScope ?? { count: 0, uris: [] };
  const untouched = Object.entries(outcome.untouched).filter(
    (entry): entry is [string, number] => typeof entry[1] === "number" && entry[1] > 0,
  );
  const metrics: MetricValue[] = [
    { name: EDGE_METRICS.playlistsSigned, unit: "Count", value: 1 },
    { name: EDGE_METRICS.urisSigned, unit: "Count", value: outcome.urisSigned },
    {
      name: EDGE_METRICS.urisUntouched,
      unit: "Count",
      value: untouched.reduce((sum, [, count]) => sum + count, 0),
    },
    ...untouched.map(([reason, count]): MetricValue => ({
      name: `${EDGE_METRICS.urisUntouched}.${reason}`,
      unit: "Count",
      value: count,
    })),
    { name: EDGE_METRICS.urisOutOfScope, unit: "Count", value: outOfScope.count },
    { name: EDGE_METRICS.responseBytes, unit: "Bytes", value: outcome.bytes },
    {
      name: EDGE_METRICS.responseLimitPercent,
      unit: "Percent",
      value: Math.round((outcome.bytes / outcome.limitBytes) * 10000) / 100,
    },
  ];
  const warn = outOfScope.count > 0;
  return logLine(
    {
      level: warn ? "warn" : "info",
      component: "manifest-edge",
      requestId: context.requestId,
      event: "playlist-signed",
    },
    {
      trigger: context.trigger,
      uri: context.uri,
      status: 200,
      gzip: outcome.gzip,
      limitBytes: outcome.limitBytes,
      ...(warn
        ? {
            warning: "uris-out-of-scope",
            outOfScope: { count: outOfScope.count, uris: [...outOfScope.uris] },
          }
        : {}),
      ...emfFields({
        namespace: METRIC_NAMESPACE,
        timestampMs,
        dimensionSets: STACK_ONLY,
        dimensionValues: { [STACK_DIMENSION]: context.stack },
        metrics,
      }),
    },
  );
}

/**
 * An answer other than a signed playlist (or a request passed through): the
 * error code, its details, and one count under EdgeServerErrors (status >= 500)
 * or EdgeRefusals, per stack and per error code.
 */
export function edgeFailureLine(
  context: EdgeLineContext,
  failure: { readonly status?: number; readonly error: string; readonly level?: "warn" | "error" },
  details: object,
  timestampMs: number,
): Record<string, unknown> {
  const serverError = failure.status !== undefined && failure.status >= 500;
  const metrics: MetricValue[] = [
    { name: serverError ? EDGE_METRICS.serverErrors : EDGE_METRICS.refusals, unit: "Count", value: 1 },
  ];
  const bytes = (details as { bytes?: unknown }).bytes;
  if (typeof bytes === "number")
    metrics.push({ name: EDGE_METRICS.responseBytes, unit: "Bytes", value: bytes });
  return logLine(
    {
      level: failure.level ?? "error",
      component: "manifest-edge",
      requestId: context.requestId,
      event: "playlist-refused",
    },
    {
      trigger: context.trigger,
      uri: context.uri,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
      ...details,
      ...emfFields({
        namespace: METRIC_NAMESPACE,
        timestampMs,
        dimensionSets: [[STACK_DIMENSION], [STACK_DIMENSION, "error"]],
        dimensionValues: { [STACK_DIMENSION]: context.stack, error: failure.error },
        metrics,
      }),
    },
  );
}

// ---------------------------------------------------------------- signer

/** The outcome fields of a signer log entry (functions/handlers/sign/sign-log.ts). */
export interface SignerOutcome {
  readonly mode?: string;
  readonly status?: number;
  readonly error?: string;
}

/**
 * The end of the signer's hand-written log line (sign-log.ts writes the rest):
 * level, event, stack and the EMF members. A string, like the line itself, so
 * the per-signature cost stays a few concatenations; the directives are built
 * once per handler.
 */
export function signerLogTail(stack: string): (outcome: SignerOutcome, timestampMs: number) => string {
  const directive = (metric: string, perError: boolean) =>
    JSON.stringify({
      Namespace: METRIC_NAMESPACE,
      Dimensions: perError ? [[STACK_DIMENSION], [STACK_DIMENSION, "error"]] : [[STACK_DIMENSION]],
      Metrics: [{ Name: metric, Unit: "Count" }],
    });
  const stackMember = `,${JSON.stringify(STACK_DIMENSION)}:${JSON.stringify(stack)}`;
  const parts = {
    url: { metric: SIGNER_METRICS.urls, directive: directive(SIGNER_METRICS.urls, false) },
    cookies: { metric: SIGNER_METRICS.cookies, directive: directive(SIGNER_METRICS.cookies, false) },
    refusal: { metric: SIGNER_METRICS.refusals, directive: directive(SIGNER_METRICS.refusals, true) },
    error: { metric: SIGNER_METRICS.errors, directive: directive(SIGNER_METRICS.errors, true) },
  };
  return (outcome, timestampMs) => {
    const failed = outcome.error !== undefined || (outcome.status ?? 500) >= 400;
    const server = (outcome.status ?? 500) >= 500;
    const part = !failed
      ? outcome.mode === "cookies"
        ? parts.cookies
        : parts.url
      : server
        ? parts.error
        : parts.refusal;
    // A refusal without a code still needs the `error` dimension's root member.
    const errorMember = failed && outcome.error === undefined ? ',"error":"unknown"' : "";
    const level = !failed ? "info" : server ? "error" : "warn";
    return (
      `,"level":"${level}","event":"${failed ? "sign-refused" : "signed"}"${stackMember}${errorMember}` +
      `,"${part.metric}":1,"_aws":{"Timestamp":${Math.floor(timestampMs)},"CloudWatchMetrics":[${part.directive}]}`
    );
  };
}

// ---------------------------------------------------------------- rotation

/** The one summary line per rotation run: its outcome, counted per outcome, and the active key's age. */
export function rotationRunLine(
  context: { readonly stack: string; readonly requestId: string | null },
  result: Pick<RotationRunResult, "outcome" | "message" | "rotationId" | "step" | "stepsDone" | "notBefore">,
  activeKeyAgeSeconds: number | undefined,
  timestampMs: number,
): Record<string, unknown> {
  const metrics: MetricValue[] = [{ name: ROTATION_METRICS.runs, unit: "Count", value: 1 }];
  const level = result.outcome === "failed" ? "error" : result.outcome === "refused" ? "warn" : "info";
  const line = logLine(
    { level, component: "key-rotation", requestId: context.requestId, event: "rotation-run" },
    {
      summary: true,
      outcome: result.outcome,
      message: result.message,
      rotationId: result.rotationId,
      step: result.step,
      stepsDone: result.stepsDone,
      notBefore: result.notBefore,
      ...emfFields({
        namespace: METRIC_NAMESPACE,
        timestampMs,
        dimensionSets: [[STACK_DIMENSION], [STACK_DIMENSION, "outcome"]],
        dimensionValues: { [STACK_DIMENSION]: context.stack, outcome: result.outcome },
        metrics,
      }),
    },
  );
  if (activeKeyAgeSeconds === undefined) return line;
  // A second directive, stack-only: the age alarm must not depend on the outcome dimension.
  const aws = line._aws as { Timestamp: number; CloudWatchMetrics: unknown[] };
  return {
    ...line,
    [ROTATION_METRICS.activeKeyAge]: activeKeyAgeSeconds,
    _aws: {
      ...aws,
      CloudWatchMetrics: [
        ...aws.CloudWatchMetrics,
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [[STACK_DIMENSION]],
          Metrics: [{ Name: ROTATION_METRICS.activeKeyAge, Unit: "Seconds" }],
        },
      ],
    },
  };
}

// ---------------------------------------------------------------- key cache

/** A key cache event in the common schema (no metric: the signer's and edge's outcomes already count its failures). */
export function keyCacheLine(event: KeyCacheEvent): Record<string, unknown> {
  const { event: name, ...fields } = event;
  return logLine(
    { level: name === "key-loaded" ? "info" : "warn", component: "key-cache", requestId: null, event: name },
    fields,
  );
}
