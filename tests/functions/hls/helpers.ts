/** Shared pieces of the rewriter tests: a real signer per key algorithm, a fixed clock, checks. */
import assert from "node:assert/strict";
import {
  generateKeyPair,
  Signer,
  verifyRequest,
  type KeyAlgorithm,
  type PolicyStatement,
} from "../../../functions/cloudfront";
import {
  findUris,
  playlistPolicy,
  rewritePlaylist,
  type PlaylistPolicy,
  type RewriteResult,
  type ViewerGrant,
} from "../../../functions/hls";
import { HOST, NOW, KEY_ID } from "../../support/constants";

export { HOST, NOW, KEY_ID };

export const ASSET = `https://${HOST}/vod/asset1/`;
export const VIEWER_IP = "203.0.113.178";

export interface Keys {
  readonly signer: Signer;
  readonly trusted: ReadonlyMap<string, string>;
}

const keys = new Map<KeyAlgorithm, Keys>();

export function keysFor(algorithm: KeyAlgorithm = "ecdsa-p256"): Keys {
  let found = keys.get(algorithm);
  if (!found) {
    const pair = generateKeyPair(algorithm);
    found = {
      signer: new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => NOW }),
      trusted: new Map([[KEY_ID, pair.publicKeyPem]]),
    };
    keys.set(algorithm, found);
  }
  return found;
}

export function viewerGrant(playlistUrl: string, overrides: Partial<ViewerGrant> = {}): ViewerGrant {
  return { resource: playlistUrl, dateLessThan: NOW + 7200, ...overrides };
}

export interface SignedRewrite {
  readonly result: RewriteResult;
  readonly policy: PlaylistPolicy;
  readonly playlistUrl: string;
  readonly keys: Keys;
  signCalls: number;
}

/** Rewrites with a real signer, counting how often the signing function runs. */
export function signedRewrite(
  text: string,
  options: {
    playlistUrl?: string;
    viewer?: Partial<ViewerGrant>;
    algorithm?: KeyAlgorithm;
    allowedHosts?: readonly string[];
    lifetimeSeconds?: number;
  } = {},
): SignedRewrite {
  const playlistUrl = options.playlistUrl ?? `${ASSET}index._m3u8`;
  const policy = playlistPolicy({
    playlistUrl,
    viewer: viewerGrant(playlistUrl, options.viewer),
    now: NOW,
    lifetimeSeconds: options.lifetimeSeconds ?? 3600,
  });
  const k = keysFor(options.algorithm);
  const state = { signCalls: 0 };
  const result = rewritePlaylist(text, {
    playlistUrl,
    policy,
    allowedHosts: options.allowedHosts,
    signedQuery: (statement) => {
      state.signCalls++;
      return k.signer.signedQueryFor(statement as PolicyStatement);
    },
  });
  return { result, policy, playlistUrl, keys: k, signCalls: state.signCalls };
}

/** Every URI value in a playlist (URI lines and URI attributes), as written, with its line. */
export function uriValues(
  text: string,
  playlistUrl: string,
): { line: number; value: string; tag?: string }[] {
  return findUris(text, {
    playlistUrl,
    policy: { resource: `${new URL(playlistUrl).origin}/*`, dateLessThan: NOW + 1 },
  }).map(({ line, value, tag }) => ({ line, value, tag }));
}

/** Splits into lines the way the rewriter does (LF or CRLF), terminators dropped. */
export function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

/**
 * The properties every rewrite must have: same line count, every line without
 * a rewritten URI byte-identical, every signed URI verified by our verifier,
 * on an allowed host, all carrying the same single signature.
 */
export function assertSoundRewrite(input: string, signed: SignedRewrite, allowedHosts = [HOST]): string[] {
  const output = signed.result.text;
  const inLines = lines(input);
  const outLines = lines(output);
  assert.equal(outLines.length, inLines.length, "line count preserved");
  assert.equal(output.split("\r\n").length, input.split("\r\n").length, "CRLF terminators preserved");
  const inUris = uriValues(input, signed.playlistUrl);
  const outUris = uriValues(output, signed.playlistUrl);
  assert.equal(outUris.length, inUris.length, "same URI positions");
  const changedLines = new Set<number>();
  const signedUrls: string[] = [];
  const suffixes = new Set<string>();
  outUris.forEach((uri, index) => {
    const before = inUris[index];
    assert.equal(uri.line, before.line);
    if (uri.value === before.value) return;
    changedLines.add(uri.line);
    const absolute = new URL(uri.value, signed.playlistUrl);
    assert.ok(allowedHosts.includes(absolute.host), `signature on allowed host only: ${uri.value}`);
    absolute.hash = "";
    signedUrls.push(absolute.href);
    suffixes.add(uri.value.slice(uri.value.indexOf("Policy=")).replace(/#.*$/, ""));
  });
  inLines.forEach((line, index) => {
    if (!changedLines.has(index)) assert.equal(outLines[index], line, `line ${index + 1} untouched`);
  });
  assert.equal(signedUrls.length, signed.result.stats.rewritten);
  if (signedUrls.length > 0) {
    assert.equal(suffixes.size, 1, "one signature for the whole playlist");
    assert.equal(signed.signCalls, 1, "signed exactly once");
    assert.equal(signed.result.signatures, 1);
  } else {
    assert.equal(signed.signCalls, 0, "no signature when nothing is rewritten");
  }
  for (const url of signedUrls) {
    const verdict = verifyRequest({ url, now: NOW + 60, viewerIp: VIEWER_IP }, signed.keys.trusted);
    assert.ok(verdict.accepted, `${url}: ${verdict.accepted ? "" : verdict.reason}`);
  }
  return signedUrls;
}
