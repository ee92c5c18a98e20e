/**
 * `npm start` settings: flags win over environment variables, which win over
 * defaults. Every flag is declared once in `FLAGS` (its environment variable,
 * parser and help line; `USAGE` is generated from it). Settings the stack
 * config also has use its parsers and defaults (infra/config/keys.ts), and
 * the rotation invariant is the stack's rule (contract/rotation-window.ts), so
 * the local stack refuses what a deployed stack refuses, never less.
 */
import { join } from "node:path";
import { DEFAULT_EDGE_TRIGGER, DEFAULT_IPV6_ENABLED, DEFAULT_KEY_ALGORITHM } from "../contract/defaults";
import { minimumRotationIntervalSeconds, rotationIntervalIsSafe } from "../contract/rotation-window";
import { EDGE_TRIGGERS, type EdgeTrigger } from "../contract/limits";
import type { KeyAlgorithm } from "../functions/cloudfront/types";
import { isAssetRootDepth, MAX_ASSET_ROOT_DEPTH } from "../contract/asset-root";
import { CONFIG_KEY_TABLE, KEY_ALGORITHMS, type ConfigKey } from "../infra/config/keys";
import { signerKeyAgeProblems } from "../infra/config/validators";

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

/**
 * Local defaults: timings far shorter than a deployed stack's (a rotation a
 * minute, so the whole key lifecycle shows in a minute); the trigger, key
 * algorithm and IPv6 setting are the stack's defaults.
 */
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
    trigger: DEFAULT_EDGE_TRIGGER,
    keyAlgorithm: DEFAULT_KEY_ALGORITHM,
    ipv6Enabled: DEFAULT_IPV6_ENABLED,
    assetRootDepth: 1,
  };
}

export class OptionsError extends Error {}

type Key = keyof LocalStackOptions;

/** A flag with a value (`--port N`, `--port=N`), also read from `env`. */
interface ValueFlag {
  readonly name: string;
  readonly env: string;
  readonly key: Key;
  /** Placeholder in the help line, e.g. `N`, `DIR`. */
  readonly value: string;
  readonly help: string;
  /** The default as the help shows it; otherwise `defaultOptions()[key]`. */
  readonly shownDefault?: string;
  /** Turns the text into the setting; `name` is the flag or variable it came from, for messages. */
  readonly parse: (text: string, name: string) => unknown;
}

/** A flag without a value that sets `key` to `to`; `env` set to `1` does the same. */
interface SwitchFlag {
  readonly name: string;
  readonly env?: string;
  readonly key: Key;
  readonly to: unknown;
  readonly help: string;
  readonly shownDefault: string;
}

type Flag = ValueFlag | SwitchFlag;

function wholeNumber(text: string, name: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new OptionsError(`${name} must be a whole number, got "${text}"`);
  return Number(text);
}

function nonEmpty(text: string, name: string): string {
  if (text === "") throw new OptionsError(`${name} needs a value`);
  return text;
}

/** Reads the setting with the stack config key's own parser: the same values accepted, the same refused. */
function asStackKey(key: ConfigKey): (text: string, name: string) => unknown {
  return (text, name) =>
    CONFIG_KEY_TABLE[key].parse(text, {
      stack: "local",
      report: (message) => {
        throw new OptionsError(`${name} (the stack's ${key}): ${message}`);
      },
    });
}

/** Every `npm start` flag, in the help's order. */
export const FLAGS: readonly Flag[] = [
  {
    name: "--port",
    env: "LOCAL_PORT",
    key: "port",
    value: "N",
    help: "page/app port; edge N+1, signer N+2, origin N+3; 0 = ephemeral",
    parse: wholeNumber,
  },
  {
    name: "--media",
    env: "LOCAL_MEDIA_DIR",
    key: "mediaDir",
    value: "DIR",
    help: "folder the origin serves",
    shownDefault: "(local/sample)",
    parse: nonEmpty,
  },
  {
    name: "--state",
    env: "LOCAL_STATE_DIR",
    key: "stateDir",
    value: "DIR",
    help: "where keys, parameters and secrets persist",
    shownDefault: "(local/.state)",
    parse: nonEmpty,
  },
  { name: "--no-state", key: "stateDir", to: undefined, help: "keep keys in memory only", shownDefault: "" },
  {
    name: "--rotate-every",
    env: "LOCAL_ROTATE_EVERY",
    key: "rotateEverySeconds",
    value: "S",
    help: "seconds between key rotations",
    parse: wholeNumber,
  },
  {
    name: "--url-lifetime",
    env: "LOCAL_URL_LIFETIME",
    key: "urlLifetimeSeconds",
    value: "S",
    help: "longest signed URL / cookie lifetime",
    parse: asStackKey("maxUrlLifetimeSeconds"),
  },
  {
    name: "--key-cache-ttl",
    env: "LOCAL_KEY_CACHE_TTL",
    key: "keyCacheTtlSeconds",
    value: "S",
    help: "signers' active-key cache TTL",
    parse: asStackKey("signerCacheTtlSeconds"),
  },
  {
    name: "--key-max-stale",
    env: "LOCAL_KEY_MAX_STALE",
    key: "keyMaxStaleSeconds",
    value: "S",
    help: "signers' hard maximum key age",
    parse: asStackKey("signerMaxStaleSeconds"),
  },
  {
    name: "--clock-skew",
    env: "LOCAL_CLOCK_SKEW",
    key: "clockSkewSeconds",
    value: "S",
    help: "clock skew the rotation allows for",
    parse: asStackKey("clockSkewSeconds"),
  },
  {
    name: "--vod",
    env: "LOCAL_VOD",
    key: "live",
    to: false,
    help: "serve playlists as they are (default: loop them as live)",
    shownDefault: "",
  },
  {
    name: "--trigger",
    env: "LOCAL_TRIGGER",
    key: "trigger",
    value: "T",
    help: EDGE_TRIGGERS.join(" | "),
    parse: asStackKey("edgeTrigger"),
  },
  {
    name: "--key-algorithm",
    env: "LOCAL_KEY_ALGORITHM",
    key: "keyAlgorithm",
    value: "A",
    help: KEY_ALGORITHMS.join(" | "),
    parse: asStackKey("keyAlgorithm"),
  },
  {
    name: "--ipv6",
    env: "LOCAL_IPV6",
    key: "ipv6Enabled",
    to: true,
    help: "as the stack's ipv6Enabled true: IP-bound grants are refused",
    shownDefault: "(off)",
  },
  {
    name: "--asset-root-depth",
    env: "LOCAL_ASSET_ROOT_DEPTH",
    key: "assetRootDepth",
    value: "N",
    help: "the stack's assetRootDepth (0: each playlist's own folder)",
    parse: asStackKey("assetRootDepth"),
  },
];

