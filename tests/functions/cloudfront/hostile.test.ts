/**
 * Hostile and mistaken inputs, one row each, with the error code each must
 * get. Every row must throw a SigningInputError (so no signature exists),
 * with a message in plain words that never contains key material.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import {
  parsePolicyJson,
  parsePrivateKey,
  parsePublicKey,
  Signer,
  SigningInputError,
  type SignOptions,
} from "../../../functions/cloudfront";
import { fixture, HOST, KEY_ID, NOW } from "./helpers";

const URL_OK = `https://${HOST}/vod/a/seg-1.ts`;
const E = NOW + 600;

type Row = readonly [name: string, run: () => unknown, code: string];

function signUrl(url: string, options: SignOptions = { expires: E }): () => unknown {
  return () => fixture("ecdsa-p256").signer.signUrl(url, options);
}

function withSigner(extra: object, call: (signer: Signer) => unknown): () => unknown {
  return () =>
    call(
      new Signer({
        keyPairId: KEY_ID,
        privateKey: fixture("ecdsa-p256").privateKeyPem,
        now: () => NOW,
        ...extra,
      }),
    );
}

function pem(type: "rsa" | "ec" | "ed25519", options: object): string {
  const pair = generateKeyPairSync(type as "rsa", {
    ...(options as { modulusLength: number }),
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return pair.privateKey;
}

const ROWS: readonly Row[] = [
  // URL shape
  ["ftp URL", signUrl(`ftp://${HOST}/a.ts`), "bad-scheme"],
  ["javascript: URL", signUrl("javascript:alert(1)"), "bad-scheme"],
  ["upper-case scheme", signUrl(`HTTPS://${HOST}/a.ts`), "bad-scheme"],
  ["empty URL", signUrl(""), "bad-url"],
  ["scheme only", signUrl("https://"), "bad-url"],
  ["URL is not a string", signUrl(42 as unknown as string), "bad-url"],
  ["over-long URL", signUrl(`https://${HOST}/${"a".repeat(9000)}`), "bad-url"],
  ["credentials in URL", signUrl(`https://user:pw@${HOST}/a.ts`), "bad-url"],
  ["fragment", signUrl(`${URL_OK}#t=10`), "has-fragment"],
  ["double quote (would break the policy JSON)", signUrl(`https://${HOST}/a".ts`), "bad-resource"],
  ["backslash", signUrl(`https://${HOST}/a\\b.ts`), "bad-resource"],
  ["space", signUrl(`https://${HOST}/a b.ts`), "bad-resource"],
  ["non-ASCII", signUrl(`https://${HOST}/vidéo.ts`), "bad-resource"],
  ["newline", signUrl(`${URL_OK}\n`), "bad-resource"],
  ["upper-case host", signUrl(`https://D111111ABCDEF8.cloudfront.net/a.ts`), "not-normalized"],
  ["dot segments", signUrl(`https://${HOST}/a/../b.ts`), "not-normalized"],
  ["no path", signUrl(`https://${HOST}`), "not-normalized"],
  ["default port written out", signUrl(`https://${HOST}:443/a.ts`), "not-normalized"],
  ["bare ? at the end", signUrl(`${URL_OK}?`), "not-normalized"],
  // Already signed
  ["Expires in the query", signUrl(`${URL_OK}?Expires=1`), "already-signed"],
  ["Policy in the query", signUrl(`${URL_OK}?x=1&Policy=abc`), "already-signed"],
  ["Signature in the query", signUrl(`${URL_OK}?Signature=`), "already-signed"],
  ["Key-Pair-Id in the query", signUrl(`${URL_OK}?Key-Pair-Id=K1`), "already-signed"],
  ["Hash-Algorithm in the query", signUrl(`${URL_OK}?Hash-Algorithm=SHA256`), "already-signed"],
  ["percent-encoded Expires", signUrl(`${URL_OK}?%45xpires=1`), "already-signed"],
  // Time
  ["expiry in the past", signUrl(URL_OK, { expires: NOW - 1 }), "expired"],
  ["expiry equal to now", signUrl(URL_OK, { expires: NOW }), "expired"],
  ["expiry beyond 2147483647", signUrl(URL_OK, { expires: 2147483648 }), "expiry-too-large"],
  ["fractional expiry", signUrl(URL_OK, { expires: E + 0.5 }), "bad-expiry"],
  ["NaN expiry", signUrl(URL_OK, { expires: Number.NaN }), "bad-expiry"],
  ["string expiry", signUrl(URL_OK, { expires: String(E) as unknown as number }), "bad-expiry"],
  ["negative expiry", signUrl(URL_OK, { expires: -1 }), "bad-expiry"],
  ["expiry in milliseconds", signUrl(URL_OK, { expires: E * 1000 }), "expiry-too-large"],
  ["not-before after expiry", signUrl(URL_OK, { expires: E, notBefore: E + 1 }), "not-before-after-expiry"],
  ["not-before equal to expiry", signUrl(URL_OK, { expires: E, notBefore: E }), "not-before-after-expiry"],
  ["fractional not-before", signUrl(URL_OK, { expires: E, notBefore: NOW + 0.5 }), "bad-not-before"],
  [
    "lifetime above the maximum",
    withSigner({ maxLifetimeSeconds: 3600 }, (s) => s.signUrl(URL_OK, { expires: NOW + 3601 })),
    "lifetime-too-long",
  ],
  // IP addresses
  ["IPv6 address", signUrl(URL_OK, { expires: E, ipAddress: "2001:db8::1" }), "ipv6-not-supported"],
  ["IPv6 CIDR", signUrl(URL_OK, { expires: E, ipAddress: "2001:db8::/32" }), "ipv6-not-supported"],
  ["IPv4-mapped IPv6", signUrl(URL_OK, { expires: E, ipAddress: "::ffff:192.0.2.1" }), "ipv6-not-supported"],
  ["octet above 255", signUrl(URL_OK, { expires: E, ipAddress: "256.1.1.1" }), "bad-ip"],
  ["three octets", signUrl(URL_OK, { expires: E, ipAddress: "192.0.2" }), "bad-ip"],
  ["leading zero (octal ambiguity)", signUrl(URL_OK, { expires: E, ipAddress: "010.0.0.1" }), "bad-ip"],
  ["prefix above 32", signUrl(URL_OK, { expires: E, ipAddress: "192.0.2.0/33" }), "bad-ip"],
  ["empty prefix", signUrl(URL_OK, { expires: E, ipAddress: "192.0.2.0/" }), "bad-ip"],
  ["two prefixes", signUrl(URL_OK, { expires: E, ipAddress: "192.0.2.0/24/8" }), "bad-ip"],
  ["leading space", signUrl(URL_OK, { expires: E, ipAddress: " 192.0.2.1" }), "bad-ip"],
  ["empty IP", signUrl(URL_OK, { expires: E, ipAddress: "" }), "bad-ip"],
  ["host name instead of IP", signUrl(URL_OK, { expires: E, ipAddress: "localhost" }), "bad-ip"],
  // Wildcard injection and resources
  [
    "folderOf with * in the folder",
    signUrl(URL_OK, { expires: E, resource: { folderOf: `https://${HOST}/vod/*/x.m3u8` } }),
    "wildcard-injection",
  ],
  [
    "folderOf with * in the host",
    signUrl(URL_OK, { expires: E, resource: { folderOf: `https://*.cloudfront.net/vod/a/x.m3u8` } }),
    "wildcard-injection",
  ],
  [
    "folderOf with * in a file name",
    signUrl(URL_OK, { expires: E, resource: { folderOf: `https://${HOST}/vod/a/*.m3u8` } }),
    "wildcard-injection",
  ],
  [
    "URL with * as a custom resource",
    signUrl(`https://${HOST}/vod/a/*`, { expires: E, notBefore: NOW }),
    "wildcard-injection",
  ],
  [
    "URL with a second ? as a custom resource",
    signUrl(`${URL_OK}?x=?`, { expires: E, ipAddress: "192.0.2.1" }),
    "wildcard-injection",
  ],
  ['pattern "*" (every URL)', signUrl(URL_OK, { expires: E, resource: { pattern: "*" } }), "bad-resource"],
  [
    "pattern without a path",
    signUrl(URL_OK, { expires: E, resource: { pattern: `https://${HOST}*` } }),
    "bad-resource",
  ],
  [
    "pattern with a quote",
    signUrl(URL_OK, { expires: E, resource: { pattern: `https://${HOST}/"*` } }),
    "bad-resource",
  ],
  [
    "pattern that does not cover the URL",
    signUrl(URL_OK, { expires: E, resource: { pattern: `https://${HOST}/other/*` } }),
    "resource-excludes-url",
  ],
  [
    "resource of the wrong shape",
    signUrl(URL_OK, { expires: E, resource: {} as { pattern: string } }),
    "bad-resource",
  ],
  // Host allow-list
  [
    "URL on a host the signer does not serve",
    withSigner({ allowedHosts: [HOST] }, (s) => s.signUrl("https://evil.example/a.ts", { expires: E })),
    "host-not-allowed",
  ],
  [
    "pattern on another host",
    withSigner({ allowedHosts: [HOST] }, (s) =>
      s.signUrl(URL_OK, { expires: E, resource: { pattern: "https://*/vod/*" } }),
    ),
    "host-not-allowed",
  ],
  [
    "signedQueryFor on another host",
    withSigner({ allowedHosts: [HOST] }, (s) =>
      s.signedQueryFor({ resource: "https://evil.example/*", dateLessThan: E }),
    ),
    "host-not-allowed",
  ],
  // Hash
  ["md5 hash", signUrl(URL_OK, { expires: E, hashAlgorithm: "md5" as "sha1" }), "bad-hash-algorithm"],
  [
    "upper-case SHA256",
    signUrl(URL_OK, { expires: E, hashAlgorithm: "SHA256" as "sha256" }),
    "bad-hash-algorithm",
  ],
  // Keys
  ["RSA-1024 key", () => parsePrivateKey(pem("rsa", { modulusLength: 1024 })), "unsupported-key"],
  ["RSA-3072 key", () => parsePrivateKey(pem("rsa", { modulusLength: 3072 })), "unsupported-key"],
  ["P-384 key", () => parsePrivateKey(pem("ec", { namedCurve: "secp384r1" })), "unsupported-key"],
  ["Ed25519 key", () => parsePrivateKey(pem("ed25519", {})), "unsupported-key"],
  ["public key given as private", () => parsePrivateKey(fixture("rsa-2048").publicKeyPem), "public-key"],
  ["private key given as public", () => parsePublicKey(fixture("rsa-2048").privateKeyPem), "private-key"],
  ["garbage key", () => parsePrivateKey("hello"), "bad-key"],
  [
    "damaged PEM",
    () => parsePrivateKey(fixture("rsa-2048").privateKeyPem.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!")),
    "bad-key",
  ],
  [
    "encrypted key",
    () =>
      parsePrivateKey(
        generateKeyPairSync("ec", {
          namedCurve: "prime256v1",
          privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "x" },
          publicKeyEncoding: { type: "spki", format: "pem" },
        }).privateKey,
      ),
    "encrypted-key",
  ],
  // Signer options
  ["key pair id with &", withSigner({ keyPairId: "K1&x=1" }, () => 0), "bad-key-pair-id"],
  ["empty key pair id", withSigner({ keyPairId: "" }, () => 0), "bad-key-pair-id"],
  ["empty host allow-list", withSigner({ allowedHosts: [] }, () => 0), "bad-option"],
  ["zero max lifetime", withSigner({ maxLifetimeSeconds: 0 }, () => 0), "bad-option"],
  [
    "missing sign options",
    () => fixture("ecdsa-p256").signer.signUrl(URL_OK, undefined as never),
    "bad-option",
  ],
  // Cookie attributes
  [
    "cookie Domain that does not cover the URL",
    () => fixture("ecdsa-p256").signer.signCookies(URL_OK, { expires: E }, { domain: "evil.example" }),
    "bad-cookie-attribute",
  ],
  [
    "cookie Path without /",
    () => fixture("ecdsa-p256").signer.signCookies(URL_OK, { expires: E }, { path: "vod" }),
    "bad-cookie-attribute",
  ],
  [
    "cookie Path with ;",
    () => fixture("ecdsa-p256").signer.signCookies(URL_OK, { expires: E }, { path: "/;Domain=evil" }),
    "bad-cookie-attribute",
  ],
  [
    "bad SameSite",
    () => fixture("ecdsa-p256").signer.signCookies(URL_OK, { expires: E }, { sameSite: "Bogus" as "Lax" }),
    "bad-cookie-attribute",
  ],
  // Policies presented by viewers
  ["policy that is not JSON", () => parsePolicyJson("{"), "bad-policy"],
  [
    "policy with two statements",
    () =>
      parsePolicyJson(
        JSON.stringify({
          Statement: [
            { Resource: URL_OK, Condition: { DateLessThan: { "AWS:EpochTime": E } } },
            { Resource: "*", Condition: { DateLessThan: { "AWS:EpochTime": E } } },
          ],
        }),
      ),
    "bad-policy",
  ],
  [
    "policy without Resource",
    () =>
      parsePolicyJson(
        JSON.stringify({ Statement: [{ Condition: { DateLessThan: { "AWS:EpochTime": E } } }] }),
      ),
    "bad-policy",
  ],
  [
    "policy with a quoted epoch",
    () =>
      parsePolicyJson(
        JSON.stringify({
          Statement: [{ Resource: URL_OK, Condition: { DateLessThan: { "AWS:EpochTime": `${E}` } } }],
        }),
      ),
    "bad-policy",
  ],
  [
    "policy with an unknown condition",
    () =>
      parsePolicyJson(
        JSON.stringify({
          Statement: [{ Resource: URL_OK, Condition: { DateLessThanEquals: { "AWS:EpochTime": E } } }],
        }),
      ),
    "bad-policy",
  ],
  [
    "policy bound to IPv6",
    () =>
      parsePolicyJson(
        JSON.stringify({
          Statement: [
            {
              Resource: URL_OK,
              Condition: {
                DateLessThan: { "AWS:EpochTime": E },
                IpAddress: { "AWS:SourceIp": "2001:db8::/32" },
              },
            },
          ],
        }),
      ),
    "bad-policy",
  ],
];

describe("cloudfront hostile inputs", () => {
  it("has at least 40 rows", () => {
    assert.ok(ROWS.length >= 40, `${ROWS.length} rows`);
  });

  const secrets = [fixture("ecdsa-p256").privateKeyPem, fixture("rsa-2048").privateKeyPem].map((p) =>
    p.split("\n")[1].slice(0, 24),
  );

  for (const [name, run, code] of ROWS) {
    it(`${name} -> ${code}`, () => {
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof SigningInputError, `expected SigningInputError, got ${String(error)}`);
        assert.equal(error.code, code, error.message);
        assert.ok(error.message.length > 10, "a message in plain words");
        for (const secret of secrets)
          assert.ok(!error.message.includes(secret), "no key material in messages");
        return true;
      });
    });
  }
});
