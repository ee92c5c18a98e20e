/**
 * The manifest edge's grant verification (issue 11.3) against the work it
 * protects: for each key algorithm, one `grantSignedByStack` call (the grant
 * signed by the second of the stack's two slot keys, so the first is tried in
 * vain: the worst case) against one `signPlaylist` call (policy, one signature,
 * rewrite) on a 6-rendition master and a 3,600-segment VOD playlist. Batches
 * alternate in one run so drift hits both sides; prints medians and ratios.
 */
import { performance } from "node:perf_hooks";
import { generateKeyPair, Signer, type KeyAlgorithm } from "../functions/cloudfront";
import { grantSignedByStack } from "../functions/handlers/manifest-edge/grant-verification";
import { signPlaylist } from "../functions/handlers/manifest-edge/playlist-signing";
import { fixedTrustedKeys } from "../functions/keys";
import { masterPlaylist, vodMediaPlaylist } from "../tests/support/playlists";

const HOST = "d111111abcdef8.cloudfront.net";
const NOW = Math.floor(Date.now() / 1000);
const FOLDER = `https://${HOST}/vod/asset1/`;
const BATCH = 20;
const ROUNDS = 40;

async function batchMs(fn: () => unknown | Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let index = 0; index < BATCH; index++) await fn();
  return (performance.now() - start) / BATCH;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(algorithm: KeyAlgorithm): Promise<void> {
  const other = generateKeyPair(algorithm);
  const active = generateKeyPair(algorithm);
  const signer = new Signer({ keyPairId: "K2JCJMDEHXQW5F", privateKey: active.privateKeyPem });
  const trusted = fixedTrustedKeys([other.publicKeyPem, active.publicKeyPem]);
  const grant = signer.signUrl(`${FOLDER}master._m3u8`, {
    expires: NOW + 3600,
    resource: { pattern: `${FOLDER}*` },
  });
  const verify = async () => {
    if (!(await grantSignedByStack({ urls: [grant], cookieHeader: undefined, trusted })))
      throw new Error("the bench grant must verify");
  };
  const playlists = [
    { name: "6-rendition master", text: masterPlaylist(6), url: `${FOLDER}master._m3u8` },
    { name: "3,600-segment VOD", text: vodMediaPlaylist(3600), url: `${FOLDER}1080p/index._m3u8` },
  ];
  for (const playlist of playlists) {
    const sign = () =>
      signPlaylist({
        playlist: playlist.text,
        playlistUrl: playlist.url,
        viewer: { resource: `${FOLDER}*`, dateLessThan: NOW + 3600 },
        signer,
        grantSource: "url",
        allowedHosts: [HOST],
        lifetimeSeconds: 3600,
        now: NOW,
      }).rewrite.text.length;
    const verifySamples: number[] = [];
    const signSamples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which side goes first, so warm-up and drift favour neither.
      if (round % 2 === 0) {
        verifySamples.push(await batchMs(verify));
        signSamples.push(await batchMs(sign));
      } else {
        signSamples.push(await batchMs(sign));
        verifySamples.push(await batchMs(verify));
      }
    }
    const verifyMs = median(verifySamples.slice(ROUNDS / 4));
    const signMs = median(signSamples.slice(ROUNDS / 4));
    console.log(
      `${algorithm.padEnd(10)} ${playlist.name.padEnd(20)} verify grant ${(verifyMs * 1000).toFixed(0).padStart(5)} µs` +
        ` | sign + rewrite ${(signMs * 1000).toFixed(0).padStart(6)} µs` +
        ` | verification adds ${((verifyMs / signMs) * 100).toFixed(1)}% per playlist response`,
    );
  }
}

async function main(): Promise<void> {
  console.log("grant verification at the edge (2 trusted keys, worst case: the second verifies):");
  for (const algorithm of ["rsa-2048", "ecdsa-p256"] as const) await measure(algorithm);
}

void main();
