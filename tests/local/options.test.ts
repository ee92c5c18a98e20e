import assert from "node:assert/strict";
import { CONFIG_DEFAULTS } from "../../infra/config";
import { OptionsError, defaultOptions, parseOptions } from "../../local/options";

describe("local stack options", () => {
  it("defaults satisfy the rotation safety window", () => {
    const options = parseOptions([], {});
    assert.notEqual(options, "help");
    assert.deepEqual(options, defaultOptions());
  });

  it("reads flags over environment variables", () => {
    const options = parseOptions(["--port", "9000", "--rotate-every=90", "--vod", "--no-state"], {
      LOCAL_PORT: "9100",
      LOCAL_URL_LIFETIME: "40",
    });
    assert.ok(options !== "help");
    assert.equal(options.port, 9000);
    assert.equal(options.rotateEverySeconds, 90);
    assert.equal(options.urlLifetimeSeconds, 40);
    assert.equal(options.live, false);
    assert.equal(options.stateDir, undefined);
    assert.equal(parseOptions(["--help"], {}), "help");
  });

  it("ipv6Enabled: the stack config's default, on with --ipv6 or LOCAL_IPV6=1", () => {
    assert.equal(String(defaultOptions().ipv6Enabled), CONFIG_DEFAULTS.ipv6Enabled);
    const flag = parseOptions(["--ipv6"], {});
    const env = parseOptions([], { LOCAL_IPV6: "1" });
    assert.ok(flag !== "help" && env !== "help");
    assert.equal(flag.ipv6Enabled, true);
    assert.equal(env.ipv6Enabled, true);
  });

  it("assetRootDepth: 1 for the committed sample (/show/ names an asset), from a flag or LOCAL_ASSET_ROOT_DEPTH", () => {
    assert.equal(defaultOptions().assetRootDepth, 1);
    const flag = parseOptions(["--asset-root-depth", "0"], {});
    const env = parseOptions([], { LOCAL_ASSET_ROOT_DEPTH: "2" });
    assert.ok(flag !== "help" && env !== "help");
    assert.equal(flag.assetRootDepth, 0);
    assert.equal(env.assetRootDepth, 2);
    assert.throws(() => parseOptions(["--asset-root-depth", "17"], {}), /asset root depth must be/);
  });

  it("refuses a rotation period shorter than key max age + URL lifetime + clock skew", () => {
    assert.throws(
      () => parseOptions(["--rotate-every", "30"], {}),
      (error: Error) =>
        error instanceof OptionsError &&
        /rotate-every must be >= .* = 10 \+ 30 \+ 5 = 45 s/.test(error.message),
    );
    assert.ok(
      parseOptions(
        [
          "--rotate-every",
          "8",
          "--url-lifetime",
          "4",
          "--key-cache-ttl",
          "1",
          "--key-max-stale",
          "2",
          "--clock-skew",
          "1",
        ],
        {},
      ),
    );
  });

  it("refuses bad values with the option's name", () => {
    assert.throws(() => parseOptions(["--port", "80"], {}), /port must be 0 or 1024-65532/);
    assert.throws(() => parseOptions(["--port", "x"], {}), /--port must be a whole number/);
    assert.throws(
      () => parseOptions([], { LOCAL_ROTATE_EVERY: "-5" }),
      /LOCAL_ROTATE_EVERY must be a whole number/,
    );
    assert.throws(
      () => parseOptions(["--trigger", "viewer-response"], {}),
      /viewer-request or origin-request/,
    );
    assert.throws(() => parseOptions(["--bogus"], {}), /unknown option "--bogus"/);
    assert.throws(() => parseOptions(["--media"], {}), /--media needs a value/);
    assert.throws(() => parseOptions(["--key-cache-ttl", "20"], {}), /must be at least the key cache TTL/);
  });
});
