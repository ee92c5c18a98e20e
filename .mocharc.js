// Every test, or the one layer TEST_LAYER names (tests/layers.js; npm run test:<layer>).
const { layerSpec } = require("./tests/layers");

module.exports = {
  require: ["ts-node/register/transpile-only"],
  extension: ["ts"],
  timeout: 20000,
  recursive: true,
  ...layerSpec(process.env.TEST_LAYER),
};
