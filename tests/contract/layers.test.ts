/**
 * The layers of docs/ARCHITECTURE.md are lint rules (eslint.layers.mjs), so
 * breaking one fails `npm test`. Here each rule is shown to fire on a
 * deliberate bad import, and to let the allowed ones through, through the
 * project's own ESLint config.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ESLint } from "eslint";

const ROOT = join(__dirname, "..", "..");

const cases: Array<[file: string, specifier: string, refused: boolean]> = [
  ["functions/hls/probe.ts", "../../infra/config", true],
  ["functions/handlers/sign/probe.ts", "../../../infra/stack", true],
  ["functions/handlers/manifest-edge/probe.ts", "../../../local/stores", true],
  ["functions/rotation/probe.ts", "../../cli/main", true],
  ["functions/keys/probe.ts", "../../client/signer-client", true],
  ["functions/handlers/sign/probe.ts", "@pulumi/pulumi", true],
  ["functions/cloudfront/probe.ts", "@aws-sdk/client-ssm", true],
  ["functions/hls/probe.ts", "@smithy/signature-v4", true],
  ["functions/keys/probe.ts", "@aws-sdk/client-ssm", false],
  ["functions/hls/probe.ts", "../../contract/limits", false],
  ["functions/cloudfront/probe.ts", "node:crypto", false],
  ["contract/probe.ts", "./limits", false],
  ["contract/probe.ts", "../functions/hls", true],
  ["contract/probe.ts", "node:crypto", true],
  ["contract/probe.ts", "@pulumi/pulumi", true],
  ["infra/probe.ts", "../local/stack", true],
  ["infra/components/probe.ts", "../../cli/main", true],
  ["infra/probe.ts", "../functions/hls", false],
  ["infra/probe.ts", "../contract/behaviors", false],
];

describe("layers: the import rules are enforced by lint", function () {
  this.timeout(120_000);
  // The project's own config, minus type information: the probe files exist only as text, which
  // the TypeScript project service cannot open, and the layer rule reads import specifiers alone.
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: {
        "@typescript-eslint/no-floating-promises": "off",
        "@typescript-eslint/switch-exhaustiveness-check": "off",
      },
    },
  });

  for (const [file, specifier, refused] of cases) {
    it(`${file}: import from "${specifier}" is ${refused ? "refused" : "allowed"}`, async () => {
      const [result] = await eslint.lintText(`export * from ${JSON.stringify(specifier)};\n`, {
        filePath: join(ROOT, file),
      });
      const layerErrors = result.messages.filter((message) => message.ruleId === "no-restricted-imports");
      assert.equal(layerErrors.length, refused ? 1 : 0, JSON.stringify(result.messages));
      if (refused) assert.match(layerErrors[0].message, /docs\/ARCHITECTURE\.md/);
    });
  }

  it("no file under functions/ names infra/, and none imports Pulumi (what the rules keep true)", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/infra\/|@pulumi\//.test(readFileSync(path, "utf8"))) offenders.push(relative(ROOT, path));
      }
    };
    walk(join(ROOT, "functions"));
    assert.deepEqual(offenders, []);
  });
});
