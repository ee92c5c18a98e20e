/**
 * One run at a time, with nothing but SSM: the lease lives in the rotation
 * state parameter. SSM has no compare-and-swap, but every PutParameter returns
 * the version it wrote and versions go up by exactly one per write, so a run
 * that read version N and wrote version N+1 is the only writer after N: it
 * owns the lease. A run that gets any other version lost the race and stops
 * without writing again. A first run creates the parameter without Overwrite,
 * so of two first runs exactly one succeeds (the other gets ParameterAlreadyExists).
 */
import { isServiceError } from "./errors";
import type { ParameterStorePort } from "./ports";
import {
  emptyState,
  parseRotationState,
  serializeRotationState,
  type Lease,
  type RotationState,
} from "./state";

export type LeaseResult =
  | { readonly acquired: true; readonly state: RotationState; readonly version: number }
  | { readonly acquired: false; readonly reason: string; readonly holder?: Lease };

export async function readState(
  parameters: ParameterStorePort,
  name: string,
): Promise<{ state: RotationState; version: number } | undefined> {
  const found = (await parameters.getParameters([name])).get(name);
  return found ? { state: parseRotationState(found.value), version: found.version } : undefined;
}

export async function acquireLease(
  parameters: ParameterStorePort,
  name: string,
  owner: string,
  now: number,
  leaseSeconds: number,
): Promise<LeaseResult> {
  const lease: Lease = { owner, expiresAt: now + leaseSeconds };
  const existing = await readState(parameters, name);
  if (!existing) {
    const state = { ...emptyState(), lease };
    try {
      const written = await parameters.putParameter(name, serializeRotationState(state), {
        overwrite: false,
      });
      return { acquired: true, state, version: written.version };
    } catch (error) {
      if (isServiceError(error, "parameter-exists"))
        return { acquired: false, reason: "another run created the rotation state at the same moment" };
      throw error;
    }
  }
  const holder = existing.state.lease;
  if (holder && holder.owner !== owner && holder.expiresAt > now) {
    return {
      acquired: false,
      reason: `run ${holder.owner} holds the rotation lease until ${new Date(holder.expiresAt * 1000).toISOString()}`,
      holder,
    };
  }
  const state = { ...existing.state, lease };
  const written = await parameters.putParameter(name, serializeRotationState(state), { overwrite: true });
  if (written.version !== existing.version + 1) {
    return {
      acquired: false,
      reason: `another run wrote the rotation state at the same moment (read v${existing.version}, wrote v${written.version})`,
    };
  }
  return { acquired: true, state, version: written.version };
}
