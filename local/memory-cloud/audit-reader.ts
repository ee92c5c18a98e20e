/** AuditReader over the in-memory model (the model of functions/rotation/aws/audit-reader.ts). */
import type { AuditEvent } from "../../functions/rotation/ports";
import type { AuditReader } from "../../functions/rotation/stack-status";
import type { InMemoryCloud } from "./cloud";

/** The audit events the model's own sink recorded (this process only: the persisted model keeps none). */
export function memoryAuditReader(cloud: InMemoryCloud): AuditReader {
  return { recent: async (limit: number): Promise<AuditEvent[]> => cloud.auditLog.slice(-limit) };
}
