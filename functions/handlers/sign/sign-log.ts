/**
 * The signer's one structured log line per request: ids, what was asked and
 * what was granted, never key material or a signature.
 *
 * Written field by field rather than as JSON.stringify of an object grown
 * during the request: this runs on every signature, and the generic path cost
 * about 1.2 µs of the handler's overhead over a ~30 µs ECDSA signature
 * (bench/signer-handler.bench.ts). Strings still go through JSON.stringify, so
 * escaping is JSON's own; the output is exactly JSON.stringify of the fields
 * in this order.
 */
export interface SignLogEntry {
  requestId?: string;
  /** `invoke`, `function-url` or `refused`. */
  source: string;
  /**
   * The IAM principal a Function-URL-shaped event names. Unverified: a direct invoke can carry
   * any requestContext (see lambda-events.ts); CloudTrail's Invoke records name the real caller.
   */
  unverifiedCaller?: string;
  mode?: string;
  host?: string;
  /** Path without query. */
  path?: string;
  lifetimeSeconds?: number;
  ipBound?: boolean;
  notBefore?: number;
  keyPairId?: string;
  expires?: number;
  status?: number;
  durationMs?: number;
  /** Refusal code. */
  error?: string;
  /** What went wrong inside (an error name or a key-loading message), for refusals other than bad input. */
  detail?: string;
}

/** A JSON string literal: JSON.stringify only when something needs escaping (rare: ids and paths are plain). */
function quoted(text: string): string {
  return NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : `"${text}"`;
}
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPING = /["\\\u0000-\u001f\u007f-\uffff]/;

function number(value: number): string {
  return Number.isFinite(value) ? String(value) : "null";
}

/**
 * Exactly JSON.stringify of the entry's defined fields, `component` first, in the interface's order,
 * then `tail` (the schema fields and metrics of functions/observability/metrics.ts signerLogTail).
 */
export function formatSignLog(entry: SignLogEntry, tail = ""): string {
  let line = '{"component":"signer"';
  if (entry.requestId !== undefined) line += `,"requestId":${quoted(entry.requestId)}`;
  line += `,"source":${quoted(entry.source)}`;
  if (entry.unverifiedCaller !== undefined) line += `,"unverifiedCaller":${quoted(entry.unverifiedCaller)}`;
  if (entry.mode !== undefined) line += `,"mode":${quoted(entry.mode)}`;
  if (entry.host !== undefined) line += `,"host":${quoted(entry.host)}`;
  if (entry.path !== undefined) line += `,"path":${quoted(entry.path)}`;
  if (entry.lifetimeSeconds !== undefined) line += `,"lifetimeSeconds":${number(entry.lifetimeSeconds)}`;
  if (entry.ipBound !== undefined) line += `,"ipBound":${entry.ipBound ? "true" : "false"}`;
  if (entry.notBefore !== undefined) line += `,"notBefore":${number(entry.notBefore)}`;
  if (entry.keyPairId !== undefined) line += `,"keyPairId":${quoted(entry.keyPairId)}`;
  if (entry.expires !== undefined) line += `,"expires":${number(entry.expires)}`;
  if (entry.status !== undefined) line += `,"status":${number(entry.status)}`;
  if (entry.durationMs !== undefined) line += `,"durationMs":${number(entry.durationMs)}`;
  if (entry.error !== undefined) line += `,"error":${quoted(entry.error)}`;
  if (entry.detail !== undefined) line += `,"detail":${quoted(entry.detail)}`;
  return line + tail + "}";
}
