/** `signed-hls-cdn sign`: a signed URL, or Set-Cookie values with --cookies. */
import { DEFAULT_MIN_IP_PREFIX_LENGTH } from "../../functions/cloudfront/ip";
import { Signer } from "../../functions/cloudfront/signer";
import type { HashAlgorithm, SignOptions } from "../../functions/cloudfront/types";
import { readTextFile } from "../args";
import { parseFlags, type FlagTable } from "../flags";
import { EXIT, UsageError, type CommandIo } from "../io";
import { commandHelp, type Command } from "../registry";
import { SIGNING_KEY_FLAGS } from "./signing-key-flags";

const FLAGS = {
  url: {
    type: "string",
    value: "URL",
    required: true,
    description: "the exact URL viewers will request (its query is kept)",
  },
  ...SIGNING_KEY_FLAGS,
  expires: { type: "seconds", value: "EPOCH", description: "expiry, epoch seconds" },
  ttl: { type: "seconds", value: "SECONDS", description: "expiry = now + SECONDS" },
  "not-before": {
    type: "seconds",
    value: "EPOCH",
    description: "not valid until after this second (custom policy)",
  },
  ip: {
    type: "string",
    value: "CIDR",
    description:
      "bind to an IPv4 address or CIDR block (custom policy);\na block wider than --min-ip-prefix is refused",
  },
  "min-ip-prefix": {
    type: "integer",
    min: 0,
    max: 32,
    defaultText: String(DEFAULT_MIN_IP_PREFIX_LENGTH),
    description: "shortest prefix --ip may have",
  },
  resource: {
    type: "string",
    value: "PATTERN",
    description:
      "custom policy Resource with * and ? wildcards,\ne.g. https://d111111abcdef8.cloudfront.net/videos/*\n(a * or a second ? in --url without it is refused:\na canned policy covers one exact URL)",
  },
  hash: {
    type: "choice",
    choices: ["sha1", "sha256"] as const satisfies readonly HashAlgorithm[],
    default: "sha1",
    description: "sha256 adds Hash-Algorithm=SHA256",
  },
  cookies: { type: "boolean", description: "print Set-Cookie values instead of a URL" },
  "cookie-domain": {
    type: "string",
    value: "D",
    defaultText: "host-only",
    description: "Domain attribute of the cookies",
  },
  "cookie-path": {
    type: "string",
    value: "P",
    defaultText: "/",
    description: "Path attribute of the cookies",
  },
} as const satisfies FlagTable;

const HELP = commandHelp({
  name: "sign",
  synopsis: `--url URL --key-pair-id ID --private-key FILE
                           (--expires EPOCH | --ttl SECONDS)
                           [--not-before EPOCH] [--ip CIDR [--min-ip-prefix N]] [--resource PATTERN]
                           [--hash sha1|sha256] [--cookies [--cookie-domain D] [--cookie-path P]]`,
  about: `Signs URL for CloudFront and prints the signed URL, or with --cookies one
Set-Cookie header value per line (Secure; HttpOnly; SameSite=None).
Without --not-before, --ip and --resource the policy is canned, as CloudFront's
own tools make it; any of them makes a custom policy.`,
  sections: [{ flags: FLAGS }],
  exitCodes: "0 signed, 2 bad flags or input refused (reason on stderr).",
});

function run(args: string[], io: CommandIo): number {
  const flags = parseFlags(args, FLAGS);
  const { url, "key-pair-id": keyPairId, hash } = flags;
  const privateKey = readTextFile(flags["private-key"], "private key file");
  if ((flags.expires === undefined) === (flags.ttl === undefined)) {
    throw new UsageError("give exactly one of --expires EPOCH or --ttl SECONDS");
  }
  if (!flags.cookies && (flags["cookie-domain"] !== undefined || flags["cookie-path"] !== undefined)) {
    throw new UsageError("--cookie-domain and --cookie-path only apply with --cookies");
  }
  const now = io.now();
  const options: SignOptions = {
    expires: flags.expires ?? Math.floor(now) + (flags.ttl as number),
    ...(flags["not-before"] !== undefined ? { notBefore: flags["not-before"] } : {}),
    ...(flags.ip !== undefined ? { ipAddress: flags.ip } : {}),
    ...(flags.resource !== undefined ? { resource: { pattern: flags.resource } } : {}),
    hashAlgorithm: hash,
  };
  if (flags["min-ip-prefix"] !== undefined && flags.ip === undefined)
    throw new UsageError("--min-ip-prefix only applies with --ip");
  const minIpPrefixLength = flags["min-ip-prefix"] ?? DEFAULT_MIN_IP_PREFIX_LENGTH;
  const signer = new Signer({ keyPairId, privateKey, minIpPrefixLength, now: () => now });
  if (flags.cookies) {
    const signed = signer.signCookies(url, options, {
      ...(flags["cookie-domain"] !== undefined ? { domain: flags["cookie-domain"] } : {}),
      ...(flags["cookie-path"] !== undefined ? { path: flags["cookie-path"] } : {}),
    });
    io.stdout(`${signed.setCookieHeaders.join("\n")}\n`);
  } else {
    io.stdout(`${signer.signUrl(url, options)}\n`);
  }
  return EXIT.ok;
}

export const command: Command = {
  name: "sign",
  summary: "sign a URL or make signed cookies",
  flags: FLAGS,
  help: HELP,
  run,
};
