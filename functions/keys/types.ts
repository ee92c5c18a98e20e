/**
 * The contract between whatever signs (signer Lambda, manifest edge function,
 * local stack) and wherever the active key lives (SSM + Secrets Manager in
 * AWS, the in-memory model locally, a fixed key in tests).
 */
import type { Signer } from "../cloudfront/signer";

export interface ActiveKeyProvider {
  /** The signer for the currently active key, from cache when fresh. Rejects (fails closed) when no usable key is known. */
  getSigner(): Promise<Signer>;
}

/** Names of the SSM parameters under a stack's prefix: contract/parameter-names.ts. */
export { parameterNames } from "../../contract/parameter-names";
