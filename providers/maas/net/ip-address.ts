/**
 * IP addresses, CIDRs and ranges as MAAS treats them (IPv4 and IPv6), pure and dependency-free:
 * parsing, canonical text, containment and range arithmetic. Addresses are held as bigints so
 * both families share one code path.
 */

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

const BITS: Record<IpVersion, number> = { 4: 32, 6: 128 };

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hex groups.
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const doubleColon = head.split('::');
  if (doubleColon.length > 2) return undefined;
  const groupsOf = (s: string): string[] | undefined => {
    if (s === '') return [];
    const g = s.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const left = groupsOf(doubleColon[0]!);
  const right = doubleColon.length === 2 ? groupsOf(doubleColon[1]!) : [];
  if (!left || !right) return undefined;
  const wanted = 8;
  let groups: string[];
  if (doubleColon.length === 2) {
    const missing = wanted - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<string>(missing).fill('0'), ...right];
  } else {
    groups = left;
  }
  if (groups.length !== wanted) return undefined;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
  return value;
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const t = text.trim();
  if (t.includes(':')) {
    const v = parseIPv6(t);
    return v === undefined ? undefined : { version: 6, value: v };
  }
  const v = parseIPv4(t);
  return v === undefined ? undefined : { version: 4, value: v };
}

export function isIp(text: string): boolean {
  return parseIp(text) !== undefined;
}

function mask(version: IpVersion, prefix: number): bigint {
  const bits = BITS[version];
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
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
  return cidr.network | ((1n << BigInt(BITS[cidr.version] - cidr.prefix)) - 1n);
}

function formatIPv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // The longest run of two or more zero groups becomes "::" (RFC 5952).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatIp(ip: IpAddress): string {
  if (ip.version === 6) return formatIPv6(ip.value);
  const v = ip.value;
  return [24n, 16n, 8n, 0n].map((s) => String(Number((v >> s) & 0xffn))).join('.');
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
