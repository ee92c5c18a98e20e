/**
 * The one log line schema of every component (the three Lambdas and the key
 * cache): `level`, `component`, `requestId` (null when no request caused it),
 * `event`, then the component's own fields. One JSON object per line, so a
 * single CloudWatch Logs Insights query reads them all, e.g.
 * `fields level, component, requestId, event | filter level = "error"`.
 */

export type LogLevel = "info" | "warn" | "error";

/** Every component that writes log lines. The `component` field of a line is one of these. */
export const LOG_COMPONENTS = ["manifest-edge", "signer", "key-rotation", "key-cache"] as const;
export type LogComponent = (typeof LOG_COMPONENTS)[number];

export interface LogHeader {
  readonly level: LogLevel;
  readonly component: LogComponent;
  readonly requestId: string | null;
  readonly event: string;
}

/** A line: the four schema fields first, then `fields` (which cannot override them). */
export function logLine(header: LogHeader, fields: object = {}): Record<string, unknown> {
  return {
    level: header.level,
    component: header.component,
    requestId: header.requestId,
    event: header.event,
    ...withoutHeader(fields),
  };
}

function withoutHeader(fields: object): Record<string, unknown> {
  const {
    level: _level,
    component: _component,
    requestId: _requestId,
    event: _event,
    ...rest
  } = fields as Record<string, unknown>;
  return rest;
}

/** True when `value` is a line of this schema (used by tests and the local stack's log reader). */
export function isLogLine(value: unknown): value is LogHeader & Record<string, unknown> {
  if (!value || typeof value !== "object") return false;
  const line = value as Record<string, unknown>;
  return (
    (line.level === "info" || line.level === "warn" || line.level === "error") &&
    (LOG_COMPONENTS as readonly unknown[]).includes(line.component) &&
    (line.requestId === null || typeof line.requestId === "string") &&
    typeof line.event === "string"
  );
}
