/**
 * IP prefixes for the cidr* functions: parsing with the language's error wording, and
 * canonical formatting. The address primitives (bigints, RFC 5952 text, masks) are in
 * src/core/ip-address.ts, shared with MAAS.
 */
import { formatIp, networkMask, parseIpAddress, type IpBits, type ParsedIp } from '../../core/ip-address.js';

export { formatIp, networkMask } from '../../core/ip-address.js';

export interface IpPrefix {
  /** 32 for IPv4, 128 for IPv6. */
  bits: IpBits;
  /** The network address (host bits cleared). */
  network: bigint;
  length: number;
}

/** An IPv4 or IPv6 address; dotted-quad parts may have leading zeros (`010.0.0.1`). */
export function parseIp(text: string): ParsedIp | undefined {
  return parseIpAddress(text, { leadingZeros: true });
}

/** Parses `10.0.0.0/24` or `fd00::/64`; a string describing the problem when invalid. */
export function parsePrefix(text: string): IpPrefix | string {
  const slash = text.indexOf('/');
  if (slash < 0) return `${JSON.stringify(text)} is not a CIDR prefix; expected an address and a length such as "10.0.0.0/24"`;
  const ip = parseIp(text.slice(0, slash));
  if (!ip) return `${JSON.stringify(text)} does not start with a valid IPv4 or IPv6 address`;
  const lenText = text.slice(slash + 1);
  const length = /^\d{1,3}$/.test(lenText) ? Number(lenText) : NaN;
  if (!(length >= 0 && length <= ip.bits)) return `${JSON.stringify(text)} has an invalid prefix length; expected 0 to ${ip.bits}`;
  return { bits: ip.bits, network: ip.address & networkMask(ip.bits, length), length };
}

export function formatPrefix(bits: IpBits, network: bigint, length: number): string {
  return `${formatIp(bits, network)}/${length}`;
}
