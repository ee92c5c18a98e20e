export { InMemoryCloud } from "./model";
export type { MemoryCloudOptions, SeededStack } from "./model";
export { FaultInjector, SimulatedCrash, MUTATING_OPERATIONS, mulberry32 } from "./faults";
export type { MemoryOperation, ScriptedFault, CrashPlan } from "./faults";
