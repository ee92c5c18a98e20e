/** The CloudFront signing core: pure, no AWS or Pulumi import. */
export * from "./types";
export { SigningInputError, type SigningInputErrorCode } from "./errors";
export { toCloudFrontBase64, fromCloudFrontBase64 } from "./base64";
export { cannedPolicyJson, customPolicyJson, parsePolicyJson } from "./policy";
export {
  parsePrivateKey,
  parsePublicKey,
  generateKeyPair,
  keyAlgorithmOf,
  type SigningKey,
  type PublicKey,
} from "./keys";
export { Signer, folderWildcardResource, type SignerOptions } from "./signer";
export {
  verifyRequest,
  readSignedRequest,
  resourceMatches,
  stripSigningParameters,
  type SignedRequest,
} from "./verifier";
export { SIGNING_QUERY_PARAMETERS } from "../../contract/signing-names";
