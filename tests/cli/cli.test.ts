/** The signed-hls-cdn command, run as operators run it: spawning cli/bin.js. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "../../functions/cloudfront";
import { HOST } from "../support/constants";

const BIN = join(__dirname, "..", "..", "cli", "bin.js");
const URL_OK = `https://${HOST}/vod/asset1/seg-1.ts?lang=en`;
const EXPIRES = 1_900_000_000; // 2030-03-17: far enough ahead for the real clock
const NOW = "1800000000";

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: tmpdir() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("cli: signed-hls-cdn sign / verify", function () {
  this.timeout(60_000);
  let dir = "";
  const file = (name: string) => join(dir, name);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "cf-cli-"));
    for (const [name, algorithm] of [
      ["rsa", "rsa-2048"],
      ["ec", "ecdsa-p256"],
    ] as const) {
      const pair = generateKeyPair(algorithm);
      writeFileSync(file(`${name}.pem`), pair.privateKeyPem);
      writeFileSync(file(`${name}.pub.pem`), pair.publicKeyPem);
    }
    const p384 = generateKeyPairSync("ec", {
      namedCurve: "secp384r1",
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    writeFileSync(file("p384.pem"), p384.privateKey);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const signArgs = (key: string, ...extra: string[]) => [
    "sign",
    "--url",
    URL_OK,
    "--key-pair-id",
    "K2JCJMDEHXQW5F",
    "--private-key",
    file(key),
    "--expires",
    String(EXPIRES),
    ...extra,
  ];
  const verifyArgs = (key: string, ...extra: string[]) => [
    "verify",
    "--public-key",
    `K2JCJMDEHXQW5F=${file(key)}`,
    "--now",
    NOW,
    ...extra,
  ];

  for (const key of ["rsa", "ec"]) {
    it(`${key}: a canned signed URL is printed and verifies (exit 0)`, () => {
      const signed = cli(...signArgs(`${key}.pem`));
      assert.equal(signed.status, 0, signed.stderr);
      assert.equal(signed.stderr, "");
      const url = signed.stdout.trim();
      assert.ok(url.startsWith(`${URL_OK}&Expires=${EXPIRES}&Signature=`), url);
      const verified = cli(...verifyArgs(`${key}.pub.pem`, "--url", url));
      assert.equal(verified.status, 0, verified.stderr);
      assert.equal(verified.stdout, "accepted\n");
    });
  }

  it("a custom policy (ip, not-before, resource, sha256) verifies, and rejects another IP with exit 1", () => {
    const signed = cli(
      ...signArgs(
        "ec.pem",
        "--ip",
        "203.0.113.0/24",
        "--not-before",
        "1700000000",
        "--resource",
        `https://${HOST}/vod/asset1/*`,
        "--hash",
        "sha256",
      ),
    );
    assert.equal(signed.status, 0, signed.stderr);
    const url = signed.stdout.trim();
    assert.match(
      url,
      /&Policy=[A-Za-z0-9~_-]+&Signature=[A-Za-z0-9~_-]+&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256$/,
    );
    const ok = cli(...verifyArgs("ec.pub.pem", "--url", url, "--ip", "203.0.113.77", "--verbose"));
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^accepted\n/);
    assert.match(ok.stdout, /resource: +https:\/\/d111111abcdef8\.cloudfront\.net\/vod\/asset1\/\*/);
    const other = cli(...verifyArgs("ec.pub.pem", "--url", url, "--ip", "198.51.100.1"));
    assert.equal(other.status, 1);
    assert.match(
      other.stdout,
      /^rejected: the viewer IP 198\.51\.100\.1 is outside the policy's range 203\.0\.113\.0\/24\n$/,
    );
  });

  it("--cookies prints one Set-Cookie value per line, and the cookie header verifies", () => {
    const signed = cli(...signArgs("rsa.pem", "--cookies", "--cookie-domain", "cloudfront.net"));
    assert.equal(signed.status, 0, signed.stderr);
    const lines = signed.stdout.trim().split("\n");
    assert.deepEqual(
      lines.map((line) => line.slice(0, line.indexOf("="))),
      ["CloudFront-Expires", "CloudFront-Signature", "CloudFront-Key-Pair-Id"],
    );
    for (const line of lines)
      assert.match(line, /; Path=\/; Domain=cloudfront\.net; Secure; HttpOnly; SameSite=None$/);
    const header = lines.map((line) => line.slice(0, line.indexOf(";"))).join("; ");
    const verified = cli(...verifyArgs("rsa.pub.pem", "--url", URL_OK, "--cookie", header));
    assert.equal(verified.status, 0, verified.stdout);
    assert.equal(verified.stdout, "accepted\n");
  });

  it("verify explains an expiry, a wrong key and a tampered signature (exit 1)", () => {
    const url = cli(...signArgs("rsa.pem")).stdout.trim();
    const late = cli(
      ...verifyArgs("rsa.pub.pem", "--url", url).map((a) => (a === NOW ? String(EXPIRES) : a)),
    );
    assert.equal(late.status, 1);
    assert.match(late.stdout, /^rejected: expired at 2030-03-17T17:46:40Z/);
    const wrongKey = cli(...verifyArgs("ec.pub.pem", "--url", url));
    assert.equal(wrongKey.status, 1);
    assert.match(wrongKey.stdout, /^rejected: the signature does not match the canned policy/);
    const unknown = cli(
      "verify",
      "--public-key",
      `KOTHER=${file("rsa.pub.pem")}`,
      "--now",
      NOW,
      "--url",
      url,
    );
    assert.equal(unknown.status, 1);
    assert.match(
      unknown.stdout,
      /^rejected: key pair id "K2JCJMDEHXQW5F" is not in the trusted key groups \(trusted: KOTHER\)/,
    );
  });

  const usage: readonly (readonly [string, string[], RegExp])[] = [
    ["no command", [], /usage: signed-hls-cdn <command>/],
    ["unknown command", ["frobnicate"], /unknown command "frobnicate"/],
    [
      "missing --url",
      ["sign", "--key-pair-id", "K1", "--private-key", "x", "--ttl", "60"],
      /cannot read private key file x|--url is required/,
    ],
    ["unknown flag", ["sign", "--colour", "red"], /Unknown option '--colour'/],
    [
      "both --expires and --ttl",
      [
        "sign",
        "--url",
        URL_OK,
        "--key-pair-id",
        "K1",
        "--private-key",
        "/dev/null",
        "--expires",
        "1",
        "--ttl",
        "1",
      ],
      /exactly one of --expires/,
    ],
    ["verify without keys", ["verify", "--url", URL_OK], /--public-key ID=FILE is required/],
    [
      "verify with a malformed --public-key",
      ["verify", "--url", URL_OK, "--public-key", "K1"],
      /must be ID=FILE/,
    ],
    [
      "verify with a bad --now",
      ["verify", "--url", URL_OK, "--public-key", "K1=/dev/null", "--now", "soon"],
      /--now must be a whole number of seconds, got "soon"/,
    ],
  ];
  for (const [name, args, message] of usage) {
    it(`usage error: ${name} -> exit 2, message on stderr`, () => {
      const run = cli(...args);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, message);
    });
  }

  it("input the core refuses: exit 2 with the core's reason and no signature", () => {
    const p384 = cli(...signArgs("p384.pem"));
    assert.equal(p384.status, 2);
    assert.equal(p384.stdout, "");
    assert.match(p384.stderr, /P-384 \(secp384r1\): CloudFront accepts ECDSA P-256 only \[unsupported-key\]/);
    const publicAsPrivate = cli(...signArgs("rsa.pub.pem"));
    assert.equal(publicAsPrivate.status, 2);
    assert.match(publicAsPrivate.stderr, /signing needs the private key \[public-key\]/);
    const signedAlready = cli(
      ...signArgs("rsa.pem").map((a) => (a === URL_OK ? `${URL_OK}&Signature=x` : a)),
    );
    assert.equal(signedAlready.status, 2);
    assert.match(signedAlready.stderr, /already has a Signature parameter: .*\[already-signed\]/);
    const ipv6 = cli(...signArgs("rsa.pem", "--ip", "2001:db8::1"));
    assert.equal(ipv6.status, 2);
    assert.match(ipv6.stderr, /IPv4 addresses and CIDR blocks only \[ipv6-not-supported\]/);
    const badTrusted = cli("verify", "--url", URL_OK, "--public-key", `K1=${file("rsa.pem")}`);
    assert.equal(badTrusted.status, 2);
    assert.match(
      badTrusted.stderr,
      /public key K1 \(.*rsa\.pem\): this is a PRIVATE KEY: give the public key/,
    );
  });

  it("--help per command goes to stdout with exit 0", () => {
    for (const name of ["sign", "verify"]) {
      const run = cli(name, "--help");
      assert.equal(run.status, 0);
      assert.match(run.stdout, new RegExp(`^usage: signed-hls-cdn ${name} `));
      assert.match(run.stdout, /Exit codes:/);
    }
    const top = cli("--help");
    assert.equal(top.status, 0);
    assert.match(top.stdout, /sign +sign a URL/);
    assert.match(top.stdout, /verify +say whether CloudFront would accept/);
  });
});
