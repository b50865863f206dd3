/**
 * IP addresses, CIDRs and ranges as MAAS treats them (IPv4 and IPv6), pure and dependency-free:
 * parsing, canonical text, containment and range arithmetic. Addresses are held as bigints so
 * both families share one code path; the primitives (parsing, RFC 5952 text, masks) are in
 * src/core/ip-address.ts. MAAS refuses dotted-quad parts with leading zeros (`01.2.3.4`).
 */
import { formatIp as formatBits, hostMask, networkMask, parseIpAddress, type IpBits } from '../../../src/core/ip-address.js';

export type IpVersion = 4 | 6;

export interface IpAddress {
  version: IpVersion;
  value: bigint;
}

export interface Cidr {
  version: IpVersion;
  /** The network address (host bits cleared). */
  network: bigint;
  prefix: number;
}

export interface IpRange {
  start: IpAddress;
  end: IpAddress;
}

const BITS: Record<IpVersion, IpBits> = { 4: 32, 6: 128 };

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const ip = parseIpAddress(text.trim());
  return ip === undefined ? undefined : { version: ip.bits === 32 ? 4 : 6, value: ip.address };
}

export function isIp(text: string): boolean {
  return parseIp(text) !== undefined;
}

function mask(version: IpVersion, prefix: number): bigint {
  return networkMask(BITS[version], prefix);
}

/**
 * Parses `a.b.c.d/len` or `x::/len`. With `strict`, host bits must be zero (as MAAS stores
 * subnets); otherwise they are cleared.
 */
export function parseCidr(text: string, strict = false): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const ip = parseIp(m[1]!);
  if (!ip) return undefined;
  const prefix = Number(m[2]);
  if (prefix > BITS[ip.version]) return undefined;
  const network = ip.value & mask(ip.version, prefix);
  if (strict && network !== ip.value) return undefined;
  return { version: ip.version, network, prefix };
}

export function isCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.version === ip.version && (ip.value & mask(cidr.version, cidr.prefix)) === cidr.network;
}

/** The last address of the network (the IPv4 broadcast address). */
export function cidrLast(cidr: Cidr): bigint {
  return cidr.network | hostMask(BITS[cidr.version], cidr.prefix);
}

export function formatIp(ip: IpAddress): string {
  return formatBits(BITS[ip.version], ip.value);
}

/** Canonical text of an address (`::ffff:1` style for IPv6), or the input when unparsable. */
export function canonicalIp(text: string): string {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : text;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ version: cidr.version, value: cidr.network })}/${cidr.prefix}`;
}

/** Canonical text of a CIDR, or the input when unparsable. */
export function canonicalCidr(text: string): string {
  const c = parseCidr(text);
  return c ? formatCidr(c) : text;
}

export function sameIp(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== undefined && y !== undefined && x.version === y.version && x.value === y.value;
}

export function sameCidr(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== undefined && y !== undefined && x.version === y.version && x.network === y.network && x.prefix === y.prefix;
}

export function ipInRange(ip: IpAddress, range: IpRange): boolean {
  return ip.version === range.start.version && ip.value >= range.start.value && ip.value <= range.end.value;
}

/** Parses a `{start, end}` pair of address texts; undefined when either is not an address. */
export function parseRange(start: string, end: string): IpRange | undefined {
  const s = parseIp(start);
  const e = parseIp(end);
  if (!s || !e || s.version !== e.version || s.value > e.value) return undefined;
  return { start: s, end: e };
}

/** Number of addresses in a range (as a JS number, capped for huge IPv6 ranges). */
export function rangeSize(range: IpRange): number {
  const n = range.end.value - range.start.value + 1n;
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}
