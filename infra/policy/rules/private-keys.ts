/**
 * Private keys live in Secrets Manager and, briefly, in a signer's memory;
 * never in Pulumi state, program text, plain parameters, Lambda environment
 * or Lambda code. Inputs are plain Pulumi state, so a PEM in one is a leak.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { findPrivateKeyPem } from "../pem";
import { T, isRecord } from "../resources";
import { configWithDefaults, isExempt, schemaWithExemptions } from "../support";

/** Inputs that are secret stores by design: Secrets Manager values, SSM SecureString values. */
function isSecretSink(type: string, props: Record<string, unknown>, key: string): boolean {
  if (type === "aws:secretsmanager/secretVersion:SecretVersion")
    return ["secretString", "secretBinary", "secretStringWo"].includes(key);
  if (type === T.ssmParameter) return props.type === "SecureString" && ["value", "valueWo"].includes(key);
  return false;
}

/** The raw object behind @pulumi/policy's unknown-checking proxy (whose promises cannot be awaited through it). */
function unwrapProxy(value: unknown): unknown {
  if (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>).__isSpecialProxy === true
  ) {
    return (value as Record<string, unknown>).__getSpecialProxyTarget;
  }
  return value;
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_DIRECTORY_FILES = 2000;

/** Text of a file asset or every file of a directory archive (zip/jar archives are compressed: not inspectable). */
function readLocalText(filePath: string, budget: { files: number }): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch {
    return [];
  }
  if (stat.isDirectory()) {
    const texts: string[] = [];
    for (const entry of fs.readdirSync(filePath)) {
      if (entry === "node_modules" || budget.files <= 0) continue;
      texts.push(...readLocalText(path.join(filePath, entry), budget));
    }
    return texts;
  }
  budget.files--;
  if (!stat.isFile() || stat.size > MAX_FILE_BYTES || /\.(zip|jar|gz)$/i.test(filePath)) return [];
  return [fs.readFileSync(filePath, "utf8")];
}

/** Yields [path, text] for every string reachable from an input value, assets and archives included. */
async function* strings(value: unknown, where: string, depth = 0): AsyncGenerator<[string, string]> {
  if (depth > 64) return;
  if (typeof value === "string") {
    yield [where, value];
  } else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      yield* strings(value[index], `${where}[${index}]`, depth + 1);
  } else if (isRecord(value)) {
    if (value.__pulumiAsset === true || value.__pulumiArchive === true) {
      const text = await value.text;
      if (typeof text === "string") yield [where, text];
      const assets = await value.assets;
      if (isRecord(assets)) {
        for (const [name, asset] of Object.entries(assets))
          yield* strings(asset, `${where}/${name}`, depth + 1);
      }
      const filePath = await value.path;
      if (typeof filePath === "string") {
        for (const text of readLocalText(filePath, { files: MAX_DIRECTORY_FILES }))
          yield [`${where} (${filePath})`, text];
      }
      return;
    }
    for (const [key, item] of Object.entries(value))
      yield* strings(item, where ? `${where}.${key}` : key, depth + 1);
  }
}

/** The first PEM private key among a resource's properties outside secret stores, as [property path, PEM label]. */
async function findPrivateKey(
  type: string,
  rawProps: Record<string, unknown>,
  secretProperties: ReadonlySet<string>,
): Promise<[string, string] | undefined> {
  const props = unwrapProxy(rawProps) as Record<string, unknown>;
  for (const [key, value] of Object.entries(props)) {
    if (isSecretSink(type, props, key) || secretProperties.has(key)) continue;
    for await (const [where, text] of strings(value, key)) {
      const label = findPrivateKeyPem(text);
      if (label) return [where, label];
    }
  }
  return undefined;
}

export const noPrivateKeyInPlainInputs: ResourceValidationPolicy = {
  name: "no-private-key-in-plain-inputs",
  description:
    "A PEM private key in a resource input is stored in Pulumi state and shown in diffs: plain inputs, SSM String/StringList " +
    "parameters, Lambda environment variables and Lambda code (the serialized callback) must not contain one. Only Secrets " +
    "Manager secret values and SSM SecureString values may. Fix: generate the key pair where the private key goes straight into " +
    "Secrets Manager (e.g. a dynamic resource that returns only the public key) and let functions read it at run time.",
  enforcementLevel: "mandatory",
  configSchema: schemaWithExemptions(),
  validateResource: async (args, reportViolation) => {
    const config = configWithDefaults<{ exemptResources: string[] }>(args, { exemptResources: [] });
    if (isExempt(args, config)) return;
    const found = await findPrivateKey(
      args.type,
      args.props,
      new Set(args.opts?.additionalSecretOutputs ?? []),
    );
    if (found)
      reportViolation(
        `input ${found[0]} contains a PEM "${found[1]}" block; private keys belong in Secrets Manager only.`,
      );
  },
};

export const noPrivateKeyInState: StackValidationPolicy = {
  name: "no-private-key-in-state",
  description:
    "What a resource returns is Pulumi state too: a dynamic provider (such as the one creating the first key pair) or any " +
    "resource whose outputs carry a PEM private key writes it into the state file and every backup of it. Only Secrets Manager " +
    "secret values and SSM SecureString values may hold one. Fix: return only the public key and the secret's ARN from the " +
    "resource that generates the pair; write the private key straight into Secrets Manager inside the provider.",
  enforcementLevel: "mandatory",
  configSchema: schemaWithExemptions(),
  validateStack: async (args, reportViolation) => {
    const config = configWithDefaults<{ exemptResources: string[] }>(args, { exemptResources: [] });
    for (const resource of args.resources) {
      if (isExempt(resource, config)) continue;
      const found = await findPrivateKey(
        resource.type,
        resource.props,
        new Set(resource.opts?.additionalSecretOutputs ?? []),
      );
      if (found) {
        reportViolation(
          `"${resource.name}" keeps a PEM "${found[1]}" block in its state (${found[0]}); private keys belong in Secrets Manager only.`,
          resource.urn,
        );
      }
    }
  },
};
