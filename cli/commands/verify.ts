/** `signed-hls-cdn verify`: would CloudFront accept this URL / cookie header, and if not, why. */
import { SigningInputError } from "../../functions/cloudfront/errors";
import { parsePublicKey } from "../../functions/cloudfront/keys";
import { readSignedRequest, verifyRequest } from "../../functions/cloudfront/verifier";
import { readTextFile } from "../args";
import { parseFlags, type FlagTable } from "../flags";
import { EXIT, UsageError, type CommandIo } from "../io";
import { commandHelp, type Command } from "../registry";

const FLAGS = {
  url: {
    type: "string",
    value: "SIGNED_URL",
    required: true,
    description: "the full requested URL (signed, or plain with --cookie)",
  },
  cookie: {
    type: "string",
    value: "HEADER",
    description:
      'the request\'s Cookie header ("CloudFront-Policy=...; ...")\n(signing values in the URL win over cookies, as in CloudFront)',
  },
  "public-key": {
    type: "string",
    value: "ID=FILE",
    repeatable: true,
    required: true,
    description:
      "a trusted public key (PEM) and its CloudFront key id;\nrepeat for every key in the behavior's trusted key groups",
  },
  now: { type: "seconds", value: "EPOCH", defaultText: "now", description: "the clock to judge expiry by" },
  ip: {
    type: "string",
    value: "ADDR",
    description: "the viewer's IP address (needed for IP-bound policies)",
  },
  verbose: {
    type: "boolean",
    short: "v",
    description: "also print what the request carries (policy, key, hash)",
  },
} as const satisfies FlagTable;

const HELP = commandHelp({
  name: "verify",
  synopsis: `--url SIGNED_URL [--cookie COOKIE_HEADER]
                             --public-key ID=FILE [--public-key ID=FILE ...]
                             [--now EPOCH] [--ip ADDR] [--verbose]`,
  about: `Decides as CloudFront would and prints "accepted" (exit 0) or
"rejected: <reason in plain words>" (exit 1). The first thing to run on a 403.`,
  sections: [{ flags: FLAGS }],
  exitCodes: "0 accepted, 1 rejected, 2 bad flags or unreadable keys.",
});

function trustedKeys(specs: readonly string[]): Map<string, string> {
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
  const { url } = flags;
  const now = flags.now ?? io.now();
  const trusted = trustedKeys(flags["public-key"]);
  const result = verifyRequest({ url, cookieHeader: flags.cookie, viewerIp: flags.ip, now }, trusted);
  io.stdout(result.accepted ? "accepted\n" : `rejected: ${result.reason}\n`);
  if (flags.verbose) io.stdout(details(url, flags.cookie));
  return result.accepted ? EXIT.ok : EXIT.rejected;
}

export const command: Command = {
  name: "verify",
  summary: "say whether CloudFront would accept a signed URL or cookies, and why not",
  flags: FLAGS,
  help: HELP,
  run,
};
