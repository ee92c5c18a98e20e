/**
 * runProgram: the Pulumi program of one stack under mocks, with everything it
 * registered. Each call runs in a child process (tests/infra/mock-program.ts):
 * Pulumi's runtime state is process-global, so two stacks in one process would
 * share config and resources. The policy-pack tests build on this too.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export type StackName = "dev" | "prod";

export interface CapturedResourceOptions {
  /** URN of the parent resource (the stack, or a component). */
  readonly parent?: string;
  /** `urn::id` reference of an explicit provider. */
  readonly provider?: string;
  readonly ignoreChanges?: string[];
  readonly retainOnDelete?: boolean;
  readonly protect?: boolean;
  readonly dependsOn?: string[];
  /** false for component resources. */
  readonly custom?: boolean;
}

export interface CapturedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Physical id the mocked provider assigned ("" for components). */
  readonly id: string;
  /** Inputs as the provider would receive them (Outputs resolved, assets as `{ kind, text | path | assets }`). */
  readonly inputs: Record<string, unknown>;
  /** State the mocked provider returned (inputs plus computed ids, ARNs, domain names). */
  readonly state: Record<string, unknown>;
  readonly options: CapturedResourceOptions;
}

export interface ProgramRun {
  readonly resources: CapturedResource[];
  /** Stack outputs, resolved. */
  readonly outputs: Record<string, unknown>;
  /** Names of the outputs Pulumi would store as secrets. */
  readonly secretOutputs: string[];
}

const ROOT = path.resolve(__dirname, "..", "..");
const RUNNER = path.join(__dirname, "mock-program.ts");

/**
 * Runs `Pulumi.<stack>.yaml` (plus overrides: `key` means `signed-hls-cdn:key`,
 * `aws:region` is taken as is, an empty value removes the key). Rejects with
 * the program's error text, e.g. a StackConfigError. Each caller gets its own
 * copy, free to mutate.
 */
export async function runProgram(
  stack: StackName,
  configOverrides: Record<string, string> = {},
): Promise<ProgramRun> {
  const key = JSON.stringify([stack, Object.entries(configOverrides).sort()]);
  if (!cache.has(key)) cache.set(key, runProgramOnce(stack, configOverrides));
  return structuredClone(await cache.get(key)!);
}

/** One program run per stack and overrides per test process (the program is deterministic under mocks). */
const cache = new Map<string, Promise<ProgramRun>>();

function runProgramOnce(stack: StackName, configOverrides: Record<string, string>): Promise<ProgramRun> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "signed-hls-cdn-mocks-"));
  const outputFile = path.join(directory, "run.json");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", RUNNER],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          HARNESS_STACK: stack,
          HARNESS_OUTPUT: outputFile,
          HARNESS_CONFIG_OVERRIDES: JSON.stringify(configOverrides),
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, _stdout, stderr) => {
        try {
          if (error || !fs.existsSync(outputFile)) {
            reject(
              new Error(
                `pulumi program (${stack}) failed: ${stderr.trim() || error?.message || "no output"}`,
              ),
            );
            return;
          }
          resolve(JSON.parse(fs.readFileSync(outputFile, "utf8")) as ProgramRun);
        } finally {
          fs.rmSync(directory, { recursive: true, force: true });
        }
      },
    );
  });
}

/** Resources of one type, e.g. `aws:cloudfront/keyGroup:KeyGroup`. */
export function ofType(run: ProgramRun, type: string): CapturedResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

/** The one resource of a type with a logical name; throws when absent or ambiguous. */
export function resourceNamed(run: ProgramRun, type: string, name: string): CapturedResource {
  const found = run.resources.filter((resource) => resource.type === type && resource.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
}
