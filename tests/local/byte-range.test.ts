import assert from "node:assert/strict";
import { answerRange, contentRange } from "../../local/byte-range";

describe("local origin byte ranges (as S3 GetObject answers them)", () => {
  it("answers one byte range in each of RFC 9110's three forms, clamped to the object", () => {
    assert.deepEqual(answerRange("bytes=0-99", 1000), { kind: "partial", start: 0, end: 99 });
    assert.deepEqual(answerRange("bytes=900-", 1000), { kind: "partial", start: 900, end: 999 });
    assert.deepEqual(answerRange("bytes=-100", 1000), { kind: "partial", start: 900, end: 999 });
    assert.deepEqual(answerRange("bytes=-5000", 1000), { kind: "partial", start: 0, end: 999 });
    assert.deepEqual(answerRange("bytes=990-5000", 1000), { kind: "partial", start: 990, end: 999 });
    assert.equal(contentRange({ kind: "partial", start: 0, end: 99 }, 1000), "bytes 0-99/1000");
  });

  it("refuses a range that starts past the end with 416", () => {
    assert.deepEqual(answerRange("bytes=1000-", 1000), { kind: "unsatisfiable" });
    assert.deepEqual(answerRange("bytes=-0", 1000), { kind: "unsatisfiable" });
    assert.equal(contentRange({ kind: "unsatisfiable" }, 1000), "bytes */1000");
  });

  it("serves the whole object for no range, a malformed one, or several (S3 has no multipart ranges)", () => {
    for (const header of [
      undefined,
      "bytes=",
      "bytes=-",
      "bytes=5-1",
      "items=0-1",
      "bytes=0-1,5-6",
      "bytes=a-b",
    ])
      assert.deepEqual(answerRange(header, 1000), { kind: "whole" }, String(header));
  });
});
