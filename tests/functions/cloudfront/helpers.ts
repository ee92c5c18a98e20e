/** Shared fixtures for the signing-core tests: keys generated per run, a fixed clock. */
import { generateKeyPair, Signer, type KeyAlgorithm } from "../../../functions/cloudfront";
import { HOST, NOW, KEY_ID } from "../../support/constants";

export { HOST, NOW, KEY_ID };

export interface Fixture {
  readonly algorithm: KeyAlgorithm;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly signer: Signer;
  readonly trusted: ReadonlyMap<string, string>;
}

const cache = new Map<KeyAlgorithm, Fixture>();

export function fixture(algorithm: KeyAlgorithm): Fixture {
  const cached = cache.get(algorithm);
  if (cached) return cached;
  const pair = generateKeyPair(algorithm);
  const made: Fixture = {
    algorithm,
    ...pair,
    signer: new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => NOW }),
    trusted: new Map([[KEY_ID, pair.publicKeyPem]]),
  };
  cache.set(algorithm, made);
  return made;
}

/** `name=value; ...` from the signer's cookie values, as a browser would send them. */
export function cookieHeader(cookies: object): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join("; ");
}

/** The value of one query parameter, by exact name, without decoding. */
export function queryParam(url: string, name: string): string | undefined {
  const query = url.slice(url.indexOf("?") + 1);
  for (const pair of query.split("&")) {
    const equals = pair.indexOf("=");
    if (pair.slice(0, equals) === name) return pair.slice(equals + 1);
  }
  return undefined;
}
