/** The manifest edge's trusted public keys, read from the two key slot secrets (issue 11.3). */
import assert from "node:assert/strict";
import { generateKeyPair, Signer } from "../../../functions/cloudfront";
import { grantSignedByStack } from "../../../functions/handlers/manifest-edge/grant-verification";
import { createTrustedKeyProvider, formatKeySecret, type KeySourcePort } from "../../../functions/keys";
import { HOST } from "../../support/constants";

const URL_ = `https://${HOST}/vod/a/master._m3u8`;

function slots() {
  const secrets = new Map<string, string>();
  let reads = 0;
  let failing = false;
  const source: KeySourcePort = {
    readParameters: async () => new Map(),
    readSecret: async (id) => {
      reads++;
      if (failing) throw new Error("AccessDenied");
      const text = secrets.get(id);
      if (text === undefined) throw new Error(`no secret ${id}`);
      return text;
    },
  };
  return {
    secrets,
    source,
    reads: () => reads,
    fail: (value: boolean) => {
      failing = value;
    },
  };
}

describe("trusted keys from the key slots", () => {
  const a = generateKeyPair("rsa-2048");
  const b = generateKeyPair("ecdsa-p256");
  const c = generateKeyPair("ecdsa-p256");
  const signed = (pem: string, now: number) => {
    const url = new Signer({ keyPairId: "KNEW", privateKey: pem, now: () => now }).signUrl(URL_, {
      expires: now + 600,
    });
    return url;
  };

  it("trusts both slots (bare PEM or JSON), picks up a rotated key on recheck, serves stale keys, then fails", async () => {
    const store = slots();
    store.secrets.set("slot-0", a.privateKeyPem); // written at deploy: no key id
    store.secrets.set("slot-1", formatKeySecret({ keyPairId: "KBBBBBBBBB", privateKeyPem: b.privateKeyPem }));
    let now = 1_800_000_000;
    const trusted = createTrustedKeyProvider(
      { region: "us-east-1", parameterPrefix: "/p", cacheTtlSeconds: 300, maxStaleSeconds: 900 },
      ["slot-0", "slot-1"],
      { source: store.source, now: () => now },
    );
    const check = (url: string) => grantSignedByStack({ urls: [url], cookieHeader: undefined, trusted });
    assert.equal(await check(signed(a.privateKeyPem, now)), true);
    assert.equal(await check(signed(b.privateKeyPem, now)), true);
    assert.equal(store.reads(), 2, "one read per slot, then cached");

    // The rotation writes key C into slot 0; a grant signed with it arrives.
    store.secrets.set("slot-0", formatKeySecret({ keyPairId: "KCCCCCCCCC", privateKeyPem: c.privateKeyPem }));
    assert.equal(await check(signed(c.privateKeyPem, now)), true, "a rejection re-reads the keys at once");
    assert.equal(store.reads(), 4);
    const forged = signed(generateKeyPair("ecdsa-p256").privateKeyPem, now);
    assert.equal(await check(forged), false);
    assert.equal(
      await check(signed(a.privateKeyPem, now)),
      false,
      "the overwritten key is no longer trusted",
    );
    assert.equal(store.reads(), 4, "forged grants cannot make it re-read more than every 30 s");
    now += 31;
    assert.equal(await check(forged), false);
    assert.equal(store.reads(), 6, "one re-read per 30 s at most");

    store.fail(true);
    now += 600;
    assert.equal(await check(signed(b.privateKeyPem, now)), true, "stale keys served while reads fail");
    const readsWhileFailing = store.reads();
    assert.equal(await check(signed(b.privateKeyPem, now + 1)), true);
    assert.equal(store.reads(), readsWhileFailing, "no read again until the retry delay has passed");
    now += 400;
    await assert.rejects(trusted.getTrustedKeys(), /trusted keys unavailable: AccessDenied/);
  });
});
