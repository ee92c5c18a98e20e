/**
 * scripts/write-app-config.js over real stack outputs (the mocked program's),
 * piped in or read by running `pulumi` (a stand-in CLI on PATH).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runProgram, type ProgramRun } from "./harness";

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "write-app-config.js");

describe("infra scripts/write-app-config.js", function () {
  this.timeout(120000);
  let run: ProgramRun;
  let directory: string;

  before(async () => {
    run = await runProgram("dev");
  });
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "signed-hls-cdn-app-config-"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it("writes appConfig from `pulumi stack output --json` piped on stdin", () => {
    const out = path.join(directory, "app-config.json");
    const result = spawnSync(process.execPath, [SCRIPT, "--out", out], {
      input: JSON.stringify(run.outputs),
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(out, "utf8")), run.outputs.appConfig);
    assert.match(
      result.stdout,
      /wrote .*app-config\.json \(stack dev, distribution d[0-9a-f]+\.cloudfront\.net\)/,
    );
  });

  it("runs `pulumi stack output --json --stack NAME` itself when nothing is piped", () => {
    const bin = path.join(directory, "bin");
    fs.mkdirSync(bin);
    const outputsFile = path.join(directory, "outputs.json");
    const argsFile = path.join(directory, "args.txt");
    fs.writeFileSync(outputsFile, JSON.stringify(run.outputs));
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      `#!/bin/sh\necho "$@" > "${argsFile}"\ncat "${outputsFile}"\n`,
      { mode: 0o755 },
    );
    const out = path.join(directory, "config.json");
    const result = spawnSync(process.execPath, [SCRIPT, "--stack", "dev", "--out", out], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(fs.readFileSync(argsFile, "utf8").trim(), "stack output --json --stack dev");
    assert.deepEqual(JSON.parse(fs.readFileSync(out, "utf8")), run.outputs.appConfig);
  });

  it("refuses input without an appConfig, or of another schema version, and writes nothing", () => {
    const out = path.join(directory, "app-config.json");
    const cases: [string, RegExp][] = [
      ["not json", /did not give JSON/],
      [JSON.stringify({ distributionId: "E1" }), /has no appConfig output/],
      [
        JSON.stringify({ appConfig: { ...(run.outputs.appConfig as object), schemaVersion: 2 } }),
        /schemaVersion 2 is not 1/,
      ],
    ];
    for (const [input, message] of cases) {
      const result = spawnSync(process.execPath, [SCRIPT, "--out", out], { input, encoding: "utf8" });
      assert.equal(result.status, 1);
      assert.match(result.stderr, message);
      assert.equal(fs.existsSync(out), false);
    }
    const bad = spawnSync(process.execPath, [SCRIPT, "--bogus"], { input: "{}", encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown argument "--bogus"/);
  });
});
