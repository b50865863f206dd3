/**
 * IPv4 and IPv6 addresses as bigints, pure and dependency-free: parsing (dotted quads, IPv6
 * with `::` and an embedded IPv4 tail), canonical text (RFC 5952 for IPv6) and prefix masks.
 * The primitives under the language's cidr* functions (src/lang/functions/cidr.ts) and MAAS's address
 * checks (providers/maas/net/ip-address.ts), which keep their own shapes and error wording.
 */

/** 32 for IPv4, 128 for IPv6. */
export type IpBits = 32 | 128;

export interface ParsedIp {
  bits: IpBits;
  address: bigint;
}

export interface IpParseOptions {
  /**
   * Accept a dotted-quad part with leading zeros (`010.0.0.1`, read as decimal 10). MAAS
   * refuses it (default); the language's cidr* functions accept it.
   */
  leadingZeros?: boolean;
}

export function parseIPv4(text: string, options: IpParseOptions = {}): bigint | undefined {
  const part = options.leadingZeros ? /^\d{1,3}$/ : /^(0|[1-9][0-9]{0,2})$/;
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!part.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

export function parseIPv6(text: string, options: IpParseOptions = {}): bigint | undefined {
  let body = text;
  let tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    // An embedded IPv4 address (`::ffff:10.0.0.1`) supplies the last two groups.
    const v4 = parseIPv4(body.slice(lastColon + 1), options);
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

/** An IPv6 address when the text has a colon, else IPv4; undefined when it is not one. */
export function parseIpAddress(text: string, options: IpParseOptions = {}): ParsedIp | undefined {
  if (text.includes(':')) {
    const a = parseIPv6(text, options);
    return a === undefined ? undefined : { bits: 128, address: a };
  }
  const a = parseIPv4(text, options);
  return a === undefined ? undefined : { bits: 32, address: a };
}

/** The mask with the first `length` of `bits` bits set. */
export function networkMask(bits: number, length: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - length)) - 1n);
}

/** The mask with the last `bits - length` bits set (the host part). */
export function hostMask(bits: number, length: number): bigint {
  return (1n << BigInt(bits - length)) - 1n;
}

/** Dotted quad, or RFC 5952 text for IPv6 (lowercase, the longest run of 2+ zero groups as `::`, the first on ties). */
export function formatIp(bits: IpBits, address: bigint): string {
  if (bits === 32) {
    const parts: number[] = [];
    for (let shift = 24n; shift >= 0n; shift -= 8n) parts.push(Number((address >> shift) & 0xffn));
    return parts.join('.');
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((address >> shift) & 0xffffn));
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
