import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../cli/main";
import { capture } from "../../support/command-io";
import { parameterNames } from "../../../functions/keys";
import { InMemoryCloud } from "../../../local/memory-cloud";

const PREFIX = "/cloudfront-signer/local";

describe("signed-hls-cdn rotate / revoke (against the local stack's model file)", () => {
  let directory: string;
  let file: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "cli-rotate-"));
    file = join(directory, "keys.json");
    new InMemoryCloud({ persistPath: file }).seedStack({ parameterPrefix: PREFIX });
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it("rotate --dry-run prints the plan and changes nothing", async () => {
    const before = new InMemoryCloud({ persistPath: file }).publicKeyIds();
    const io = capture();
    const code = await main(["rotate", "--local", file, "--prefix", PREFIX, "--force", "--dry-run"], io);
    assert.equal(code, 0, io.err);
    assert.match(io.out, /^dry-run: act: forced by hand/);
    assert.match(io.out, /\[next\] start/);
    assert.match(io.out, /\[later\] delete-replaced/);
    assert.deepEqual(new InMemoryCloud({ persistPath: file }).publicKeyIds(), before);
  });

  it("rotate --force advances the rotation and reports where it stopped; --json gives the result object", async () => {
    const io = capture();
    const code = await main(
      ["rotate", "--local", file, "--prefix", PREFIX, "--force", "--min-propagation", "600", "--json"],
      io,
    );
    assert.equal(code, 0, io.err);
    const result = JSON.parse(io.out);
    assert.equal(result.outcome, "waiting");
    assert.deepEqual(result.stepsDone, ["start", "create-key", "stage-key"]);
    assert.match(io.err, /audit create-public-key done/);
    assert.doesNotMatch(io.err + io.out, /BEGIN/);
  });

  it("revoke without --yes changes nothing; with --yes it revokes and prints what broke", async () => {
    const model = new InMemoryCloud({ persistPath: file });
    const names = parameterNames(PREFIX);
    const active = (await model.parameters.getParameters([names.activeKeyId])).get(names.activeKeyId)!.value;
    const dry = capture();
    assert.equal(await main(["revoke", "--local", file, "--prefix", PREFIX, "--key-id", active], dry), 1);
    assert.match(dry.out, /re-run with --yes/);
    assert.ok(new InMemoryCloud({ persistPath: file }).publicKeyIds().includes(active));
    const real = capture();
    assert.equal(
      await main(["revoke", "--local", file, "--prefix", PREFIX, "--key-id", active, "--yes"], real),
      0,
      real.err,
    );
    assert.match(real.out, /^revoked/);
    assert.match(real.out, /Every URL and cookie signed with/);
    assert.ok(!new InMemoryCloud({ persistPath: file }).publicKeyIds().includes(active));
  });

  it("revoke --wait reports the distribution's deployment status; --wait-timeout needs --wait", async () => {
    const model = new InMemoryCloud({ persistPath: file });
    const names = parameterNames(PREFIX);
    const active = (await model.parameters.getParameters([names.activeKeyId])).get(names.activeKeyId)!.value;
    const lonely = capture();
    const args = ["revoke", "--local", file, "--prefix", PREFIX, "--key-id", active, "--yes"];
    assert.equal(await main([...args, "--wait-timeout", "60"], lonely), 2);
    assert.match(lonely.err, /--wait-timeout needs --wait/);
    const io = capture();
    assert.equal(await main([...args, "--wait", "--wait-timeout", "60", "--break-lease"], io), 0, io.err);
    assert.match(io.out, /^revoked: .* is Deployed: every edge rejects it/);
    assert.match(io.out, /distribution E\w+: Deployed/);
  });

  it("refuses bad flags with a usage error", async () => {
    const io = capture();
    assert.equal(await main(["rotate", "--region", "eu-west-1", "--prefix", PREFIX], io), 2);
    assert.match(io.err, /--key-group-ids A,B and --secret-arns A,B are required/);
    const bad = capture();
    assert.equal(
      await main(["revoke", "--local", file, "--prefix", PREFIX, "--key-id", "lower-case"], bad),
      2,
    );
    assert.match(bad.err, /not a CloudFront public key id/);
  });
});
