/** Facts many tests share, so each states them once. */

/** The example distribution domain CloudFront's documentation uses; every signed URL in the tests names it. */
export const HOST = "d111111abcdef8.cloudfront.net";

/** The fixed clock (epoch seconds, 2027-01-15T08:00:00Z) the tests sign and verify at. */
export const NOW = 1_800_000_000;

/** A key pair ID in CloudFront's format, for the keys the tests generate. */
export const KEY_ID = "K2JCJMDEHXQW5F";