const isSwitch = (flag: Flag): flag is SwitchFlag => "to" in flag;

function helpLine(flag: Flag): string {
  const left = isSwitch(flag) ? flag.name : `${flag.name} ${flag.value}`;
  const shown = flag.shownDefault ?? `(${String(defaultOptions()[flag.key])})`;
  const env =
    flag.env === undefined ? "" : isSwitch(flag) ? `${flag.env}=1 ${shown}` : `${flag.env} ${shown}`;
  return `  ${left.padEnd(20)}  ${flag.help.padEnd(63)}  ${env}`.trimEnd();
}

function invariantText(): string {
  const defaults = defaultOptions();
  return (
    "A rotation must never untrust a key while a URL it signed can still be valid, so\n" +
    "rotate-every > max(key-cache-ttl, key-max-stale) + url-lifetime + clock-skew, the stack's rotationInterval rule\n" +
    `(defaults: ${defaults.rotateEverySeconds} > ${Math.max(defaults.keyCacheTtlSeconds, defaults.keyMaxStaleSeconds)} + ` +
    `${defaults.urlLifetimeSeconds} + ${defaults.clockSkewSeconds}).`
  );
}

export const USAGE = [
  "npm start -- [options]     (every option also reads an environment variable)",
  "",
  ...FLAGS.map(helpLine),
  "  --help",
  "",
  invariantText(),
].join("\n");

/** Parses argv (without node and script) and env; returns "help" when asked. Throws OptionsError on bad input. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): LocalStackOptions | "help" {
  const values: Record<string, unknown> = { ...defaultOptions() };
  for (const flag of FLAGS) {
    if (flag.env === undefined) continue;
    const text = env[flag.env];
    if (isSwitch(flag)) {
      if (text === "1") values[flag.key] = flag.to;
    } else if (text !== undefined && text !== "") {
      values[flag.key] = flag.parse(text, flag.env);
    }
  }
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--help" || argument === "-h") return "help";
    const [name, inline] = argument.includes("=")
      ? [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1)]
      : [argument, undefined];
    const flag = FLAGS.find((candidate) => candidate.name === name);
    if (!flag) throw new OptionsError(`unknown option "${argument}" (see --help)`);
    if (isSwitch(flag)) {
      if (inline !== undefined) throw new OptionsError(`${name} takes no value`);
      values[flag.key] = flag.to;
      continue;
    }
    const text = inline ?? argv[++index];
    if (text === undefined) throw new OptionsError(`${name} needs a value`);
    values[flag.key] = flag.parse(text, name);
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
  const keyAge = { signerCacheTtlSeconds: keyCacheTtlSeconds, signerMaxStaleSeconds: keyMaxStaleSeconds };
  if (signerKeyAgeProblems(keyAge).length > 0) {
    throw new OptionsError(
      `key max stale (${keyMaxStaleSeconds} s) must be at least the key cache TTL (${keyCacheTtlSeconds} s)`,
    );
  }
  const timing = { ...keyAge, maxUrlLifetimeSeconds: urlLifetimeSeconds, clockSkewSeconds };
  if (!rotationIntervalIsSafe(rotateEverySeconds, timing)) {
    const keyUse = Math.max(keyCacheTtlSeconds, keyMaxStaleSeconds);
    throw new OptionsError(
      `rotating every ${rotateEverySeconds} s would untrust keys while URLs they signed are still valid: ` +
        `rotate-every must exceed max(key-cache-ttl, key-max-stale) + url-lifetime + clock-skew = ` +
        `${keyUse} + ${urlLifetimeSeconds} + ${clockSkewSeconds} = ${minimumRotationIntervalSeconds(timing)} s`,
    );
  }
  if (!isAssetRootDepth(options.assetRootDepth))
    throw new OptionsError(`asset root depth must be a whole number from 0 to ${MAX_ASSET_ROOT_DEPTH}`);
  if (!Number.isInteger(options.liveWindowSegments) || options.liveWindowSegments < 1)
    throw new OptionsError("live window must hold at least one segment");
  return options;
}
