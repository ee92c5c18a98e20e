/**
 * Issue 10 item 9: what a cold start of the manifest edge waits for. The key
 * store is a gate the test opens one wave at a time, so the number of waves is
 * the number of key-store reads the call makes one after the other; the time
 * budget (maxFetchTimeoutMs) counts exactly that many at KEY_READ_TIMEOUT_MS.
 */
import assert from "node:assert/strict";
import { generateKeyPair, Signer } from "../../../../functions/cloudfront";
import {
  createActiveKeyProvider,
  createTrustedKeyProvider,
  formatKeySecret,
  parameterNames,
  type KeySourcePort,
} from "../../../../functions/keys";
import { SEQUENTIAL_KEY_READS } from "../../../../functions/handlers/manifest-edge/manifest-edge";
import { handlerServing, signedViewerEvent } from "../../../support/manifest-edge";
import { masterPlaylist } from "../../../support/playlists";

const HOST = "d111111abcdef8.cloudfront.net";
const PREFIX = "/cloudfront-signer/cold";
const KEY_ID = "K2JCJMDEHXQW5F";

/** A key store whose reads wait until the test opens the gate. */
class GatedSource implements KeySourcePort {
  readonly waiting: (() => void)[] = [];
  constructor(
    private readonly parameters: Record<string, string>,
    private readonly secrets: Record<string, string>,
  ) {}
  readParameters(names: readonly string[]): Promise<Map<string, string>> {
    return this.gate(() => new Map(names.map((name) => [name, this.parameters[name]])));
  }
  readSecret(secretId: string): Promise<string> {
    return this.gate(() => this.secrets[secretId]);
  }
  private gate<T>(answer: () => T): Promise<T> {
    return new Promise((resolve) => this.waiting.push(() => resolve(answer())));
  }
}

const settle = async () => {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
};

describe("manifest edge cold start: key-store reads in sequence", () => {
  it(`waits for ${SEQUENTIAL_KEY_READS} key-store reads one after the other (trusted keys alongside the active key)`, async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = generateKeyPair("ecdsa-p256");
    const active = generateKeyPair("ecdsa-p256");
    const signer = new Signer({ keyPairId: KEY_ID, privateKey: active.privateKeyPem });
    const names = parameterNames(PREFIX);
    const source = new GatedSource(
      { [names.activeKeyId]: KEY_ID, [names.activeSecretArn]: "slot-b" },
      {
        "slot-a": formatKeySecret({ keyPairId: "K1OTHERSLOTKEY", privateKeyPem: other.privateKeyPem }),
        "slot-b": formatKeySecret({ keyPairId: KEY_ID, privateKeyPem: active.privateKeyPem }),
      },
    );
    const keySource = { region: "us-east-1", parameterPrefix: PREFIX };
    const handler = handlerServing("viewer-request", masterPlaylist(2), {
      signer,
      publicKeyPem: active.publicKeyPem,
      now,
      host: HOST,
      providers: {
        keys: createActiveKeyProvider(keySource, { source, report: () => undefined }),
        trustedKeys: createTrustedKeyProvider(keySource, ["slot-a", "slot-b"], { source }),
      },
    });
    let settled = false;
    const call = handler(
      signedViewerEvent("viewer-request", `https://${HOST}/vod/a/master._m3u8`, { signer, now, gzip: false }),
    );
    void call.finally(() => (settled = true));
    let waves = 0;
    await settle();
    while (!settled && source.waiting.length > 0) {
      waves++;
      for (const open of source.waiting.splice(0)) open();
      await settle();
    }
    const response = await call;
    assert.equal("status" in response && response.status, "200", JSON.stringify(response));
    assert.equal(waves, SEQUENTIAL_KEY_READS, "key-store reads one after the other");

    // Warm: no key-store read at all.
    const warm = await handler(
      signedViewerEvent("viewer-request", `https://${HOST}/vod/a/master._m3u8`, { signer, now, gzip: false }),
    );
    assert.equal("status" in warm && warm.status, "200");
    assert.equal(source.waiting.length, 0);
  });
});
