/** The signing key flags `sign` and `rewrite` share: which CloudFront key id and PEM private key sign. */
import type { FlagTable } from "../flags";

export const SIGNING_KEY_FLAGS = {
  "key-pair-id": {
    type: "string",
    value: "ID",
    required: true,
    description: "CloudFront public key id (e.g. K2JCJMDEHXQW5F)",
  },
  "private-key": {
    type: "string",
    value: "FILE",
    required: true,
    description: "PEM private key: RSA-2048 or ECDSA P-256",
  },
} as const satisfies FlagTable;
