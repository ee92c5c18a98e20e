/**
 * Runs dynamic-provider calls (infra/rotation-owned.ts) in order, in a fresh
 * process pointed at the AWS stub, as Pulumi's dynamic-provider host runs
 * them; resolves with their results, rejects with the first error's message.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import type { AwsStub } from "./aws-stub";

const ROOT = path.join(__dirname, "..", "..");
export const KEY_GROUP = "pulumi-nodejs:dynamic/signed-hls-cdn:SigningKeyGroup";
export const PARAMETER = "pulumi-nodejs:dynamic/signed-hls-cdn:RotationOwnedParameter";
const PROVIDERS: Record<string, string> = {
  [KEY_GROUP]: "signingKeyGroupProvider",
  [PARAMETER]: "rotationOwnedParameterProvider",
};

export interface ProviderCall {
  readonly type: string;
  readonly method: "create" | "diff" | "update" | "delete";
  readonly args: unknown[];
}

export async function inProviderHost(
  stub: AwsStub,
  calls: ProviderCall[],
  environment: Record<string, string> = {},
): Promise<unknown[]> {
  const script = [
    'const owned = require("./infra/rotation-owned.ts");',
    `const calls = ${JSON.stringify(calls.map((call) => ({ ...call, provider: PROVIDERS[call.type] })))};`,
    "(async () => { const results = [];",
    "  for (const call of calls) results.push((await owned[call.provider][call.method](...call.args)) ?? null);",
    "  process.stdout.write(JSON.stringify(results)); })()",
    "  .catch((error) => { process.stderr.write(String(error && error.message)); process.exit(1); });",
  ].join("\n");
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "-e", script],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", ...stub.environment(), ...environment },
        encoding: "utf8",
        timeout: 60000,
      },
    );
    return JSON.parse(stdout) as unknown[];
  } catch (error) {
    throw new Error((error as { stderr?: string }).stderr || String(error), { cause: error });
  }
}
