/**
 * The local stack's view of the metrics CloudWatch would extract: every log
 * line a handler writes goes through the same EMF reader (functions/
 * observability/emf.ts), and the sums per metric (stack-only dimension set)
 * are what the page and /api/status show as edge outcomes.
 */
import { extractMetrics } from "../functions/observability/emf";
import { STACK_DIMENSION } from "../functions/observability/metrics";

export interface MetricTotals {
  /** Adds the metrics of one log line (a line without `_aws` adds nothing; a malformed one throws). */
  record(line: unknown): void;
  /** Sum per metric name, e.g. `{ PlaylistsSigned: 12, UrisSigned: 180 }`, names sorted. */
  totals(): Record<string, number>;
}

export function createMetricTotals(): MetricTotals {
  const sums: Record<string, number> = {};
  return {
    record(line) {
      for (const metric of extractMetrics(line)) {
        // Each dimension set repeats the value: count the stack-only set once.
        const names = Object.keys(metric.dimensions);
        if (names.length !== 1 || names[0] !== STACK_DIMENSION) continue;
        sums[metric.name] = (sums[metric.name] ?? 0) + metric.value;
      }
    },
    totals: () => Object.fromEntries(Object.entries(sums).sort(([a], [b]) => a.localeCompare(b))),
  };
}
