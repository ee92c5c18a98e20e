/**
 * The headless Chromium that @sparticuz/chromium ships inside its npm package
 * (brotli-compressed, with the NSS, NSPR and expat libraries it links against),
 * unpacked once per package version into node_modules/.cache. The libraries go
 * first on the browser's LD_LIBRARY_PATH, so it starts the same on a machine
 * without them. We unpack it ourselves rather than call the package's
 * executablePath(): that one reuses whatever /tmp/chromium holds, shared by every
 * run on the machine, and only adds the libraries on Amazon Linux.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { brotliDecompressSync } from "node:zlib";

export interface PackagedChromium {
  readonly executablePath: string;
  /** The environment the browser must start with. */
  readonly env: Record<string, string>;
}

const PACKAGE_ROOT = join(dirname(require.resolve("@sparticuz/chromium")), "..", "..");
const BIN = join(PACKAGE_ROOT, "bin");

export function packagedChromium(): PackagedChromium {
  const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  const target = join(PACKAGE_ROOT, "..", "..", ".cache", "signed-hls-cdn", `chromium-${version}`);
  if (!existsSync(join(target, "chromium"))) unpackInto(target);
  const libraries = join(target, "lib");
  const inherited = process.env.LD_LIBRARY_PATH;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  env.LD_LIBRARY_PATH = inherited ? `${libraries}:${inherited}` : libraries;
  return { executablePath: join(target, "chromium"), env };
}

/** Unpacks into a fresh folder and renames it into place: a parallel run never sees half a browser. */
function unpackInto(target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.partial-`);
  try {
    writeFileSync(join(staging, "chromium"), brotliDecompressSync(readFileSync(join(BIN, "chromium.br"))), {
      mode: 0o755,
    });
    for (const file of tarFiles(brotliDecompressSync(readFileSync(join(BIN, "al2023.tar.br"))))) {
      mkdirSync(join(staging, dirname(file.name)), { recursive: true });
      writeFileSync(join(staging, file.name), file.data, { mode: file.mode });
    }
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(target, "chromium"))) throw error; // otherwise a parallel run unpacked it first
  }
}

/** The regular files of a ustar archive (the library archive holds nothing else). */
function* tarFiles(archive: Buffer): Generator<{ name: string; mode: number; data: Buffer }> {
  const field = (offset: number, length: number, at: number) =>
    archive.toString("latin1", at + offset, at + offset + length).replace(/\0.*$/s, "");
  for (let at = 0; at + 512 <= archive.length && archive[at] !== 0;) {
    const name = [field(345, 155, at), field(0, 100, at)].filter(Boolean).join("/");
    const size = parseInt(field(124, 12, at).trim(), 8);
    const type = field(156, 1, at);
    if ((type === "0" || type === "") && !name.includes("..")) {
      yield {
        name,
        mode: parseInt(field(100, 8, at).trim(), 8) & 0o777,
        data: archive.subarray(at + 512, at + 512 + size),
      };
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
}
