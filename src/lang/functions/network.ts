/** IP network functions: cidrhost, cidrsubnet, cidrsubnets, cidrnetmask (IPv4 and IPv6). */
import { formatIp, formatPrefix, networkMask, parsePrefix, type IpPrefix } from './cidr.js';
import { fail, type FunctionDef } from '../function-types.js';

const prefixParam = { name: 'prefix', type: 'string' as const };

function prefixArg(text: string): IpPrefix {
  const p = parsePrefix(text);
  if (typeof p === 'string') fail(p, 0);
  return p;
}

function hostMask(bits: number, length: number): bigint {
  return (1n << BigInt(bits - length)) - 1n;
}

export const NETWORK_FUNCTIONS: Record<string, FunctionDef> = {
  cidrhost: {
    params: [prefixParam, { name: 'hostnum', type: 'integer' }],
    body: (args) => {
      const p = prefixArg(args[0] as string);
      const hostnum = BigInt(args[1] as number);
      const size = 1n << BigInt(p.bits - p.length);
      const n = hostnum < 0n ? size + hostnum : hostnum;
      if (n < 0n || n >= size) fail(`a prefix of ${p.length} bits cannot accommodate a host numbered ${hostnum}`, 1);
      return formatIp(p.bits, p.network + n);
    },
  },
  cidrsubnet: {
    params: [prefixParam, { name: 'newbits', type: 'integer' }, { name: 'netnum', type: 'integer' }],
    body: (args) => {
      const p = prefixArg(args[0] as string);
      const newbits = args[1] as number;
      const netnum = BigInt(args[2] as number);
      if (newbits < 0) fail('newbits must not be negative', 1);
      const length = p.length + newbits;
      if (length > p.bits) fail(`insufficient address space to extend a prefix of ${p.length} bits by ${newbits}`, 1);
      if (netnum < 0n || netnum >= 1n << BigInt(newbits)) {
        fail(`a prefix extension of ${newbits} bits cannot accommodate a subnet numbered ${netnum}`, 2);
      }
      return formatPrefix(p.bits, p.network | (netnum << BigInt(p.bits - length)), length);
    },
  },
  cidrsubnets: {
    params: [prefixParam],
    variadic: { name: 'newbits', type: 'integer' },
    body: (args) => {
      const p = prefixArg(args[0] as string);
      const all = (1n << BigInt(p.bits)) - 1n;
      const newbits = args.slice(1) as number[];
      if (newbits.length === 0) return [];
      newbits.forEach((nb, i) => {
        if (nb < 1 || p.length + nb > p.bits) {
          fail(`newbits ${nb} must be at least 1 and fit in the ${p.bits - p.length} free bits of the prefix`, i + 1);
        }
      });
      // As go-cidr: start just before the prefix, then take each next aligned subnet.
      let curLen = p.length + newbits[0]!;
      let cur = (p.network - 1n) & all & networkMask(p.bits, curLen);
      const out: string[] = [];
      newbits.forEach((nb, i) => {
        const length = p.length + nb;
        const curLast = cur | hostMask(p.bits, curLen);
        const sub = curLast & networkMask(p.bits, length);
        const after = ((sub | hostMask(p.bits, length)) + 1n) & all;
        const next = after & networkMask(p.bits, length);
        if (after === 0n || (next & networkMask(p.bits, p.length)) !== p.network) {
          const after = out[out.length - 1] ?? formatPrefix(p.bits, p.network, p.length);
          fail(`not enough remaining address space for a subnet with a prefix of ${length} bits after ${after}`, i + 1);
        }
        cur = next;
        curLen = length;
        out.push(formatPrefix(p.bits, cur, length));
      });
      return out;
    },
  },
  cidrnetmask: {
    params: [prefixParam],
    body: (args) => {
      const p = prefixArg(args[0] as string);
      if (p.bits !== 32) fail('only IPv4 prefixes have a netmask', 0);
      return formatIp(32, networkMask(32, p.length));
    },
  },
};
