/**
 * Issue 15: `sign --cookies` with a wildcard URL. The cookies the command
 * prints are presented to the project's verifier for a file inside the
 * intended folder (accepted) and one outside (rejected); the same for the
 * README's cookie example, read from README.md itself.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "../../functions/cloudfront";
import { HOST } from "../support/constants";

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "cli", "bin.js");

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: tmpdir() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `Name=value` pairs of the printed Set-Cookie lines, as a browser sends them back. */
function cookieHeader(stdout: string): string {
  return stdout
    .trim()
    .split("\n")
    .map((line) => line.slice(0, line.indexOf(";")))
    .join("; ");
}

/** The README's `sign ... --cookies` example, continuation lines joined, split into arguments. */
function readmeCookieExample(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const commands = readme.replace(/\\\n\s*/g, " ").split("\n");
  const line = commands.find(
    (text) => text.startsWith("npx signed-hls-cdn sign") && text.includes("--cookies"),
  );
  assert.ok(line, "README has a `sign ... --cookies` example");
  return (line.match(/'[^']*'|\S+/g) ?? []).slice(2).map((arg) => arg.replace(/^'|'$/g, ""));
}

describe("cli sign: wildcards never reach a canned policy (issue 15)", function () {
  this.timeout(60_000);
  let dir = "";
  let key = "";
  let pub = "";

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "cf-wild-"));
    const pair = generateKeyPair("ecdsa-p256");
    key = join(dir, "ec.pem");
    pub = join(dir, "ec.pub.pem");
    writeFileSync(key, pair.privateKeyPem);
    writeFileSync(pub, pair.publicKeyPem);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const verify = (url: string, cookie: string, ...extra: string[]) =>
    cli("verify", "--public-key", `KC=${pub}`, "--url", url, "--cookie", cookie, ...extra);

  it("the issue's command (a * URL, --cookies, no --resource) is refused, naming --resource", () => {
    const run = cli(
      ...["sign", "--url", `https://${HOST}/hls/*`, "--key-pair-id", "KC", "--private-key", key],
      ...["--expires", "2000000000", "--cookies"],
    );
    assert.equal(run.status, 2, run.stdout);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /--resource 'https:\/\/d111111abcdef8\.cloudfront\.net\/hls\/\*'/);
    assert.match(run.stderr, /\[wildcard-in-canned-url\]/);
  });

  it("a canned signed URL with * or a second ? is refused too; a plain query is still signed", () => {
    const sign = (url: string) =>
      cli("sign", "--url", url, "--key-pair-id", "KC", "--private-key", key, "--ttl", "600");
    for (const url of [`https://${HOST}/hls/seg_*.ts`, `https://${HOST}/hls/seg.ts?a=1?`]) {
      const run = sign(url);
      assert.equal(run.status, 2, url);
      assert.match(run.stderr, /--resource 'https:\/\/d111111abcdef8\.cloudfront\.net\/hls\/\*'/);
    }
    assert.equal(sign(`https://${HOST}/hls/seg.ts?a=1`).status, 0);
  });

  it("the fix it names: cookies open a file inside the folder and nothing outside", () => {
    const signed = cli(
      ...["sign", "--url", `https://${HOST}/hls/*`, "--resource", `https://${HOST}/hls/*`],
      ...["--key-pair-id", "KC", "--private-key", key, "--expires", "2000000000", "--cookies"],
    );
    assert.equal(signed.status, 0, signed.stderr);
    const cookie = cookieHeader(signed.stdout);
    const inside = verify(`https://${HOST}/hls/seg_001.ts`, cookie);
    assert.equal(inside.stdout, "accepted\n");
    for (const outside of [`https://${HOST}/other/seg_001.ts`, `https://${HOST}/hlsx/seg_001.ts`]) {
      const run = verify(outside, cookie);
      assert.equal(run.status, 1, outside);
      assert.match(run.stdout, /^rejected: the policy's Resource/);
    }
  });

  it("the README's cookie example opens its folder and nothing outside", () => {
    const args = readmeCookieExample().map((arg) => (arg === "key.pem" ? key : arg));
    const keyId = args[args.indexOf("--key-pair-id") + 1];
    const signed = cli(...args);
    assert.equal(signed.status, 0, signed.stderr);
    const cookie = cookieHeader(signed.stdout);
    const resource = args[args.indexOf("--resource") + 1];
    assert.ok(resource.endsWith("/*"), resource);
    const folder = resource.slice(0, -1);
    const ip = args[args.indexOf("--ip") + 1].replace(/\.0\/24$/, ".9");
    const run = (url: string) =>
      cli("verify", "--public-key", `${keyId}=${pub}`, "--url", url, "--cookie", cookie, "--ip", ip);
    assert.equal(run(`${folder}720p/seg_001.ts`).stdout, "accepted\n");
    const outside = run(`${folder.replace(/[^/]+\/$/, "b/")}seg_001.ts`);
    assert.equal(outside.status, 1);
    assert.match(outside.stdout, /^rejected: the policy's Resource/);
  });

  it("refuses an --ip block wider than the minimum prefix, /0 included (issue 11.4)", () => {
    const sign = (...extra: string[]) =>
      cli(
        "sign",
        "--url",
        `https://${HOST}/hls/seg.ts`,
        "--key-pair-id",
        "KC",
        "--private-key",
        key,
        "--ttl",
        "600",
        ...extra,
      );
    const zero = sign("--ip", "198.51.100.7/0");
    assert.equal(zero.status, 2);
    assert.equal(zero.stdout, "");
    assert.match(zero.stderr, /wider than the \/24 this signer allows.*\[ip-range-too-wide\]/);
    assert.equal(sign("--ip", "198.51.100.0/24").status, 0);
    assert.equal(sign("--ip", "198.51.0.0/16", "--min-ip-prefix", "16").status, 0);
    assert.equal(sign("--min-ip-prefix", "16").status, 2);
  });
});
