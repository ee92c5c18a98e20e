/**
 * scripts/ffmpeg-wasm: FFmpeg 5.1 as WebAssembly, the ffmpeg and ffprobe of a machine
 * without them. Run here whether or not a system ffmpeg exists, so the fallback the sample
 * tests take on a fresh machine is itself tested: exit statuses, host paths (absolute,
 * relative, and those written inside a key-info file), renames, and ffprobe's stdout.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TOOLS = join(__dirname, "../../scripts/ffmpeg-wasm");

function run(program: "ffmpeg" | "ffprobe", args: string[], cwd: string) {
  return spawnSync(join(TOOLS, program), args, { cwd, encoding: "utf8", timeout: 60_000 });
}

describe("scripts/ffmpeg-wasm: ffmpeg and ffprobe 5.1 as WebAssembly over the host's files", function () {
  this.timeout(120_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ffmpeg-wasm-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reports version 5.1 and exits 0", () => {
    const version = run("ffmpeg", ["-hide_banner", "-version"], dir);
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout + version.stderr, /ffmpeg version 5\.1/);
  });

  it("writes an encrypted HLS stream into host folders: relative output, absolute segments, a key-info file", () => {
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "enc.key"), Buffer.alloc(16, 7));
    // The key-info file names the key by its absolute host path, which ffmpeg opens itself.
    writeFileSync(join(dir, "key-info"), `../enc.key\n${join(dir, "enc.key")}\n${"ab".repeat(16)}\n`);
    const made = run(
      "ffmpeg",
      [
        ...[
          "-hide_banner",
          "-loglevel",
          "error",
          "-f",
          "lavfi",
          "-i",
          "testsrc=size=128x72:rate=12:duration=2",
        ],
        ...["-c:v", "libx264", "-g", "12", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod"],
        ...["-hls_key_info_file", "key-info", "-hls_segment_filename", join(dir, "out", "s%d.ts")],
        "out/index.m3u8",
      ],
      dir,
    );
    assert.equal(made.status, 0, made.stderr);
    assert.equal(made.stderr, "", "no output but ffmpeg's own at -loglevel error");
    const playlist = readFileSync(join(dir, "out", "index.m3u8"), "utf8");
    assert.match(playlist, /#EXT-X-KEY:METHOD=AES-128,URI="\.\.\/enc\.key",IV=0xabab/);
    assert.match(playlist, /\ns0\.ts\n[^]*\ns1\.ts\n#EXT-X-ENDLIST/);
    assert.deepEqual(
      readdirSync(join(dir, "out")).sort(),
      ["index.m3u8", "s0.ts", "s1.ts"],
      "the .tmp was renamed",
    );
  });

  it("ffprobe decrypts and reads that stream, printing to stdout; both exit non-zero on a missing or broken input", () => {
    const probed = run(
      "ffprobe",
      [
        ...["-v", "error", "-allowed_extensions", "ALL", "-select_streams", "v"],
        ...["-show_entries", "frame=pict_type", "-of", "csv=p=0", join(dir, "out", "index.m3u8")],
      ],
      dir,
    );
    assert.equal(probed.status, 0, probed.stderr);
    assert.equal(probed.stderr, "");
    const frames = probed.stdout.split("\n").filter((line) => line.trim() !== "");
    assert.equal(frames.length, 24, "2 s at 12 frames per second, every segment decrypted");
    assert.equal(frames.filter((frame) => frame.startsWith("I")).length, 2, "one keyframe a segment");

    const missing = run("ffprobe", ["-v", "error", "nothing-here.ts"], dir);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /No such file or directory/);
    writeFileSync(join(dir, "broken.ts"), "not a transport stream");
    const broken = run(
      "ffmpeg",
      ["-hide_banner", "-loglevel", "error", "-i", "broken.ts", "-f", "null", "-"],
      dir,
    );
    assert.notEqual(broken.status, 0);
    assert.match(broken.stderr, /Invalid data/);
  });

  it("refuses a program it does not have", () => {
    const wrong = spawnSync(process.execPath, [join(TOOLS, "run.js"), "ffplay"], { encoding: "utf8" });
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /usage: .*ffmpeg\|ffprobe/);
  });
});
