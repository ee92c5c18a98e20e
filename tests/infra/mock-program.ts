/**
 * Runs the Pulumi program once under mocks, in its own process, and writes
 * what it registered to a JSON file. Started by harness.ts: one process per
 * stack, because Pulumi's runtime state (config, stack resource, mocks) is
 * process-global and a second run in the same process would mix stacks.
 *
 * Mocks are installed BEFORE the program is imported (otherwise resources
 * register against a real engine address that does not exist), and the mock
 * monitor's registerResource is wrapped to record resource options
 * (parent, provider, ignoreChanges, retainOnDelete, protect, dependsOn),
 * which the Mocks interface never sees.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockNewResource } from "./mock-aws";

const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  deserializeProperties(struct: unknown): Record<string, unknown>;
  specialSigKey: string;
  specialSecretSig: string;
};

interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getIgnorechangesList(): string[];
  getRetainondelete(): boolean | undefined;
  hasProtect?(): boolean;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getCustom(): boolean;
  getObject(): unknown;
}

interface Captured {
  type: string;
  name: string;
  urn: string;
  id: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
  options: Record<string, unknown>;
}

const stack = process.env.HARNESS_STACK ?? "dev";
const outputFile = process.env.HARNESS_OUTPUT ?? "";
const overrides = JSON.parse(process.env.HARNESS_CONFIG_OVERRIDES ?? "{}") as Record<string, string>;
const root = path.resolve(__dirname, "..", "..");
const projectName = "signed-hls-cdn";

function stackConfig(): Record<string, string> {
  const yaml = require("js-yaml") as { load(text: string): unknown };
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const parsed = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.config ?? {})) config[key] = String(value);
  for (const [key, value] of Object.entries(overrides)) {
    const fullKey = key.includes(":") ? key : `${projectName}:${key}`;
    if (value === "") delete config[fullKey];
    else config[fullKey] = value;
  }
  return config;
}

const captured: Captured[] = [];

async function main(): Promise<void> {
  const config = stackConfig();
  const region = config["aws:region"] ?? "us-east-1";
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => mockNewResource(args, region),
      call: (args) => mockCall(args, region),
    },
    projectName,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(config);

  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): Record<string, unknown> };
  const monitor = settings.getMonitor() as {
    registerResource(
      req: RegisterResourceRequest,
      callback: (err: unknown, response: unknown) => void,
    ): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, response) => {
      if (!err && response) {
        const registered = response as { getUrn(): string; getId(): string; getObject(): unknown };
        const urn = registered.getUrn();
        const protect = req.hasProtect ? (req.hasProtect() ? req.getProtect() : undefined) : req.getProtect();
        captured.push({
          type: req.getType(),
          name: req.getName(),
          urn,
          id: registered.getId(),
          inputs: rpc.deserializeProperties(req.getObject()),
          state: registered.getObject() ? rpc.deserializeProperties(registered.getObject()) : {},
          options: {
            custom: req.getCustom(),
            parent: req.getParent() || undefined,
            provider: req.getProvider() || undefined,
            ignoreChanges: req.getIgnorechangesList(),
            retainOnDelete: req.getRetainondelete() ?? undefined,
            protect: protect ?? undefined,
            dependsOn: req.getDependenciesList(),
          },
        });
      }
      callback(err, response);
    });

  const program = require(path.join(root, "infra", "index.ts")) as Record<string, unknown>;

  let done = false;
  process.on("beforeExit", () => {
    if (done) return;
    done = true;
    void finish(program);
  });
}

async function plain(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return plain(await (value as unknown as { promise(): Promise<unknown> }).promise());
  }
  if (value instanceof pulumi.asset.StringAsset) return { kind: "string-asset", text: await value.text };
  if (value instanceof pulumi.asset.FileAsset) return { kind: "file-asset", path: await value.path };
  if (value instanceof pulumi.asset.FileArchive) return { kind: "file-archive", path: await value.path };
  if (value instanceof pulumi.asset.AssetArchive) {
    const assets = (await value.assets) as Record<string, unknown>;
    const entries: Record<string, unknown> = {};
    for (const [name, asset] of Object.entries(assets)) entries[name] = await plain(asset);
    return { kind: "asset-archive", assets: entries };
  }
  if (Array.isArray(value)) return Promise.all(value.map(plain));
  // A secret kept in its wire form by deserializeProperties: record the value itself.
  if (
    value &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig
  ) {
    return plain((value as { value: unknown }).value);
  }
  if (value && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = await plain(item);
    return result;
  }
  return value;
}

async function finish(program: Record<string, unknown>): Promise<void> {
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [name, value] of Object.entries(program)) {
    outputs[name] = await plain(value);
    if (
      pulumi.Output.isInstance(value) &&
      (await (value as unknown as { isSecret: Promise<boolean> }).isSecret)
    ) {
      secretOutputs.push(name);
    }
  }
  const resources = [];
  for (const record of captured) {
    resources.push({ ...record, inputs: await plain(record.inputs), state: await plain(record.state) });
  }
  fs.writeFileSync(outputFile, JSON.stringify({ resources, outputs, secretOutputs }));
}

process.on("unhandledRejection", (error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
