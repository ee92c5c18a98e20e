/**
 * The in-memory cloud (tests and the local stack; never imported by functions/).
 * Per service like the AWS adapters in functions/rotation/aws/: cloudfront.ts,
 * ssm.ts, secrets.ts, public-keys.ts, audit-reader.ts; shared state in store.ts,
 * fault injection in faults.ts, wired together by InMemoryCloud (cloud.ts).
 */
export { InMemoryCloud } from "./cloud";
export type { MemoryCloudOptions, SeededStack } from "./cloud";
export { FaultInjector, SimulatedCrash, MUTATING_OPERATIONS, mulberry32 } from "./faults";
export type { MemoryOperation, ScriptedFault, CrashPlan } from "./faults";
export { memoryPublicKeyLister } from "./public-keys";
export { memoryAuditReader } from "./audit-reader";
