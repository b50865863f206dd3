/**
 * IP address arithmetic for the cidr* functions: IPv4 and IPv6 addresses as bigints, prefix
 * parsing, and canonical formatting (RFC 5952 for IPv6).
 */

export interface IpPrefix {
  /** 32 for IPv4, 128 for IPv6. */
  bits: 32 | 128;
  /** The network address (host bits cleared). */
  network: bigint;
  length: number;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseIPv6(text: string): bigint | undefined {
  let body = text;
  let tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    // An embedded IPv4 address (`::ffff:10.0.0.1`) supplies the last two groups.
    const v4 = parseIPv4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    const prefix = body.slice(0, lastColon + 1);
    body = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const known = head.length + rest.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (known > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
  } else {
    if (known !== 8) return undefined;
    groups = [...head, ...tail];
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

export function parseIp(text: string): { bits: 32 | 128; address: bigint } | undefined {
  if (text.includes(':')) {
    const a = parseIPv6(text);
    return a === undefined ? undefined : { bits: 128, address: a };
  }
  const a = parseIPv4(text);
  return a === undefined ? undefined : { bits: 32, address: a };
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

/** The mask with the first `length` of `bits` bits set. */
export function networkMask(bits: number, length: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - length)) - 1n);
}

export function formatIp(bits: 32 | 128, address: bigint): string {
  if (bits === 32) {
    const parts: number[] = [];
    for (let shift = 24n; shift >= 0n; shift -= 8n) parts.push(Number((address >> shift) & 0xffn));
    return parts.join('.');
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((address >> shift) & 0xffffn));
  // RFC 5952: compress the longest run (at least two) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatPrefix(bits: 32 | 128, network: bigint, length: number): string {
  return `${formatIp(bits, network)}/${length}`;
}
