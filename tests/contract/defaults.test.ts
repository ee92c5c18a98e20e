/**
 * Issue 13 item 3: one value for every shared default. Each default of
 * contract/defaults.ts is checked against what every consumer actually falls
 * back on: the stack config (infra/config), the Lambdas' own config
 * resolvers (functions/keys, functions/rotation), the local stack
 * (local/options.ts, local/memory-cloud) and the command line (cli/).
 */
import assert from "node:assert/strict";
import * as defaults from "../../contract/defaults";
import { parsePrivateKey } from "../../functions/cloudfront/keys";
import { resolveKeySourceConfig } from "../../functions/keys/config";
import { parseKeySecret } from "../../functions/keys/secret-value";
import { resolveRotationConfig } from "../../functions/rotation/config";
import { CONFIG_DEFAULTS, validateStackConfig } from "../../infra/config";
import { policyNamed } from "../infra/policy/runner";
import { STACK_FLAGS } from "../../cli/commands/rotation-stack";
import { flagHelp } from "../../cli/flags";
import { defaultOptions, USAGE } from "../../local/options";
import { InMemoryCloud } from "../../local/memory-cloud";
import { MINIMAL_ROTATION } from "./support";

/** The help `rotate`, `revoke`, `status` and `doctor` print for the stack flags, generated from their declaration. */
const STACK_HELP = flagHelp(STACK_FLAGS);
const stack = validateStackConfig({ region: "eu-west-1" }, "dev");
const rotation = resolveRotationConfig(MINIMAL_ROTATION);
const keySource = resolveKeySourceConfig({ region: "eu-west-1", parameterPrefix: "/cloudfront-signer/dev" });

