/** `signed-hls-cdn sign`: a signed URL, or Set-Cookie values with --cookies. */
import { DEFAULT_MIN_IP_PREFIX_LENGTH } from "../../functions/cloudfront/ip";
import { Signer } from "../../functions/cloudfront/signer";
import type { HashAlgorithm, SignOptions } from "../../functions/cloudfront/types";
import { parseFlags, readTextFile, required, seconds } from "../args";
import { EXIT, UsageError, type CommandIo } from "../io";
import type { Command } from "../registry";

const HELP = `usage: signed-hls-cdn sign --url URL --key-pair-id ID --private-key FILE
                           (--expires EPOCH | --ttl SECONDS)
                           [--not-before EPOCH] [--ip CIDR [--min-ip-prefix N]] [--resource PATTERN]
                           [--hash sha1|sha256] [--cookies [--cookie-domain D] [--cookie-path P]]

Signs URL for CloudFront and prints the signed URL, or with --cookies one
Set-Cookie header value per line (Secure; HttpOnly; SameSite=None).
Without --not-before, --ip and --resource the policy is canned, as CloudFront's
own tools make it; any of them makes a custom policy.

  --url URL            the exact URL viewers will request (its query is kept)
  --key-pair-id ID     CloudFront public key id (e.g. K2JCJMDEHXQW5F)
  --private-key FILE   PEM private key: RSA-2048 or ECDSA P-256
  --expires EPOCH      expiry, epoch seconds
  --ttl SECONDS        expiry = now + SECONDS
  --not-before EPOCH   not valid until after this second (custom policy)
  --ip CIDR            bind to an IPv4 address or CIDR block (custom policy);
                       a block wider than --min-ip-prefix is refused
  --min-ip-prefix N    shortest prefix --ip may have, 0-32 (default ${DEFAULT_MIN_IP_PREFIX_LENGTH})
  --resource PATTERN   custom policy Resource with * and ? wildcards,
                       e.g. https://d111111abcdef8.cloudfront.net/videos/*
                       (a * or a second ? in --url without it is refused:
                       a canned policy covers one exact URL)
  --hash ALG           sha1 (default) or sha256 (adds Hash-Algorithm=SHA256)
  --cookies            print Set-Cookie values instead of a URL
  --cookie-domain D    Domain attribute of the cookies (default: host-only)
  --cookie-path P      Path attribute of the cookies (default: /)

Exit codes: 0 signed, 2 bad flags or input refused (reason on stderr).
`;

const FLAGS = {
  url: { type: "string" },
  "key-pair-id": { type: "string" },
  "private-key": { type: "string" },
  expires: { type: "string" },
  ttl: { type: "string" },
  "not-before": { type: "string" },
  ip: { type: "string" },
  "min-ip-prefix": { type: "string" },
  resource: { type: "string" },
  hash: { type: "string" },
  cookies: { type: "boolean" },
  "cookie-domain": { type: "string" },
  "cookie-path": { type: "string" },
} as const;

function run(args: string[], io: CommandIo): number {
  const flags = parseFlags(args, FLAGS);
  const url = required(flags.url, "url");
  const keyPairId = required(flags["key-pair-id"], "key-pair-id");
  const privateKey = readTextFile(required(flags["private-key"], "private-key"), "private key file");
  if ((flags.expires === undefined) === (flags.ttl === undefined)) {
    throw new UsageError("give exactly one of --expires EPOCH or --ttl SECONDS");
  }
  const hash = flags.hash ?? "sha1";
  if (hash !== "sha1" && hash !== "sha256")
    throw new UsageError(`--hash must be sha1 or sha256, got "${hash}"`);
  if (!flags.cookies && (flags["cookie-domain"] !== undefined || flags["cookie-path"] !== undefined)) {
    throw new UsageError("--cookie-domain and --cookie-path only apply with --cookies");
  }
  const now = io.now();
  const options: SignOptions = {
    expires:
      flags.expires !== undefined
        ? seconds(flags.expires, "expires")
        : Math.floor(now) + seconds(flags.ttl as string, "ttl"),
    ...(flags["not-before"] !== undefined ? { notBefore: seconds(flags["not-before"], "not-before") } : {}),
    ...(flags.ip !== undefined ? { ipAddress: flags.ip } : {}),
    ...(flags.resource !== undefined ? { resource: { pattern: flags.resource } } : {}),
    hashAlgorithm: hash as HashAlgorithm,
  };
  const minIpText = flags["min-ip-prefix"];
  if (minIpText !== undefined && flags.ip === undefined)
    throw new UsageError("--min-ip-prefix only applies with --ip");
  if (minIpText !== undefined && (!/^\d{1,2}$/.test(minIpText) || Number(minIpText) > 32))
    throw new UsageError(`--min-ip-prefix must be a whole number from 0 to 32, got "${minIpText}"`);
  const minIpPrefixLength = minIpText === undefined ? DEFAULT_MIN_IP_PREFIX_LENGTH : Number(minIpText);
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
  help: HELP,
  run,
};
