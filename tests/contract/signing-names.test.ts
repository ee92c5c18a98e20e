import assert from "node:assert/strict";
import {
  SIGNED_COOKIE_NAMES,
  SIGNING_QUERY_PARAMETERS,
  URL_DECIDING_PARAMETERS,
  signedCookieName,
} from "../../contract/signing-names";

describe("contract: signing names", () => {
  it("has one signed cookie per signing parameter, each CloudFront-<parameter>", () => {
    assert.deepEqual(
      [...SIGNED_COOKIE_NAMES].sort(),
      SIGNING_QUERY_PARAMETERS.map((name) => `CloudFront-${name}`).sort(),
    );
    assert.equal(signedCookieName("Key-Pair-Id"), "CloudFront-Key-Pair-Id");
  });

  it("lets every parameter but Hash-Algorithm decide that a URL is signed", () => {
    assert.deepEqual(
      SIGNING_QUERY_PARAMETERS.filter((name) => !URL_DECIDING_PARAMETERS.includes(name)),
      ["Hash-Algorithm"],
    );
  });
});
