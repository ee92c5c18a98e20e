/**
 * `npm start` settings: flags win over environment variables, which win over
 * defaults. Every value is checked here, with the reason in plain words, so
 * the stack never starts in a state the rotation would have to refuse.
 */
import { join } from "node:path";
import { DEFAULT_IPV6_ENABLED } from "../functions/cloudfront/ip";
import type { KeyAlgorithm } from "../functions/cloudfront/types";
import type { EdgeTrigger } from "../contract/limits";
import { isAssetRootDepth, MAX_ASSET_ROOT_DEPTH } from "../contract/asset-root";

export interface LocalStackOptions {
  /** Port of the page and app; the edge, signer API and origin take the next three. 0: ephemeral ports for all. */
  readonly port: number;
  /** Folder the origin serves (default: the committed sample, local/sample). */
  readonly mediaDir: string;
  /** Folder where the key groups, parameters and secrets are persisted; undefined keeps them in memory only. */
  readonly stateDir: string | undefined;
  /** Seconds between key rotations. */
  readonly rotateEverySeconds: number;
  /** Longest lifetime of a signed URL or cookie (the stack maximum the signers clamp to). */
  readonly urlLifetimeSeconds: number;
  /** Signers' active-key cache TTL. */
  readonly keyCacheTtlSeconds: number;
  /** Signers' hard maximum key age (the rotation's safety window uses it). */
  readonly keyMaxStaleSeconds: number;
  /** Clock difference the rotation allows for. */
  readonly clockSkewSeconds: number;
  /** Serve VOD media playlists as an endless live loop (players keep reloading playlists). */
  readonly live: boolean;
  /** Segments per live window. */
  readonly liveWindowSegments: number;
  /** The manifest handler's trigger. */
  readonly trigger: EdgeTrigger;
  readonly keyAlgorithm: KeyAlgorithm;
  /** The stack's `ipv6Enabled`: while on, the signer and the manifest edge refuse IP-bound grants. */
  readonly ipv6Enabled: boolean;
  /** The stack's `assetRootDepth`; 1 here: the committed sample keeps each asset in a top-level folder (`/show/`). */
  readonly assetRootDepth: number;
}

export const DEFAULT_PORT = 8400;

export function defaultOptions(): LocalStackOptions {
  return {
    port: DEFAULT_PORT,
    mediaDir: join(__dirname, "sample"),
    stateDir: join(__dirname, ".state"),
    rotateEverySeconds: 60,
    urlLifetimeSeconds: 30,
    keyCacheTtlSeconds: 5,
    keyMaxStaleSeconds: 10,
    clockSkewSeconds: 5,
    live: true,
    liveWindowSegments: 5,
    trigger: "viewer-request",
    keyAlgorithm: "ecdsa-p256",
    ipv6Enabled: DEFAULT_IPV6_ENABLED,
    assetRootDepth: 1,
  };
}

export const USAGE = `npm start -- [options]     (every option also reads an environment variable)

  --port N              page/app port; edge N+1, signer N+2, origin N+3; 0 = ephemeral   LOCAL_PORT (${DEFAULT_PORT})
  --media DIR           folder the origin serves                                        LOCAL_MEDIA_DIR (local/sample)
  --state DIR           where keys, parameters and secrets persist                      LOCAL_STATE_DIR (local/.state)
  --no-state            keep keys in memory only
  --rotate-every S      seconds between key rotations                                   LOCAL_ROTATE_EVERY (60)
  --url-lifetime S      longest signed URL / cookie lifetime                            LOCAL_URL_LIFETIME (30)
  --key-cache-ttl S     signers' active-key cache TTL                                   LOCAL_KEY_CACHE_TTL (5)
  --key-max-stale S     signers' hard maximum key age                                   LOCAL_KEY_MAX_STALE (10)
  --clock-skew S        clock skew the rotation allows for                              LOCAL_CLOCK_SKEW (5)
  --vod                 serve playlists as they are (default: loop them as live)        LOCAL_VOD=1
  --trigger T           viewer-request | origin-request                                 LOCAL_TRIGGER (viewer-request)
  --key-algorithm A     ecdsa-p256 | rsa-2048                                           LOCAL_KEY_ALGORITHM (ecdsa-p256)
  --ipv6                as the stack's ipv6Enabled true: IP-bound grants are refused    LOCAL_IPV6=1 (off)
  --asset-root-depth N  the stack's assetRootDepth (0: each playlist's own folder)     LOCAL_ASSET_ROOT_DEPTH (1)
  --help

A rotation must never untrust a key while a URL it signed can still be valid, so
rotate-every >= key-max-stale + url-lifetime + clock-skew (defaults: 60 >= 10 + 30 + 5).`;

export class OptionsError extends Error {}

const FLAGS: Record<
  string,
  { env: string; key: keyof LocalStackOptions; kind: "int" | "text" | "trigger" | "algorithm" }
