/** `signed-hls-cdn rewrite`: a playlist on stdin, signed on stdout exactly as the manifest edge function would answer the viewer. */
import { Signer } from "../../functions/cloudfront/signer";
import { readSignedRequest, stripSigningParameters } from "../../functions/cloudfront/verifier";
import { signPlaylist } from "../../functions/handlers/manifest-edge/playlist-signing";
import { PlaylistError, type ViewerGrant } from "../../functions/hls";
import { MAX_ASSET_ROOT_DEPTH } from "../../contract/asset-root";
import { readTextFile, required } from "../args";
import { parseFlags, type FlagTable } from "../flags";
import { EXIT, UsageError, type CommandIo } from "../io";
import { commandHelp, type Command } from "../registry";
import { SIGNING_KEY_FLAGS } from "./signing-key-flags";

const FLAGS = {
  "playlist-url": {
    type: "string",
    value: "URL",
    description: "the playlist URL the viewer requested (signing parameters are ignored)",
  },
  ...SIGNING_KEY_FLAGS,
  expires: { type: "seconds", value: "EPOCH", description: "the viewer's expiry, epoch seconds" },
  ttl: { type: "seconds", value: "SECONDS", description: "the viewer's expiry = now + SECONDS" },
  ip: {
    type: "string",
    value: "CIDR",
    description: "the viewer's IPv4 binding, carried into the playlist's policy",
  },
  resource: {
    type: "string",
    value: "PATTERN",
    defaultText: "the playlist URL, a canned grant",
    description:
      "the viewer's custom-policy Resource (e.g. https://host/vod/asset1/*),\nso a media playlist reached from a master keeps the master's folder",
  },
  "viewer-url": {
    type: "string",
    value: "URL",
    description:
      "the signed URL the viewer requested (from the network panel): its policy is\nthe grant; the playlist URL defaults to it without signing parameters",
  },
  cookie: {
    type: "string",
    value: "HEADER",
    description: "the viewer's Cookie header (CloudFront-* signed cookies): cookie mode",
  },
  "allow-host": {
    type: "string",
    value: "HOST",
    repeatable: true,
    defaultText: "the playlist URL's host",
    description: "a host whose URIs may be signed",
  },
  lifetime: {
    type: "seconds",
    value: "SECONDS",
    defaultText: "up to the viewer's expiry",
    description: "the edge's playlistLifetimeSeconds",
  },
  "asset-root-depth": {
    type: "integer",
    min: 0,
    max: MAX_ASSET_ROOT_DEPTH,
    value: "N",
    default: 0,
    description:
      "the stack's assetRootDepth: a one-URL grant above the asset root is refused\nas at the edge (0: none)",
  },
  stats: {
    type: "boolean",
    description: "print a JSON summary (URIs rewritten, left untouched and why, outOfScope) on stderr",
  },
} as const satisfies FlagTable;

const HELP = commandHelp({
  name: "rewrite",
  synopsis: `--key-pair-id ID --private-key FILE  < playlist.m3u8 > signed.m3u8
         and the viewer's grant, one of:
           --playlist-url URL (--expires EPOCH | --ttl SECONDS) [--ip CIDR] [--resource PATTERN]
           --viewer-url SIGNED-URL [--playlist-url URL]
           --playlist-url URL --cookie COOKIE-HEADER
         [--allow-host HOST ...] [--lifetime SECONDS] [--asset-root-depth N] [--stats]`,
  about: `Reads a raw HLS playlist on stdin and writes it to stdout as the manifest edge
function would answer that viewer for the playlist URL (the ._m3u8 URL): every
URI on an allowed host inside the asset folder gets one custom-policy signature
(resource = the viewer's folder + * when it covers the playlist, else the
playlist's folder + *), child playlists are renamed .m3u8 -> ._m3u8, every
other byte stays as it was. A viewer with signed cookies gets the URIs renamed
only, never signed (cookie mode), as from the edge.

Every URI on an allowed host that the grant's scope leaves out (each a 403
waiting for a player) is a warning: one "warning:" line on stderr naming them,
or the "outOfScope" member of the --stats summary.`,
  sections: [{ flags: FLAGS }],
  exitCodes: `0 rewritten, 2 bad flags or input refused (reason on stderr).
A malformed playlist (no #EXTM3U first line, NUL byte, bare CR, invalid UTF-8,
over 8 MiB) writes nothing to stdout, says why on stderr and exits 2.`,
});

type Flags = ReturnType<typeof parseFlags<typeof FLAGS>>;

