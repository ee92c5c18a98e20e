/**
 * IPv4 addresses and CIDR blocks as CloudFront policies accept them
 * (`IpAddress.AWS:SourceIp`): IPv4 only, dotted quad, optional /0-32.
 */
import { SigningInputError } from "./errors";

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const PREFIX = /^(?:3[0-2]|[12]?\d)$/;

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit number. */
  readonly address: number;
  readonly prefixLength: number;
}

export function isIpv4(text: string): boolean {
  return typeof text === "string" && IPV4.test(text);
}

export function ipv4ToNumber(text: string): number {
  return text.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Parses `a.b.c.d` or `a.b.c.d/n`; throws SigningInputError otherwise. */
export function parseIpv4Cidr(text: string): Ipv4Cidr {
  const { addressText, prefixLength } = checkIpv4Cidr(text);
  return { address: ipv4ToNumber(addressText), prefixLength };
}

/** The checks of parseIpv4Cidr, without the arithmetic the signer does not need. */
function checkIpv4Cidr(text: string): { addressText: string; prefixLength: number } {
  if (typeof text !== "string" || text.length === 0) {
    throw new SigningInputError("bad-ip", "IP address is empty");
  }
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? "32" : text.slice(slash + 1);
  if (addressText.includes(":")) {
    throw new SigningInputError(
      "ipv6-not-supported",
      `"${printable(text)}" is IPv6: CloudFront policies accept IPv4 addresses and CIDR blocks only`,
    );
  }
  if (!IPV4.test(addressText)) {
    throw new SigningInputError(
      "bad-ip",
      `"${printable(text)}" is not an IPv4 address (dotted quad, no leading zeros) or CIDR block`,
    );
  }
  if (!PREFIX.test(prefixText)) {
    throw new SigningInputError("bad-ip", `"${printable(text)}" has a bad prefix length (0 to 32)`);
  }
  return { addressText, prefixLength: Number(prefixText) };
}

// The defaults live with every other shared default (contract/defaults.ts); re-exported for the signing core.
export { DEFAULT_IPV6_ENABLED, DEFAULT_MIN_IP_PREFIX_LENGTH } from "../../contract/defaults";
/** The lowest minimum a stack may configure: below /8 a binding no longer names anyone. */
export const MIN_IP_PREFIX_LENGTH_FLOOR = 8;

/**
 * The policy form: a bare address becomes `/32`. With `minPrefixLength`, a
 * block wider than that (a shorter prefix, e.g. `/0`) is refused.
 */
export function normalizeIpv4Cidr(text: string, minPrefixLength = 0): string {
  const { addressText, prefixLength } = checkIpv4Cidr(text);
  if (prefixLength < minPrefixLength) {
    throw new SigningInputError(
      "ip-range-too-wide",
      `"${printable(text)}" is a /${prefixLength} block, wider than the /${minPrefixLength} this signer allows: ` +
        `bind to a /${minPrefixLength} or narrower block (a /0 would match every viewer)`,
    );
  }
  return `${addressText}/${prefixLength}`;
}

export function cidrContains(cidr: Ipv4Cidr, address: number): boolean {
  if (cidr.prefixLength === 0) return true;
  const size = 2 ** (32 - cidr.prefixLength);
  return Math.floor(cidr.address / size) === Math.floor(address / size);
}

/** `::ffff:a.b.c.d` (how dual-stack sockets report IPv4 peers) -> `a.b.c.d`. */
export function unmapIpv4(text: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  return match ? match[1] : text;
}

/** Quotes untrusted text safely in a message (no control characters, bounded). */
export function printable(text: string): string {
  const cleaned = String(text).replace(/[^\x20-\x7e]/g, "?");
  return cleaned.length > 120 ? `${cleaned.slice(0, 117)}...` : cleaned;
}