> = {
  "--port": { env: "LOCAL_PORT", key: "port", kind: "int" },
  "--media": { env: "LOCAL_MEDIA_DIR", key: "mediaDir", kind: "text" },
  "--state": { env: "LOCAL_STATE_DIR", key: "stateDir", kind: "text" },
  "--rotate-every": { env: "LOCAL_ROTATE_EVERY", key: "rotateEverySeconds", kind: "int" },
  "--url-lifetime": { env: "LOCAL_URL_LIFETIME", key: "urlLifetimeSeconds", kind: "int" },
  "--key-cache-ttl": { env: "LOCAL_KEY_CACHE_TTL", key: "keyCacheTtlSeconds", kind: "int" },
  "--key-max-stale": { env: "LOCAL_KEY_MAX_STALE", key: "keyMaxStaleSeconds", kind: "int" },
  "--clock-skew": { env: "LOCAL_CLOCK_SKEW", key: "clockSkewSeconds", kind: "int" },
  "--trigger": { env: "LOCAL_TRIGGER", key: "trigger", kind: "trigger" },
  "--key-algorithm": { env: "LOCAL_KEY_ALGORITHM", key: "keyAlgorithm", kind: "algorithm" },
  "--asset-root-depth": { env: "LOCAL_ASSET_ROOT_DEPTH", key: "assetRootDepth", kind: "int" },
};

function convert(flag: string, kind: string, text: string): string | number {
  if (kind === "int") {
    if (!/^\d{1,9}$/.test(text)) throw new OptionsError(`${flag} must be a whole number, got "${text}"`);
    return Number(text);
  }
  if (kind === "trigger" && text !== "viewer-request" && text !== "origin-request") {
    throw new OptionsError(`${flag} must be viewer-request or origin-request, got "${text}"`);
  }
  if (kind === "algorithm" && text !== "ecdsa-p256" && text !== "rsa-2048") {
    throw new OptionsError(`${flag} must be ecdsa-p256 or rsa-2048, got "${text}"`);
  }
  if (text === "") throw new OptionsError(`${flag} needs a value`);
  return text;
}

/** Parses argv (without node and script) and env; returns "help" when asked. Throws OptionsError on bad input. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): LocalStackOptions | "help" {
  const values: Record<string, unknown> = { ...defaultOptions() };
  for (const spec of Object.values(FLAGS)) {
    const text = env[spec.env];
    if (text !== undefined && text !== "") values[spec.key] = convert(spec.env, spec.kind, text);
  }
  if (env.LOCAL_VOD === "1") values.live = false;
  if (env.LOCAL_IPV6 === "1") values.ipv6Enabled = true;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--help" || argument === "-h") return "help";
    if (argument === "--vod") values.live = false;
    else if (argument === "--ipv6") values.ipv6Enabled = true;
    else if (argument === "--no-state") values.stateDir = undefined;
    else {
      const [flag, inline] = argument.includes("=")
        ? [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1)]
        : [argument, undefined];
      const spec = FLAGS[flag];
      if (!spec) throw new OptionsError(`unknown option "${argument}" (see --help)`);
      const text = inline ?? argv[++index];
      if (text === undefined) throw new OptionsError(`${flag} needs a value`);
      values[spec.key] = convert(flag, spec.kind, text);
    }
  }
  return checkOptions(values as unknown as LocalStackOptions);
}

/** Checks the relations between settings; returns the options unchanged when they hold. */
export function checkOptions(options: LocalStackOptions): LocalStackOptions {
  const {
    port,
    rotateEverySeconds,
    urlLifetimeSeconds,
    keyCacheTtlSeconds,
    keyMaxStaleSeconds,
    clockSkewSeconds,
  } = options;
  if (port !== 0 && (port < 1024 || port > 65532))
    throw new OptionsError(`port must be 0 or 1024-65532 (four ports from it), got ${port}`);
  for (const [name, value] of Object.entries({
    rotateEverySeconds,
    urlLifetimeSeconds,
    keyCacheTtlSeconds,
    keyMaxStaleSeconds,
  })) {
    if (!Number.isInteger(value) || value <= 0)
      throw new OptionsError(`${name} must be a positive whole number of seconds, got ${value}`);
  }
  if (!Number.isInteger(clockSkewSeconds) || clockSkewSeconds < 0)
    throw new OptionsError(`clock skew must be 0 or more seconds, got ${clockSkewSeconds}`);
  if (keyMaxStaleSeconds < keyCacheTtlSeconds) {
    throw new OptionsError(
      `key max stale (${keyMaxStaleSeconds} s) must be at least the key cache TTL (${keyCacheTtlSeconds} s)`,
    );
  }
  const window = keyMaxStaleSeconds + urlLifetimeSeconds + clockSkewSeconds;
  if (rotateEverySeconds < window) {
    throw new OptionsError(
      `rotating every ${rotateEverySeconds} s would untrust keys while URLs they signed are still valid: ` +
        `rotate-every must be >= key-max-stale + url-lifetime + clock-skew = ${keyMaxStaleSeconds} + ${urlLifetimeSeconds} + ${clockSkewSeconds} = ${window} s`,
    );
  }
  if (!isAssetRootDepth(options.assetRootDepth))
    throw new OptionsError(`asset root depth must be a whole number from 0 to ${MAX_ASSET_ROOT_DEPTH}`);
  if (!Number.isInteger(options.liveWindowSegments) || options.liveWindowSegments < 1)
    throw new OptionsError("live window must hold at least one segment");
  return options;
}
