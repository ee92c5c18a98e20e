/** Folder-scoped signed URLs for the player plugin tests. */
import { generateKeyPair, Signer } from "../../functions/cloudfront";
import { HOST, NOW, KEY_ID } from "../support/constants";

export { NOW };

export const ASSET = `https://${HOST}/live/a1/`;
const pair = generateKeyPair("ecdsa-p256");
export const trusted = new Map([[KEY_ID, pair.publicKeyPem]]);

/** A folder-scoped signed URL for `path` under the asset, valid 30 s from `at`. */
export function folderSigned(path: string, at: number): string {
  const signer = new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => at });
  return signer.signUrl(`${ASSET}${path}`, { expires: at + 30, resource: { folderOf: `${ASSET}x` } });
}
