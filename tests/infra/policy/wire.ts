/**
 * Turns captured resources into the analyzer protocol messages the Pulumi
 * engine sends (pulumi/proto analyzer.proto), properties marshalled as the
 * engine marshals them: assets and archives with their signature keys,
 * unknowns as the engine's sentinel strings.
 */
import * as pulumi from "@pulumi/pulumi";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { CapturedResource } from "./runner";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
/** What the engine sends for a string output not known during preview. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A property value as JSON the engine would put in a protobuf Struct. */
export async function marshal(value: unknown): Promise<unknown> {
  if (pulumi.asset.Asset.isInstance(value)) {
    const asset = value as pulumi.asset.StringAsset & pulumi.asset.FileAsset;
    const text = await asset.text;
    const path = await asset.path;
    return {
      [SIG_KEY]: ASSET_SIG,
      ...(text !== undefined ? { text } : {}),
      ...(path !== undefined ? { path } : {}),
    };
  }
  if (pulumi.asset.Archive.isInstance(value)) {
    const assets = await (value as pulumi.asset.AssetArchive).assets;
    const marshalled: Record<string, unknown> = {};
    for (const [name, asset] of Object.entries(assets ?? {})) marshalled[name] = await marshal(asset);
    return { [SIG_KEY]: ARCHIVE_SIG, assets: marshalled };
  }
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map(marshal));
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      if (item !== undefined) result[key] = await marshal(item);
    return result;
  }
  return value;
}

async function struct(props: Record<string, unknown>): Promise<Struct> {
  return Struct.fromJavaScript((await marshal(props)) as Parameters<typeof Struct.fromJavaScript>[0]);
}

function resourceOptions(resource: CapturedResource): analyzer.AnalyzerResourceOptions {
  const options = new analyzer.AnalyzerResourceOptions();
  options.setProtect(false);
  options.setIgnorechangesList(resource.options.ignoreChanges ?? []);
  options.setAdditionalsecretoutputsList(resource.options.additionalSecretOutputs ?? []);
  if (resource.options.parent) options.setParent(resource.options.parent);
  return options;
}

async function providerMessage(
  resource: CapturedResource,
  all: CapturedResource[],
): Promise<analyzer.AnalyzerProviderResource | undefined> {
  const reference = resource.options.provider;
  const provider = reference
    ? all.find((candidate) => reference === candidate.urn || reference.startsWith(`${candidate.urn}::`))
    : undefined;
  if (!provider) return undefined;
  const message = new analyzer.AnalyzerProviderResource();
  message.setType(provider.type);
  message.setName(provider.name);
  message.setUrn(provider.urn);
  message.setProperties(await struct(provider.inputs));
  return message;
}

/** The request the engine sends for each resource before it is created or updated. */
export async function analyzeRequest(
  resource: CapturedResource,
  all: CapturedResource[],
): Promise<analyzer.AnalyzeRequest> {
  const request = new analyzer.AnalyzeRequest();
  request.setType(resource.type);
  request.setName(resource.name);
  request.setUrn(resource.urn);
  request.setProperties(await struct(resource.inputs));
  request.setOptions(resourceOptions(resource));
  const provider = await providerMessage(resource, all);
  if (provider) request.setProvider(provider);
  return request;
}

/** The request the engine sends once per stack, after the resources are known. */
export async function analyzeStackRequest(all: CapturedResource[]): Promise<analyzer.AnalyzeStackRequest> {
  const request = new analyzer.AnalyzeStackRequest();
  const resources: analyzer.AnalyzerResource[] = [];
  for (const resource of all) {
    const message = new analyzer.AnalyzerResource();
    message.setType(resource.type);
    message.setName(resource.name);
    message.setUrn(resource.urn);
    // AnalyzeStack carries each resource's outputs (inputs when nothing was deployed yet), never its id.
    message.setProperties(await struct(resource.state ?? resource.inputs));
    message.setOptions(resourceOptions(resource));
    if (resource.options.parent) message.setParent(resource.options.parent);
    const provider = await providerMessage(resource, all);
    if (provider) message.setProvider(provider);
    const dependencies = new Set<string>();
    for (const [key, urns] of Object.entries(resource.options.propertyDependencies ?? {})) {
      message
        .getPropertydependenciesMap()
        .set(key, new analyzer.AnalyzerPropertyDependencies().setUrnsList(urns));
      urns.forEach((urn) => dependencies.add(urn));
    }
    message.setDependenciesList([...dependencies]);
    resources.push(message);
  }
  request.setResourcesList(resources);
  return request;
}
