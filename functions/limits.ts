/**
 * Service limits that infra, handlers, the local stack and the policy pack all
 * enforce. One place, so a limit cannot differ between what is deployed and
 * what is tested.
 */

/** Lambda@Edge: largest generated response body (bytes) by trigger. */
export const EDGE_GENERATED_RESPONSE_LIMIT_BYTES = {
  "viewer-request": 40 * 1024,
  "origin-request": 1024 * 1024,
} as const;

export type EdgeTrigger = keyof typeof EDGE_GENERATED_RESPONSE_LIMIT_BYTES;
export const EDGE_TRIGGERS = Object.keys(EDGE_GENERATED_RESPONSE_LIMIT_BYTES) as EdgeTrigger[];

/** Lambda@Edge: function timeout (seconds) and memory (MB) limits by trigger. */
export const EDGE_TIMEOUT_LIMIT_SECONDS = { "viewer-request": 5, "origin-request": 30 } as const;
export const EDGE_MEMORY_LIMIT_MB = { "viewer-request": 128, "origin-request": 10240 } as const;

/** Lambda@Edge: compressed deployment package limit (bytes) for viewer and origin triggers. */
export const EDGE_PACKAGE_LIMIT_BYTES = {
  "viewer-request": 1024 * 1024,
  "origin-request": 50 * 1024 * 1024,
} as const;

/** CloudFront: trusted key groups per cache behavior and public keys per key group. */
export const MAX_KEY_GROUPS_PER_BEHAVIOR = 4;
export const MAX_KEYS_PER_KEY_GROUP = 5;

/** CloudFront: the largest epoch time a policy may carry (2038-01-19T03:14:07Z). */
export const MAX_EPOCH_SECONDS = 2147483647;

/**
 * CloudFront: public keys per AWS account (adjustable on request): `doctor`
 * checks that the next rotation has room for one more.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html
 */
export const MAX_PUBLIC_KEYS_PER_ACCOUNT = 10;
