/**
 * The mapping from stack config to the handlers' own config types (pure,
 * infra/handler-config.ts). The factories themselves run in lambda-archives.test.ts.
 */
import assert from "node:assert/strict";
import { validateStackConfig } from "../../infra/config";
import { keySourceConfig, manifestEdgeDeployConfig, signHandlerConfig } from "../../infra/handler-config";

describe("infra handler-config: handler configs from the stack config", () => {
  const base = { region: "eu-west-1", maxUrlLifetimeSeconds: "7200", defaultUrlLifetimeSeconds: "600" };

  it("gives every signer the same key source", () => {
    const config = validateStackConfig(
      { ...base, signerCacheTtlSeconds: "60", hashAlgorithm: "sha256" },
      "dev",
    );
    assert.deepEqual(keySourceConfig(config), {
      region: "eu-west-1",
      parameterPrefix: "/cloudfront-signer/dev",
      cacheTtlSeconds: 60,
      maxStaleSeconds: 900,
      hashAlgorithm: "sha256",
    });
  });

  it("edge without aliases: the domain comes from the event; extra hosts are kept", () => {
    const edge = manifestEdgeDeployConfig(
      validateStackConfig({ ...base, allowedHosts: "cdn2.example.com" }, "dev"),
    );
    assert.equal(edge.distributionDomain, undefined);
    assert.deepEqual(edge.allowedHosts, ["cdn2.example.com"]);
    assert.deepEqual(edge.fetch, { mode: "distribution" });
    assert.equal(
      edge.fetchTimeoutMs,
      2000,
      "5 s viewer-request timeout minus the handler's 1 s CPU budget and two 1 s key reads",
    );
    assert.equal(edge.playlistLifetimeSeconds, 7200);
    assert.equal(manifestEdgeDeployConfig(validateStackConfig(base, "dev")).allowedHosts, undefined);
  });

  it("edge with aliases: signs for the first alias, allows every alias", () => {
    const edge = manifestEdgeDeployConfig(
      validateStackConfig(
        {
          ...base,
          aliases: "media.example.com,media-eu.example.com",
          certificateArn:
            "arn:aws:acm:us-east-1:123456789012:certificate/0b9d7c8e-5a4f-4e3d-9c2b-1a0f9e8d7c6b",
          edgeTrigger: "origin-request",
          edgeTimeoutSeconds: "10",
        },
        "prod",
      ),
    );
    assert.equal(edge.distributionDomain, "media.example.com");
    assert.deepEqual(edge.allowedHosts, ["media.example.com", "media-eu.example.com"]);
    assert.equal(edge.trigger, "origin-request");
    assert.equal(edge.fetchTimeoutMs, 7000);
  });

  it("ipv6Enabled: the signer and the edge refuse IP binding; by default neither does", () => {
    const read = (config: ReturnType<typeof validateStackConfig>) =>
      signHandlerConfig(config, "d111111abcdef8.cloudfront.net");
    const on = validateStackConfig({ ...base, ipv6Enabled: "true" }, "dev");
    const off = validateStackConfig(base, "dev");
    assert.equal(manifestEdgeDeployConfig(on).refuseIpBinding, true);
    assert.equal(manifestEdgeDeployConfig(off).refuseIpBinding, undefined);
    assert.equal(read(on).refuseIpBinding, true);
    assert.equal(read(off).refuseIpBinding, undefined);
  });

  it("edge CORS: the stack's corsOrigins, with credentials in cookie mode; none without origins", () => {
    const edge = manifestEdgeDeployConfig(
      validateStackConfig({ ...base, corsOrigins: "https://player.example.com", cookieMode: "true" }, "dev"),
    );
    assert.deepEqual(edge.cors, { origins: ["https://player.example.com"], allowCredentials: true });
    assert.equal(manifestEdgeDeployConfig(validateStackConfig(base, "dev")).cors, undefined);
  });
});
