import assert from "node:assert/strict";
import { CONFIG_DEFAULTS, validateStackConfig } from "../../infra/config";
import { FLAGS, OptionsError, USAGE, defaultOptions, parseOptions } from "../../local/options";

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
    assert.throws(
      () => parseOptions(["--asset-root-depth", "17"], {}),
      /--asset-root-depth \(the stack's assetRootDepth\)/,
    );
  });

  it("refuses a rotation period not longer than key max age + URL lifetime + clock skew", () => {
    assert.throws(
      () => parseOptions(["--rotate-every", "30"], {}),
      (error: Error) =>
        error instanceof OptionsError &&
        /rotate-every must exceed .* = 10 \+ 30 \+ 5 = 45 s/.test(error.message),
    );
    assert.throws(() => parseOptions(["--rotate-every", "45"], {}), /rotate-every must exceed/);
    assert.ok(parseOptions(["--rotate-every", "46"], {}));
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
      /--trigger \(the stack's edgeTrigger\): "viewer-response" is not one of viewer-request, origin-request/,
    );
    assert.throws(() => parseOptions(["--vod=1"], {}), /--vod takes no value/);
    assert.throws(() => parseOptions(["--bogus"], {}), /unknown option "--bogus"/);
    assert.throws(() => parseOptions(["--media"], {}), /--media needs a value/);
    assert.throws(() => parseOptions(["--key-cache-ttl", "20"], {}), /must be at least the key cache TTL/);
  });

  describe("accepts and refuses the boundary values a stack config does (issue 13)", () => {
    /** One setting: the npm start flag, the stack key, extra settings both need, a value accepted and one refused. */
    const rows: {
      flag: string;
      key: string;
      localExtra: string[];
      stackExtra: Record<string, string>;
      accepted: string;
      refused: string;
    }[] = [
      {
        flag: "--url-lifetime",
        key: "maxUrlLifetimeSeconds",
        localExtra: ["--rotate-every", "999999999"],
        stackExtra: { rotationInterval: "365d" },
        accepted: "604800",
        refused: "604801",
      },
      {
        flag: "--key-cache-ttl",
        key: "signerCacheTtlSeconds",
        localExtra: ["--key-max-stale", "86400", "--rotate-every", "999999999"],
        stackExtra: { signerMaxStaleSeconds: "86400", rotationInterval: "365d" },
        accepted: "86400",
        refused: "86401",
      },
      {
        flag: "--key-max-stale",
        key: "signerMaxStaleSeconds",
        localExtra: ["--rotate-every", "999999999"],
        stackExtra: { rotationInterval: "365d" },
        accepted: "86400",
        refused: "86401",
      },
      {
        flag: "--clock-skew",
        key: "clockSkewSeconds",
        localExtra: ["--rotate-every", "999999999"],
        stackExtra: {},
        accepted: "3600",
        refused: "3601",
      },
      {
        flag: "--trigger",
        key: "edgeTrigger",
        localExtra: [],
        stackExtra: {},
        accepted: "origin-request",
        refused: "origin-response",
      },
      {
        flag: "--key-algorithm",
        key: "keyAlgorithm",
        localExtra: [],
        stackExtra: {},
        accepted: "rsa-2048",
        refused: "rsa-4096",
      },
    ];
    const localAccepts = (row: (typeof rows)[number], value: string): boolean => {
      try {
        return parseOptions([row.flag, value, ...row.localExtra], {}) !== "help";
      } catch (error) {
        assert.ok(error instanceof OptionsError, String(error));
        return false;
      }
    };
    const stackAccepts = (row: (typeof rows)[number], value: string): boolean => {
      try {
        validateStackConfig({ region: "eu-west-1", ...row.stackExtra, [row.key]: value }, "dev");
        return true;
      } catch {
        return false;
      }
    };
    for (const row of rows) {
      it(`${row.flag} / ${row.key}: ${row.accepted} accepted, ${row.refused} refused, by both`, () => {
        assert.deepEqual(
          { local: localAccepts(row, row.accepted), stack: stackAccepts(row, row.accepted) },
          { local: true, stack: true },
        );
        assert.deepEqual(
          { local: localAccepts(row, row.refused), stack: stackAccepts(row, row.refused) },
          { local: false, stack: false },
        );
      });
    }
  });

  it("generates --help from the flag declarations: every flag, its variable and its default", () => {
    for (const flag of FLAGS) {
      const line = USAGE.split("\n").find(
        (text) => text.startsWith(`  ${flag.name} `) || text === `  ${flag.name}`,
      );
      assert.ok(line, flag.name);
      if (flag.env) assert.ok(line.includes(flag.env), `${flag.name} names ${flag.env}`);
    }
    assert.match(USAGE, /--rotate-every S .* LOCAL_ROTATE_EVERY \(60\)/);
    assert.match(USAGE, /defaults: 60 > 10 \+ 30 \+ 5/);
  });
});
