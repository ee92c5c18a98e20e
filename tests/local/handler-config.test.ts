/**
 * The local stack's handler configs against the deployed ones, built from the
 * same settings: field by field, the only differences allowed are the ones
 * listed here (and in local/handlers.ts, LOCAL_ROTATION_OVERRIDES), each with
 * its reason. The deployed side goes through infra/entrypoints.ts as the
 * Pulumi program does.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { resolveKeySourceConfig } from "../../functions/keys";
import { validateStackConfig } from "../../infra/config";
import { rotationConfig, signerConfig } from "../../infra/entrypoints";
import { manifestEdgeDeployConfig, withDistributionDomain } from "../../infra/handler-config";
import { LOCAL_DISTRIBUTION_DOMAIN, localHandlerConfigs, localHandlerSettings } from "../../local/handlers";
import { checkOptions, defaultOptions, type LocalStackOptions } from "../../local/options";
import { LOCAL_REGION, openLocalCloud } from "../../local/stores";

/** Every leaf of a JSON value by its path, e.g. `rotation.slots.0.keyGroupId`. */
function leaves(value: unknown, path = ""): Map<string, unknown> {
  const found = new Map<string, unknown>();
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      for (const [leaf, leafValue] of leaves(item, path ? `${path}.${key}` : key)) found.set(leaf, leafValue);
    }
  } else if (value !== undefined) {
    found.set(path, value);
  }
  return found;
}

/** Paths whose values differ (or exist on one side only), with both values. */
function differences(local: unknown, deployed: unknown): Record<string, [unknown, unknown]> {
  const ours = leaves(local);
  const theirs = leaves(deployed);
  const result: Record<string, [unknown, unknown]> = {};
  for (const path of new Set([...ours.keys(), ...theirs.keys()])) {
    if (ours.get(path) !== theirs.get(path)) result[path] = [ours.get(path), theirs.get(path)];
  }
  return result;
}

const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

describe("local stack handler configs: the deployed configs, from the same settings", () => {
  const variants: [string, Partial<LocalStackOptions>][] = [
    ["defaults", {}],
    [
      "origin-request, IPv6 on, RSA keys",
      { trigger: "origin-request", ipv6Enabled: true, keyAlgorithm: "rsa-2048" },
    ],
  ];
  for (const [label, overrides] of variants) {
    it(`${label}: only the documented local differences`, async () => {
      const options = checkOptions({ ...defaultOptions(), stateDir: undefined, ...overrides });
      const cloud = openLocalCloud({ ...options, deploymentDelaySeconds: 1 });
      const settings = localHandlerSettings(options, ["http://localhost:8400"]);
      const local = localHandlerConfigs(settings, cloud);

      const sign = await resolved(signerConfig(settings, pulumi.output(LOCAL_DISTRIBUTION_DOMAIN)));
      // What the deployed edge function completes its config with at cold start (the event's domain).
      const manifestEdge = withDistributionDomain(
        manifestEdgeDeployConfig(settings),
        LOCAL_DISTRIBUTION_DOMAIN,
      );
      const rotation = await resolved(
        rotationConfig(settings, {
          distributionId: pulumi.output(cloud.stack.distributionId),
          keyGroupIds: {
            active: pulumi.output(cloud.stack.slots[0].keyGroupId),
            inactive: pulumi.output(cloud.stack.slots[1].keyGroupId),
          },
          secretArns: {
            active: pulumi.output(cloud.stack.slots[0].secretArn),
            inactive: pulumi.output(cloud.stack.slots[1].secretArn),
          },
        }),
      );

      assert.deepEqual(differences(local.sign, sign), {});
      assert.deepEqual(differences(local.manifestEdge, manifestEdge), {});
      assert.deepEqual(differences(local.rotation, rotation), {
        // Key group changes "deploy" in about a second locally (deploymentDelaySeconds), not minutes.
        "rotation.minPropagationSeconds": [0, undefined],
        // Local runs take milliseconds; a short lease lets a restarted stack resume a killed run soon.
        "rotation.leaseSeconds": [30, 900],
      });
      // The persisted model's own copies (local/stores.ts) are the same configs.
      assert.deepEqual(cloud.rotationConfig, local.rotation.rotation);
      assert.deepEqual(
        resolveKeySourceConfig(cloud.keySourceConfig),
        resolveKeySourceConfig(local.sign.keySource),
      );
    });
  }

  it("fields the local stack has no option for take the stack's defaults; the region and prefix are local", () => {
    const options = checkOptions({ ...defaultOptions(), stateDir: undefined });
    const settings = localHandlerSettings(options, []);
    const stackDefaults = validateStackConfig({ region: LOCAL_REGION }, "local");
    for (const key of ["hashAlgorithm", "minIpPrefixLength", "edgeTimeoutSeconds"] as const) {
      assert.equal(settings[key], stackDefaults[key], key);
    }
    assert.equal(settings.region, LOCAL_REGION);
    assert.deepEqual(settings.aliases, []);
    assert.deepEqual(settings.extraAllowedHosts, []);
    // Local serves URL and cookie sessions side by side: a cookie-mode stack (CORS with credentials, SameSite=None).
    assert.equal(settings.cookieMode, true);
  });
});