describe("contract/defaults: every consumer falls back on the one value", () => {
  it("key algorithm: ecdsa-p256 for the stack, the rotation, npm start, the in-memory cloud and the CLI", async () => {
    assert.equal(defaults.DEFAULT_KEY_ALGORITHM, "ecdsa-p256");
    assert.equal(stack.keyAlgorithm, defaults.DEFAULT_KEY_ALGORITHM, "infra/config (was rsa-2048)");
    assert.equal(CONFIG_DEFAULTS.keyAlgorithm, defaults.DEFAULT_KEY_ALGORITHM);
    assert.equal(rotation.keyAlgorithm, defaults.DEFAULT_KEY_ALGORITHM, "functions/rotation/config.ts");
    assert.equal(defaultOptions().keyAlgorithm, defaults.DEFAULT_KEY_ALGORITHM, "local/options.ts");
    assert.match(USAGE, /LOCAL_KEY_ALGORITHM \(ecdsa-p256\)/);
    assert.match(STACK_HELP, /--key-algorithm ALG .*\(default ecdsa-p256\)/, "cli rotate/revoke/status help");
    const cloud = new InMemoryCloud({});
    const seeded = cloud.seedStack({ parameterPrefix: "/cloudfront-signer/dev" });
    const secret = await cloud.secrets.getSecretValue(seeded.slots[0].secretArn);
    assert.ok(secret);
    const { privateKeyPem } = parseKeySecret(secret.value);
    assert.equal(
      parsePrivateKey(privateKeyPem).algorithm,
      defaults.DEFAULT_KEY_ALGORITHM,
      "local/memory-cloud",
    );
  });

  it("signer key cache TTL, stale maximum and clock skew: 300 / 900 / 300 everywhere, numbers and texts", () => {
    const expected = { ttl: 300, stale: 900, skew: 300 };
    assert.deepEqual(
      {
        ttl: defaults.DEFAULT_SIGNER_CACHE_TTL_SECONDS,
        stale: defaults.DEFAULT_SIGNER_MAX_STALE_SECONDS,
        skew: defaults.DEFAULT_CLOCK_SKEW_SECONDS,
      },
      expected,
    );
    for (const [where, values] of Object.entries({
      "infra/config": {
        ttl: stack.signerCacheTtlSeconds,
        stale: stack.signerMaxStaleSeconds,
        skew: stack.clockSkewSeconds,
      },
      "infra/config CONFIG_DEFAULTS (texts)": {
        ttl: Number(CONFIG_DEFAULTS.signerCacheTtlSeconds),
        stale: Number(CONFIG_DEFAULTS.signerMaxStaleSeconds),
        skew: Number(CONFIG_DEFAULTS.clockSkewSeconds),
      },
      "functions/rotation/config.ts": {
        ttl: rotation.signerCacheTtlSeconds,
        stale: rotation.signerMaxStaleSeconds,
        skew: rotation.clockSkewSeconds,
      },
      "functions/keys/config.ts (skew: not a key cache setting)": {
        ttl: keySource.cacheTtlSeconds,
        stale: keySource.maxStaleSeconds,
        skew: expected.skew,
      },
    })) {
      assert.deepEqual(values, expected, where);
    }
    for (const [flag, value] of [
      ["--signer-cache-ttl S", expected.ttl],
      ["--signer-max-stale S", expected.stale],
      ["--clock-skew S", expected.skew],
      ["--min-propagation S", defaults.DEFAULT_MIN_PROPAGATION_SECONDS],
      ["--interval-days N", defaults.DEFAULT_ROTATION_INTERVAL_DAYS],
    ] as const) {
      assert.match(STACK_HELP, new RegExp(`${flag} .*\\(default ${value}\\)`), `cli help ${flag}`);
    }
    const policy = policyNamed("rotation-outlives-signed-urls") as {
      configSchema?: { properties?: Record<string, { description?: string }> };
      description?: string;
    };
    assert.match(policy.configSchema?.properties?.clockSkewSeconds?.description ?? "", /default 300\./);
    assert.match(policy.description ?? "", /the skew to 300 s/);
  });

  it("rotation interval, propagation wait and lease: the stack's and the rotation Lambda's", () => {
    assert.equal(stack.rotationIntervalSeconds, defaults.DEFAULT_ROTATION_INTERVAL_DAYS * 86400);
    assert.equal(rotation.rotationIntervalDays, defaults.DEFAULT_ROTATION_INTERVAL_DAYS);
    assert.equal(rotation.minPropagationSeconds, defaults.DEFAULT_MIN_PROPAGATION_SECONDS);
    assert.equal(rotation.leaseSeconds, defaults.DEFAULT_ROTATION_LEASE_SECONDS);
  });

  it("hash algorithm, URL lifetimes, IP prefix, IPv6, edge trigger and overdue margin", () => {
    assert.equal(stack.hashAlgorithm, defaults.DEFAULT_HASH_ALGORITHM);
    assert.equal(keySource.hashAlgorithm, defaults.DEFAULT_HASH_ALGORITHM);
    assert.equal(stack.defaultUrlLifetimeSeconds, defaults.DEFAULT_URL_LIFETIME_SECONDS);
    assert.equal(stack.maxUrlLifetimeSeconds, defaults.DEFAULT_MAX_URL_LIFETIME_SECONDS);
    assert.equal(stack.minIpPrefixLength, defaults.DEFAULT_MIN_IP_PREFIX_LENGTH);
    assert.equal(stack.ipv6Enabled, defaults.DEFAULT_IPV6_ENABLED);
    assert.equal(defaultOptions().ipv6Enabled, defaults.DEFAULT_IPV6_ENABLED);
    assert.equal(stack.edgeTrigger, defaults.DEFAULT_EDGE_TRIGGER);
    assert.equal(defaultOptions().trigger, defaults.DEFAULT_EDGE_TRIGGER);
    assert.equal(
      stack.monitoring.thresholds.rotationOverdueMarginSeconds,
      defaults.DEFAULT_OVERDUE_MARGIN_SECONDS,
    );
  });
});
