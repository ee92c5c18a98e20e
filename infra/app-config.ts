/**
 * The `appConfig` stack output: everything an application needs to sign and
 * serve, in one documented object (README, "Deploying a stack"). Types only:
 * applications may import this file without Pulumi.
 */
import type { HashAlgorithm, KeyAlgorithm } from "../functions/cloudfront/types";
import type { EdgeTrigger } from "../contract/limits";

/** Bumped when a field changes meaning or disappears; new fields do not bump it. */
export const APP_CONFIG_SCHEMA_VERSION = 1;

export interface AppConfig {
  readonly schemaVersion: typeof APP_CONFIG_SCHEMA_VERSION;
  readonly stack: string;
  /** Region of the signer, rotation, parameters and secrets. */
  readonly region: string;
  readonly distribution: {
    readonly id: string;
    /** `dxxxx.cloudfront.net`. */
    readonly domainName: string;
    readonly aliases: readonly string[];
    /** `https://<first alias or domainName>`: where playlist URLs point. */
    readonly baseUrl: string;
  };
  readonly signing: {
    readonly keyAlgorithm: KeyAlgorithm;
    readonly hashAlgorithm: HashAlgorithm;
    readonly defaultUrlLifetimeSeconds: number;
    readonly maxUrlLifetimeSeconds: number;
    /** Hosts the signer signs for: aliases, the distribution domain, extra allowed hosts. */
    readonly allowedHosts: readonly string[];
    readonly cookieMode: boolean;
    /** Playlist URLs handed to players end in this suffix (`._m3u8`), so they pass the edge function. */
    readonly manifestSuffix: string;
  };
  readonly keys: {
    readonly keyGroupIds: { readonly active: string; readonly inactive: string };
    readonly parameterNames: {
      readonly activeKeyId: string;
      readonly activeSecretArn: string;
      readonly rotationState: string;
    };
    readonly secretArns: { readonly active: string; readonly inactive: string };
    readonly signerCacheTtlSeconds: number;
    readonly signerMaxStaleSeconds: number;
  };
  readonly signer: {
    readonly functionName: string;
    readonly functionArn: string;
    /** Function URL (AWS_IAM auth: sign requests with SigV4, service `lambda`). */
    readonly functionUrl: string;
    /** IAM policy (JSON) an application role needs to call the Function URL (infra/iam.ts). */
    readonly applicationPolicy: string;
  };
  readonly rotation: {
    readonly functionName: string;
    /** EventBridge expression, e.g. `rate(90 days)`. */
    readonly schedule: string;
    readonly intervalSeconds: number;
    readonly scheduleEnabled: boolean;
  };
  readonly edge: {
    readonly trigger: EdgeTrigger;
    /** Published version associated with the `*._m3u8` behavior. */
    readonly functionVersionArn: string;
  };
}
