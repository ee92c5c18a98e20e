/** Folder-scoped signed URLs for the player plugin tests. */
import { generateKeyPair, Signer } from "../../functions/cloudfront";

export const NOW = 1_800_000_000;
export const ASSET = "https://d111111abcdef8.cloudfront.net/live/a1/";
const KEY_ID = "K2JCJMDEHXQW5F";
const pair = generateKeyPair("ecdsa-p256");
export const trusted = new Map([[KEY_ID, pair.publicKeyPem]]);

/** A folder-scoped signed URL for `path` under the asset, valid 30 s from `at`. */
export function folderSigned(path: string, at: number): string {
  const signer = new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => at });
  return signer.signUrl(`${ASSET}${path}`, { expires: at + 30, resource: { folderOf: `${ASSET}x` } });
}
