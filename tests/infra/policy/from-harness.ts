/**
 * Adapts what tests/infra/harness.ts captures to what the analyzer hands the
 * pack: assets (captured as `{ kind, text | path | assets }`) become
 * pulumi.asset objects again and secrets are unwrapped, as @pulumi/policy
 * deserializes them.
 */
import * as pulumi from "@pulumi/pulumi";
import { runProgram, type ProgramRun, type StackName } from "../harness";
import type { CapturedResource } from "./runner";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (!isRecord(value)) return value;
  // Secrets reach a policy unwrapped (@pulumi/policy deserializes without keeping secretness).
  if (value[SIG_KEY] === SECRET_SIG) return revive(value.value);
  if (value.kind === "string-asset" && typeof value.text === "string")
    return new pulumi.asset.StringAsset(value.text);
  if (value.kind === "file-asset" && typeof value.path === "string")
    return new pulumi.asset.FileAsset(value.path);
  if (value.kind === "file-archive" && typeof value.path === "string")
    return new pulumi.asset.FileArchive(value.path);
  if (value.kind === "asset-archive" && isRecord(value.assets)) {
    const assets: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> = {};
    for (const [name, asset] of Object.entries(value.assets))
      assets[name] = revive(asset) as pulumi.asset.Asset;
    return new pulumi.asset.AssetArchive(assets);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(item)]));
}

export function fromHarness(run: ProgramRun): CapturedResource[] {
  return run.resources.map((resource) => ({
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    id: resource.id || undefined,
    inputs: revive(resource.inputs) as Record<string, unknown>,
    state: revive(resource.state) as Record<string, unknown>,
    options: {
      parent: resource.options.parent,
      provider: resource.options.provider,
      ignoreChanges: resource.options.ignoreChanges,
      retainOnDelete: resource.options.retainOnDelete,
    },
  }));
}

const runs = new Map<StackName, Promise<ProgramRun>>();

/** The mocked program's resources for a stack; each stack runs once per test process. */
export async function capturedStack(stack: StackName): Promise<CapturedResource[]> {
  if (!runs.has(stack)) runs.set(stack, runProgram(stack));
  return fromHarness(await (runs.get(stack) as Promise<ProgramRun>));
}
