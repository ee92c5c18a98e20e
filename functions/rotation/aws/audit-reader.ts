/**
 * AuditReader over CloudWatch Logs: the rotation Lambda writes one JSON line
 * per audit event (consoleAuditSink, component "key-rotation", with a `type`);
 * this reads the newest back from its log group with FilterLogEvents and a
 * JSON filter pattern. Reads only.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { AuditEvent } from "../ports";
import type { AuditReader } from "../stack-status";

/** Matches audit lines only (run summaries and cache lines carry no `type`). */
export const AUDIT_FILTER_PATTERN =
  '{ $.component = "key-rotation" && ($.type = "rotation" || $.type = "revocation") }';

export class AwsAuditReader implements AuditReader {
  private client: CloudWatchLogsClient | undefined;

  constructor(
    private readonly region: string,
    private readonly logGroupName: string,
    /** How far back to look, seconds. */
    private readonly windowSeconds = 14 * 86400,
  ) {}

  async recent(limit: number): Promise<AuditEvent[]> {
    this.client ??= new CloudWatchLogsClient({ region: this.region });
    const events: AuditEvent[] = [];
    let nextToken: string | undefined;
    const startTime = Date.now() - this.windowSeconds * 1000;
    do {
      const page = await this.client.send(
        new FilterLogEventsCommand({
          logGroupName: this.logGroupName,
          filterPattern: AUDIT_FILTER_PATTERN,
          startTime,
          nextToken,
        }),
      );
      for (const item of page.events ?? []) {
        const parsed = parseAuditLine(item.message ?? "");
        if (parsed) events.push(parsed);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return events.sort((a, b) => a.at - b.at).slice(-limit);
  }
}

/** An audit event from one log line, or undefined when the line is something else. */
export function parseAuditLine(message: string): AuditEvent | undefined {
  const start = message.indexOf("{");
  if (start < 0) return undefined;
  try {
    const line = JSON.parse(message.slice(start)) as Record<string, unknown>;
    if (line.component !== "key-rotation" || (line.type !== "rotation" && line.type !== "revocation"))
      return undefined;
    if (typeof line.at !== "number" || typeof line.step !== "string" || typeof line.outcome !== "string")
      return undefined;
    return line as unknown as AuditEvent;
  } catch {
    return undefined;
  }
}
