/**
 * The rotation Lambda: on an EventBridge schedule (advances the rotation as
 * far as it can, then exits; the next run continues) and by hand with
 * `{ "force": true }` (rotate before the interval, never past the safety
 * rules) or `{ "dryRun": true }` (print the plan, change nothing).
 */
import { runRotation, type RotationConfig, type RotationPorts, type RotationRunResult } from "../../rotation";
import { awsRotationPorts } from "../../rotation/aws";
import { RotationRefusedError } from "../../rotation/errors";
import { storedActiveKeyAge } from "../../rotation/stack-status";
import { rotationRunLine } from "../../observability/metrics";

/** Stack configuration of the rotation (plain JSON, captured in the Lambda closure). */
export interface RotationHandlerConfig {
  /** Region of the SSM parameters and secrets (CloudFront is global). */
  readonly region: string;
  readonly rotation: RotationConfig;
}

/** A manual invocation's payload; a scheduled event (EventBridge) is treated as `{}`. */
export interface RotationRequest {
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

export interface RotationHandlerDeps {
  /** Ports to run against; default AWS in `config.region`. */
  readonly ports?: RotationPorts;
  /** Where the one summary line per run (schema + metrics, functions/observability) goes; default a JSON line on stdout. */
  readonly log?: (line: object) => void;
}

export function createRotationHandler(config: RotationHandlerConfig, deps: RotationHandlerDeps = {}) {
  let ports = deps.ports;
  const log = deps.log ?? ((line: object) => console.log(JSON.stringify(line)));
  return async function rotationHandler(
    event: unknown,
    context?: { readonly awsRequestId?: string },
  ): Promise<RotationRunResult> {
    const request = parseRequest(event);
    ports ??= awsRotationPorts(config.region);
    const result = await runRotation(ports, config.rotation, request);
    // The age after every run, whatever its outcome: a rotation that stops advancing shows as a growing age.
    const now = ports.clock.now();
    const age = await storedActiveKeyAge(ports.parameters, config.rotation, now).catch(() => undefined);
    log(
      rotationRunLine(
        { stack: config.rotation.parameterPrefix, requestId: context?.awsRequestId ?? null },
        result,
        age,
        now * 1000,
      ),
    );
    // A refusal or failure fails the invocation, so schedules alarm on it; "busy" and waiting are normal.
    if (result.outcome === "refused") throw new RotationRefusedError(result.message, result.notBefore);
    if (result.outcome === "failed")
      throw new Error(
        `rotation failed${result.retryable ? " (transient; the next run retries)" : ""}: ${result.message}`,
      );
    return result;
  };
}

function parseRequest(event: unknown): RotationRequest {
  if (event === null || event === undefined || typeof event !== "object" || Array.isArray(event)) return {};
  const record = event as Record<string, unknown>;
  // EventBridge scheduled events carry "source"/"detail-type"; they never force.
  if (
    record["detail-type"] !== undefined ||
    record.source === "aws.events" ||
    record.source === "aws.scheduler"
  )
    return {};
  for (const key of ["force", "dryRun"]) {
    if (record[key] !== undefined && typeof record[key] !== "boolean")
      throw new Error(`rotation request: ${key} must be true or false`);
  }
  return { force: record.force === true, dryRun: record.dryRun === true };
}
