/** `signed-hls-cdn verify`: would CloudFront accept this URL / cookie header, and if not, why. */
import { SigningInputError } from "../../functions/cloudfront/errors";
import { parsePublicKey } from "../../functions/cloudfront/keys";
import { readSignedRequest, verifyRequest } from "../../functions/cloudfront/verifier";
import { parseFlags, readTextFile, required, seconds } from "../args";
import { EXIT, UsageError, type CommandIo } from "../io";
import type { Command } from "../registry";

const HELP = `usage: signed-hls-cdn verify --url SIGNED_URL [--cookie COOKIE_HEADER]
                             --public-key ID=FILE [--public-key ID=FILE ...]
                             [--now EPOCH] [--ip ADDR] [--verbose]

Decides as CloudFront would and prints "accepted" (exit 0) or
"rejected: <reason in plain words>" (exit 1). The first thing to run on a 403.

  --url SIGNED_URL       the full requested URL (signed, or plain with --cookie)
  --cookie HEADER        the request's Cookie header ("CloudFront-Policy=...; ...")
                         (signing values in the URL win over cookies, as in CloudFront)
  --public-key ID=FILE   a trusted public key (PEM) and its CloudFront key id;
                         repeat for every key in the behavior's trusted key groups
  --now EPOCH            the clock to judge expiry by (default: now)
  --ip ADDR              the viewer's IP address (needed for IP-bound policies)
  --verbose              also print what the request carries (policy, key, hash)

Exit codes: 0 accepted, 1 rejected, 2 bad flags or unreadable keys.
`;

const FLAGS = {
  url: { type: "string" },
  cookie: { type: "string" },
  "public-key": { type: "string", multiple: true },
  now: { type: "string" },
  ip: { type: "string" },
  verbose: { type: "boolean", short: "v" },
} as const;

function trustedKeys(specs: string[] | undefined): Map<string, string> {
  if (!specs || specs.length === 0) throw new UsageError("--public-key ID=FILE is required (at least one)");
  const keys = new Map<string, string>();
  for (const spec of specs) {
    const equals = spec.indexOf("=");
    if (equals <= 0 || equals === spec.length - 1) {
      throw new UsageError(`--public-key must be ID=FILE, got "${spec}"`);
    }
    const id = spec.slice(0, equals);
    if (keys.has(id)) throw new UsageError(`--public-key ${id} is given twice`);
    const pem = readTextFile(spec.slice(equals + 1), `public key file for ${id}`);
    try {
      parsePublicKey(pem); // refuse a bad key up front, naming it
    } catch (error) {
      const inner = error as SigningInputError;
      throw new SigningInputError(
        inner.code,
        `public key ${id} (${spec.slice(equals + 1)}): ${inner.message}`,
      );
    }
    keys.set(id, pem);
  }
  return keys;
}

function details(url: string, cookie: string | undefined): string {
  const read = readSignedRequest(url, cookie);
  if ("error" in read) return `  could not decode the request: ${read.error}\n`;
  const { policy } = read;
  const lines = [
    `  source:       ${read.source} (${read.kind} policy)`,
    `  key pair id:  ${read.keyPairId}`,
    `  hash:         ${read.hashAlgorithm.toUpperCase()}`,
    `  resource:     ${policy.resource}`,
    `  valid before: ${new Date(policy.dateLessThan * 1000).toISOString()} (${policy.dateLessThan})`,
  ];
  if (policy.dateGreaterThan !== undefined) {
    lines.push(
      `  valid after:  ${new Date(policy.dateGreaterThan * 1000).toISOString()} (${policy.dateGreaterThan})`,
    );
  }
  if (policy.ipAddress !== undefined) lines.push(`  source IP:    ${policy.ipAddress}`);
  return `${lines.join("\n")}\n`;
}

function run(args: string[], io: CommandIo): number {
  const flags = parseFlags(args, FLAGS);
  const url = required(flags.url, "url");
  const now = flags.now !== undefined ? seconds(flags.now, "now") : io.now();
  const trusted = trustedKeys(flags["public-key"]);
  const result = verifyRequest({ url, cookieHeader: flags.cookie, viewerIp: flags.ip, now }, trusted);
  io.stdout(result.accepted ? "accepted\n" : `rejected: ${result.reason}\n`);
  if (flags.verbose) io.stdout(details(url, flags.cookie));
  return result.accepted ? EXIT.ok : EXIT.rejected;
}

export const command: Command = {
  name: "verify",
  summary: "say whether CloudFront would accept a signed URL or cookies, and why not",
  help: HELP,
  run,
};
