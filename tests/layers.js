/**
 * The test layers a developer can run alone (`npm run test:<layer>`), by folder.
 * Together they hold every tests/**\/*.test.ts exactly once: tests/toolchain/layers.test.ts
 * checks it with mocha's own file lookup. `npm test` runs them all (.mocharc.js).
 */
const LAYERS = {
  // the pure core: contract facts, CloudFront signing, playlist rewriting, the log schema
  core: { folders: ["contract", "functions/cloudfront", "functions/hls", "functions/observability"] },
  // what runs in the Lambdas around the core: handlers, key cache, rotation and its adapters
  functions: {
    folders: ["functions"],
    except: ["functions/cloudfront", "functions/hls", "functions/observability"],
  },
  // the Pulumi program under mocks, its Lambda archives run in child processes
  infra: { folders: ["infra"], except: ["infra/policy"] },
  policy: { folders: ["infra/policy"] },
  // the local stack (npm start) in process
  local: { folders: ["local"] },
  // the command line, the application's signer client, the player plugins
  clients: { folders: ["cli", "client", "players"] },
  // Chromium players and ffmpeg against the local stack, and the sample script
  e2e: { folders: ["e2e"] },
  // the project's own tooling: these layers, the type-aware lint rules, scripts/ffmpeg-wasm
  toolchain: { folders: ["toolchain"] },
};

const ALL = { spec: ["tests/**/*.test.ts"], ignore: [] };

/** Mocha's spec and ignore globs for one layer, or for every test when no layer is named. */
function layerSpec(name) {
  if (name === undefined || name === "") return ALL;
  const layer = LAYERS[name];
  if (!layer) throw new Error(`TEST_LAYER=${name}: no such layer (${Object.keys(LAYERS).join(", ")})`);
  return {
    spec: layer.folders.map((folder) => `tests/${folder}/**/*.test.ts`),
    ignore: (layer.except ?? []).map((folder) => `tests/${folder}/**`),
  };
}

module.exports = { LAYERS, ALL, layerSpec };
