/**
 * The test layers (tests/layers.js) partition the suite: every test file is in
 * exactly one layer, so `npm test` (every file) and the `test:<layer>` scripts
 * run the same tests, each once. Files are listed by mocha's own lookup.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(__dirname, "..", "..");
const { LAYERS, layerSpec } = require(join(ROOT, "tests", "layers.js")) as {
  LAYERS: Record<string, unknown>;
  layerSpec(name?: string): { spec: string[]; ignore: string[] };
};
const collectFiles = require("mocha/lib/cli/collect-files.cjs") as (options: {
  spec: string[];
  ignore: string[];
  extension: string[];
  file: string[];
  recursive: boolean;
  sort: boolean;
  allowEmpty: boolean;
}) => { files: string[] };

function filesOf(name?: string): string[] {
  const { spec, ignore } = layerSpec(name);
  const cwd = process.cwd();
  process.chdir(ROOT); // mocha resolves globs against the working folder
  try {
    const { files } = collectFiles({
      spec,
      ignore,
      extension: ["ts"],
      file: [],
      recursive: true,
      sort: true,
      allowEmpty: true,
    });
    return files.map((file) => relative(ROOT, file));
  } finally {
    process.chdir(cwd);
  }
}

describe("test layers", () => {
  const everything = filesOf();
  const layers = Object.keys(LAYERS);

  it("npm test runs a real suite", () => assert.ok(everything.length > 50, `${everything.length} files`));

  it("put every test file in exactly one layer", () => {
    const layersOf = new Map<string, string[]>(everything.map((file) => [file, []]));
    for (const layer of layers) {
      const files = filesOf(layer);
      assert.ok(files.length > 0, `layer ${layer} holds no test`);
      for (const file of files) {
        assert.ok(layersOf.has(file), `${file} (layer ${layer}) is not in the full run`);
        layersOf.get(file)?.push(layer);
      }
    }
    const misplaced = [...layersOf].filter(([, owners]) => owners.length !== 1);
    assert.deepEqual(
      misplaced.map(([file, owners]) => `${file}: ${owners.length ? owners.join(" and ") : "no layer"}`),
      [],
    );
  });

  it("have an npm script each, which runs that layer", () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    for (const layer of layers) assert.equal(scripts[`test:${layer}`], `TEST_LAYER=${layer} mocha`, layer);
  });

  it("refuse a layer name they do not know", () => {
    assert.throws(() => layerSpec("nope"), /TEST_LAYER=nope: no such layer/);
  });
});