/** The viewer's grant as the edge would read it: from a signed URL, a Cookie header, or the expiry flags. */
function viewerGrant(
  flags: Flags,
  playlistUrl: string,
  now: number,
): { viewer: ViewerGrant; source: "url" | "cookie" } {
  const timed = flags.expires !== undefined || flags.ttl !== undefined;
  if ([timed, flags["viewer-url"] !== undefined, flags.cookie !== undefined].filter(Boolean).length !== 1) {
    throw new UsageError(
      "give exactly one grant: --expires EPOCH or --ttl SECONDS, --viewer-url URL, or --cookie HEADER",
    );
  }
  if (flags.expires !== undefined && flags.ttl !== undefined)
    throw new UsageError("give exactly one of --expires EPOCH or --ttl SECONDS");
  if (flags["viewer-url"] !== undefined || flags.cookie !== undefined) {
    for (const flag of ["ip", "resource"] as const) {
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} comes from the viewer's own grant here`);
    }
    const read =
      flags.cookie !== undefined
        ? readSignedRequest(playlistUrl, flags.cookie)
        : readSignedRequest(flags["viewer-url"] as string);
    if ("error" in read) throw new UsageError(`the viewer's grant is unreadable: ${read.error}`);
    if (read.policy.dateLessThan <= now) throw new UsageError("the viewer's grant has expired");
    return { viewer: read.policy, source: read.source };
  }
  const expires = flags.expires ?? Math.floor(now) + (flags.ttl as number);
  if (expires <= now) throw new UsageError(`the viewer's expiry ${expires} is not in the future`);
  if (flags.resource !== undefined && !/^https?:\/\/[^/*?]+\/[^*?]*\*$/.test(flags.resource)) {
    throw new UsageError("--resource must be <scheme>://<host>/<folder>/* with no other wildcard");
  }
  return {
    viewer: {
      resource: flags.resource ?? playlistUrl,
      dateLessThan: expires,
      ...(flags.ip ? { ipAddress: flags.ip } : {}),
    },
    source: "url",
  };
}

/** Reads all of stdin as bytes (decoded strictly as UTF-8 by the rewriter). */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function runRewrite(
  args: string[],
  io: CommandIo,
  input: () => Promise<Uint8Array> = readStdin,
): Promise<number> {
  const flags = parseFlags(args, FLAGS);
  const playlistUrl = stripSigningParameters(
    flags["playlist-url"] ?? required(flags["viewer-url"], "playlist-url"),
  );
  let host: string;
  try {
    host = new URL(playlistUrl).host;
  } catch {
    throw new UsageError(`--playlist-url must be an absolute URL, got "${playlistUrl}"`);
  }
  const keyPairId = flags["key-pair-id"];
  const privateKey = readTextFile(flags["private-key"], "private key file");
  const now = io.now();
  const { viewer, source } = viewerGrant(flags, playlistUrl, now);
  const lifetime = flags.lifetime ?? viewer.dateLessThan - Math.floor(now);
  if (lifetime <= 0) throw new UsageError("--lifetime must be at least 1 second");
  const assetRootDepth = flags["asset-root-depth"];
  const signer = new Signer({ keyPairId, privateKey, now: () => now });
  const playlist = await input();
  let signed;
  try {
    signed = signPlaylist({
      playlist,
      playlistUrl,
      viewer,
      grantSource: source,
      signer,
      allowedHosts: flags["allow-host"] ?? [host],
      lifetimeSeconds: lifetime,
      now,
      assetRootDepth,
    });
  } catch (error) {
    if (error instanceof PlaylistError) {
      io.stderr(`signed-hls-cdn: playlist refused: ${error.message} [${error.code}]\n`);
      return EXIT.usage;
    }
    throw error;
  }
  io.stdout(signed.rewrite.text);
  const { rewrite } = signed;
  const outOfScope = { count: rewrite.stats.untouched["out-of-scope"] ?? 0, uris: rewrite.outOfScope };
  if (flags.stats) {
    io.stderr(
      `${JSON.stringify({ policy: signed.policy, signatures: rewrite.signatures, ...rewrite.stats, outOfScope })}\n`,
    );
  } else if (outOfScope.count > 0) {
    io.stderr(
      `signed-hls-cdn: warning: ${outOfScope.count} URI(s) on an allowed host lie outside the grant's scope ` +
        `${signed.policy.resource} and will answer 403: ${outOfScope.uris.join(", ")} ` +
        `(README "Troubleshooting": a URI outside the grant's scope)\n`,
    );
  }
  return EXIT.ok;
}

export const command: Command = {
  name: "rewrite",
  summary: "sign every URI of a playlist (stdin -> stdout) as the edge function does",
  flags: FLAGS,
  help: HELP,
  run: (args, io) => runRewrite(args, io),
};
