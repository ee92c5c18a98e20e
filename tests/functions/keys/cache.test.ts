import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { verifyRequest } from "../../../functions/cloudfront/verifier";
import {
  createActiveKeyProvider,
  formatKeySecret,
  KeyUnavailableError,
  parameterNames,
  type KeyCacheEvent,
  type KeySourcePort,
} from "../../../functions/keys";

const PREFIX = "/cloudfront-signer/unit";
const names = parameterNames(PREFIX);

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** A scripted key source that counts round trips and can fail on demand. */
class CountingSource implements KeySourcePort {
  parameterReads = 0;
  secretReads = 0;
  failing = false;
  values = new Map<string, string>();
  secrets = new Map<string, string>();

  async readParameters(requested: readonly string[]): Promise<Map<string, string>> {
    this.parameterReads++;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failing) throw new Error("SSM unavailable");
    return new Map(
      requested.filter((name) => this.values.has(name)).map((name) => [name, this.values.get(name)!]),
    );
  }

  async readSecret(secretId: string): Promise<string> {
    this.secretReads++;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failing) throw new Error("Secrets Manager unavailable");
    const value = this.secrets.get(secretId);
    if (value === undefined) throw new Error(`no secret ${secretId}`);
    return value;
  }
}

function setup(secretFormat: "json" | "pem" = "json") {
  const pair = keyPair();
  const source = new CountingSource();
  source.values.set(names.activeKeyId, "K2JCJMDEHXQW5F");
  source.values.set(names.activeSecretArn, "arn:secret:a");
  source.secrets.set(
    "arn:secret:a",
    secretFormat === "json"
      ? formatKeySecret({ keyPairId: "K2JCJMDEHXQW5F", privateKeyPem: pair.privateKeyPem })
      : pair.privateKeyPem,
  );
  let now = 1_800_000_000;
  const events: KeyCacheEvent[] = [];
  const provider = createActiveKeyProvider(
    { region: "eu-west-1", parameterPrefix: PREFIX, cacheTtlSeconds: 300, maxStaleSeconds: 900 },
    { source, now: () => now, report: (event) => events.push(event) },
  );
  return { pair, source, provider, events, advance: (seconds: number) => (now += seconds), now: () => now };
}

