/**
 * Runs a Lambda archive captured from the mocked program in a separate Node
 * process, as the Lambda runtime would: the archive's files are written to a
 * temporary folder, `__index.handler` is called with one event, and the
 * result comes back through a file (stdout is the function's log).
 *
 * The AWS SDK v3 the Lambda runtime provides comes from this repository's
 * node_modules (NODE_PATH); the archive itself ships no packages. AWS calls
 * go to tests/infra/aws-stub.ts through the SDK's own `AWS_ENDPOINT_URL`.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { deflateRawSync } from "node:zlib";

export interface LambdaArchive {
  readonly kind: "asset-archive";
  readonly assets: Record<string, { readonly kind: string; readonly text?: string; readonly path?: string }>;
}

export interface LambdaRun {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
  readonly log: string;
}

const ROOT = path.resolve(__dirname, "..", "..");

const INVOKER = `
const fs = require("node:fs");
const [, , eventFile, resultFile] = process.argv;
const done = (outcome) => fs.writeFileSync(resultFile, JSON.stringify(outcome));
(async () => {
  const entry = require("./__index.js");
  const event = JSON.parse(fs.readFileSync(eventFile, "utf8"));
  try {
    const result = await entry.handler(event, { awsRequestId: "infra-test-request", functionName: "infra-test" });
    done({ ok: true, result });
  } catch (error) {
    done({ ok: false, error: error && error.message ? error.message : String(error) });
  }
})();
`;

/** Writes the archive's files (string assets) into a fresh folder; returns it. */
export function unpackArchive(archive: LambdaArchive): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "signed-hls-cdn-lambda-"));
  for (const [name, asset] of Object.entries(archive.assets)) {
    if (asset.kind !== "string-asset" || asset.text === undefined) {
      throw new Error(`archive entry ${name} is a ${asset.kind}: only the serialized closure is expected`);
    }
    fs.mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    fs.writeFileSync(path.join(directory, name), asset.text);
  }
  fs.writeFileSync(path.join(directory, "invoke.js"), INVOKER);
  return directory;
}

/**
 * Compressed size of the archive as a zip would store it (raw deflate of
 * every file, level 9, plus zip's per-file headers and central directory).
 */
export function compressedArchiveBytes(archive: LambdaArchive): number {
  let total = 22; // end of central directory
  for (const [name, asset] of Object.entries(archive.assets)) {
    const data = Buffer.from(asset.text ?? "", "utf8");
    total += deflateRawSync(data, { level: 9 }).length + 30 + 46 + 2 * Buffer.byteLength(name);
  }
  return total;
}

export function invokeLambda(
  directory: string,
  event: unknown,
  environment: Record<string, string>,
  preload?: string,
): Promise<LambdaRun> {
  const eventFile = path.join(directory, `event-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  const resultFile = `${eventFile}.result`;
  fs.writeFileSync(eventFile, JSON.stringify(event));
  const args = [...(preload ? ["-r", preload] : []), "invoke.js", eventFile, resultFile];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: directory,
        // A clean environment, as in Lambda: nothing from the test process leaks in.
        env: {
          PATH: process.env.PATH ?? "",
          NODE_PATH: path.join(ROOT, "node_modules"),
          AWS_LAMBDA_FUNCTION_NAME: "infra-test",
          ...environment,
        },
        timeout: 60000,
      },
      (error, stdout, stderr) => {
        const log = `${stdout}${stderr}`;
        if (!fs.existsSync(resultFile)) {
          resolve({
            ok: false,
            error: `no result (${error?.message ?? "process ended"}): ${log.slice(0, 2000)}`,
            log,
          });
          return;
        }
        const outcome = JSON.parse(fs.readFileSync(resultFile, "utf8")) as {
          ok: boolean;
          result?: unknown;
          error?: string;
        };
        resolve({ ...outcome, log });
      },
    );
  });
}
