import assert from "node:assert/strict";
import { formatSignLog, type SignLogEntry } from "../../../../functions/handlers/sign/sign-log";

/** The reference: JSON.stringify of the same fields in the documented order. */
function reference(entry: SignLogEntry): string {
  const { requestId, source, unverifiedCaller, mode, host, path, lifetimeSeconds, ipBound } = entry;
  const { notBefore, keyPairId, expires, status, durationMs, error, detail } = entry;
  return JSON.stringify({
    component: "signer",
    requestId,
    source,
    unverifiedCaller,
    mode,
    host,
    path,
    lifetimeSeconds,
    ipBound,
    notBefore,
    keyPairId,
    expires,
    status,
    durationMs,
    error,
    detail,
  });
}

const STRINGS = [
  "",
  "plain",
  "/videos/abc/720p/seg-00042.ts",
  'quote " inside',
  "back\\slash",
  "new\nline\ttab\u0000nul\u001f",
  "del\u007f",
  "caf\u00e9 \u2028 \u{1f3ac}",
  "lone \ud800 surrogate",
  "arn:aws:iam::123456789012:role/app",
];
const NUMBERS = [0, 300, 1_800_000_000, 0.125, -1, Number.NaN, Number.POSITIVE_INFINITY];

describe("signer log line", () => {
  it("is exactly JSON.stringify of its fields in order, for awkward strings and numbers", () => {
    let checked = 0;
    for (const [index, text] of STRINGS.entries()) {
      for (const [position, value] of NUMBERS.entries()) {
        const entry: SignLogEntry = {
          requestId: index % 2 === 0 ? text : undefined,
          source: text,
          unverifiedCaller: position % 2 === 0 ? text : undefined,
          mode: "url",
          host: text,
          path: text,
          lifetimeSeconds: value,
          ipBound: position % 3 === 0,
          notBefore: position % 2 === 1 ? value : undefined,
          keyPairId: text,
          expires: value,
          status: 200,
          durationMs: value,
          error: position === 0 ? undefined : text,
          detail: position % 4 === 1 ? text : undefined,
        };
        const line = formatSignLog(entry);
        assert.equal(line, reference(entry), JSON.stringify(entry));
        JSON.parse(line);
        checked++;
      }
    }
    assert.equal(checked, STRINGS.length * NUMBERS.length);
  });

  it("leaves out what is undefined and always names the component and source", () => {
    assert.equal(formatSignLog({ source: "refused" }), '{"component":"signer","source":"refused"}');
    assert.equal(
      formatSignLog({ source: "invoke", status: 400, error: "bad-request" }),
      '{"component":"signer","source":"invoke","status":400,"error":"bad-request"}',
    );
  });
});
