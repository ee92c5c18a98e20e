// The layers of docs/ARCHITECTURE.md as lint rules: what each folder may import.
// eslint.config.mjs applies them; tests/contract/layers.test.ts proves they fire.

const OUTSIDE_THE_LAMBDAS = {
  group: [
    "**/infra",
    "**/infra/**",
    "**/local",
    "**/local/**",
    "**/cli",
    "**/cli/**",
    "**/client/**",
    "**/tests/**",
    "**/bench/**",
  ],
  message:
    "functions/ is what runs in the Lambdas: it imports contract/ and its own modules, never infra/, local/, cli/, client/ or tests (docs/ARCHITECTURE.md).",
};
const NO_PULUMI = {
  group: ["@pulumi/*"],
  message: "functions/ runs in the Lambdas: Pulumi is deploy-time only (docs/ARCHITECTURE.md).",
};
const NO_AWS_SDK = {
  group: ["@aws-sdk/*", "@smithy/*"],
  message:
    "functions/cloudfront and functions/hls are the pure core: no AWS SDK; adapters live in functions/keys and functions/rotation/aws (docs/ARCHITECTURE.md).",
};
const ONLY_ITSELF = {
  // Anything but a file of this folder: no package, no parent folder, not even node: builtins.
  regex: "^(?!\\./[^/]+$)",
  message:
    "contract/ holds the facts every layer shares and imports nothing but its own files (docs/ARCHITECTURE.md).",
};
const NOT_DEPLOYED = {
  group: ["**/local", "**/local/**", "**/cli", "**/cli/**", "**/tests/**", "**/bench/**"],
  message:
    "infra/ is the Pulumi program: it imports contract/ and functions/, never the local stack, the CLI or tests (docs/ARCHITECTURE.md).",
};

const restrict = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

export const layers = [
  { name: "layers/functions", files: ["functions/**/*.ts"], rules: restrict(OUTSIDE_THE_LAMBDAS, NO_PULUMI) },
  {
    name: "layers/pure-core",
    files: ["functions/cloudfront/**/*.ts", "functions/hls/**/*.ts"],
    rules: restrict(OUTSIDE_THE_LAMBDAS, NO_PULUMI, NO_AWS_SDK),
  },
  { name: "layers/contract", files: ["contract/**/*.ts"], rules: restrict(ONLY_ITSELF) },
  { name: "layers/infra", files: ["infra/**/*.ts"], rules: restrict(NOT_DEPLOYED) },
];