describe("active key cache", () => {
  it("loads the key named by SSM and signs URLs CloudFront accepts", async () => {
    const { provider, pair, now } = setup();
    const signer = await provider.getSigner();
    assert.equal(signer.keyPairId, "K2JCJMDEHXQW5F");
    const url = signer.signUrl("https://d111.cloudfront.net/v/a.ts", { expires: now() + 60 });
    const result = verifyRequest({ url, now: now() }, new Map([["K2JCJMDEHXQW5F", pair.publicKeyPem]]));
    assert.equal(result.accepted, true);
  });

  it("makes one SSM and one Secrets Manager round trip per TTL under concurrent load", async () => {
    const { provider, source, advance } = setup();
    // One simulated hour, 50 concurrent callers every 10 seconds.
    for (let second = 0; second < 3600; second += 10) {
      const signers = await Promise.all(Array.from({ length: 50 }, () => provider.getSigner()));
      assert.ok(signers.every((signer) => signer === signers[0]));
      advance(10);
    }
    assert.equal(source.parameterReads, 12);
    assert.equal(source.secretReads, 12);
  });

  it("shares one in-flight load between callers arriving during it", async () => {
    const { provider, source } = setup();
    const all = await Promise.all(Array.from({ length: 200 }, () => provider.getSigner()));
    assert.equal(new Set(all).size, 1);
    assert.equal(source.parameterReads, 1);
    assert.equal(source.secretReads, 1);
  });

  it("keeps serving the last good key while refreshes fail, then fails closed past the maximum age", async () => {
    const { provider, source, advance, events } = setup();
    const first = await provider.getSigner();
    source.failing = true;
    advance(301);
    assert.equal(await provider.getSigner(), first, "stale key served after the TTL when the refresh fails");
    const readsAfterFailure = source.parameterReads;
    // Callers within the retry back-off do not hammer SSM.
    await Promise.all(Array.from({ length: 20 }, () => provider.getSigner()));
    assert.equal(source.parameterReads, readsAfterFailure);
    advance(598); // 899 s after the load
    assert.equal(await provider.getSigner(), first);
    advance(2); // 901 s
    await assert.rejects(provider.getSigner(), (error: unknown) => {
      assert.ok(error instanceof KeyUnavailableError);
      assert.match(error.message, /past the 900 s maximum/);
      assert.match(error.message, /unavailable/);
      return true;
    });
    assert.ok(
      events.some(
        (event) => event.event === "key-refresh-failed" && event.servingStaleKeyPairId === "K2JCJMDEHXQW5F",
      ),
    );
    source.failing = false;
    advance(31);
    assert.equal(
      (await provider.getSigner()).keyPairId,
      "K2JCJMDEHXQW5F",
      "recovers once the services answer",
    );
  });

  it("fails closed with a clear error when no key was ever loaded", async () => {
    const { provider, source } = setup();
    source.failing = true;
    await assert.rejects(provider.getSigner(), /no key has been loaded yet; last error: SSM unavailable/);
  });

  it("refuses a missing parameter or a malformed secret without quoting the secret", async () => {
    const { provider, source } = setup();
    source.secrets.set("arn:secret:a", '{"privateKeyPem":"not a pem but SECRETSTUFF"}');
    await assert.rejects(
      provider.getSigner(),
      (error: Error) => !error.message.includes("SECRETSTUFF") && /not PEM/.test(error.message),
    );
    const other = setup();
    other.source.values.delete(names.activeSecretArn);
    await assert.rejects(other.provider.getSigner(), /active-secret-arn is missing/);
  });

  it("trusts the key id inside the secret over the parameter during a half-written promotion", async () => {
    const { provider, source, events } = setup();
    source.values.set(names.activeKeyId, "KOLDKEYID00000");
    const signer = await provider.getSigner();
    assert.equal(signer.keyPairId, "K2JCJMDEHXQW5F");
    assert.ok(events.some((event) => event.event === "key-id-mismatch"));
  });

  it("takes the key id from SSM for a bare PEM secret", async () => {
    const { provider } = setup("pem");
    assert.equal((await provider.getSigner()).keyPairId, "K2JCJMDEHXQW5F");
  });

  it("picks up a promoted key after the TTL, not before", async () => {
    const { provider, source, advance } = setup();
    assert.equal((await provider.getSigner()).keyPairId, "K2JCJMDEHXQW5F");
    const next = keyPair();
    source.secrets.set(
      "arn:secret:b",
      formatKeySecret({ keyPairId: "KNEWKEY0000001", privateKeyPem: next.privateKeyPem }),
    );
    source.values.set(names.activeSecretArn, "arn:secret:b");
    source.values.set(names.activeKeyId, "KNEWKEY0000001");
    advance(299);
    assert.equal((await provider.getSigner()).keyPairId, "K2JCJMDEHXQW5F");
    advance(1);
    assert.equal((await provider.getSigner()).keyPairId, "KNEWKEY0000001");
  });

  it("validates its configuration", () => {
    assert.throws(() => createActiveKeyProvider({ region: "nowhere", parameterPrefix: PREFIX }), /region/);
    assert.throws(
      () => createActiveKeyProvider({ region: "us-east-1", parameterPrefix: "relative" }),
      /parameterPrefix/,
    );
    assert.throws(
      () =>
        createActiveKeyProvider({
          region: "us-east-1",
          parameterPrefix: PREFIX,
          cacheTtlSeconds: 600,
          maxStaleSeconds: 60,
        }),
      /maxStaleSeconds/,
    );
    assert.throws(
      () => createActiveKeyProvider({ region: "us-east-1", parameterPrefix: PREFIX, cacheTtlSeconds: 0 }),
      /cacheTtlSeconds/,
    );
  });
});
