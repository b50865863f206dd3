import { describe, expect, it } from 'vitest';
import { formatIp, parseIp, parsePrefix } from '../../src/lang/functions/cidr.js';
import { errorOf, valueOf } from './helpers.js';

describe('cidr functions', () => {
  const cases: { expr: string; want: unknown }[] = [
    { expr: 'cidrhost("10.0.0.0/24", 5)', want: '10.0.0.5' },
    { expr: 'cidrhost("10.0.0.0/24", -1)', want: '10.0.0.255' },
    { expr: 'cidrhost("10.0.0.7/24", 0)', want: '10.0.0.0' },
    { expr: 'cidrhost("192.168.1.0/30", 3)', want: '192.168.1.3' },
    { expr: 'cidrhost("10.12.112.0/20", 16)', want: '10.12.112.16' },
    { expr: 'cidrhost("10.12.112.0/20", 268)', want: '10.12.113.12' },
    { expr: 'cidrhost("fd00::/64", 1)', want: 'fd00::1' },
    { expr: 'cidrhost("fd00:fd12:3456:7890::/56", 16)', want: 'fd00:fd12:3456:7800::10' },
    { expr: 'cidrhost("fd00:fd12:3456:7890::/56", 268)', want: 'fd00:fd12:3456:7800::10c' },
    { expr: 'cidrhost("2001:db8::/32", 65536)', want: '2001:db8::1:0' },
    { expr: 'cidrsubnet("10.0.0.0/16", 8, 2)', want: '10.0.2.0/24' },
    { expr: 'cidrsubnet("172.16.0.0/12", 4, 2)', want: '172.18.0.0/16' },
    { expr: 'cidrsubnet("10.1.2.0/24", 4, 15)', want: '10.1.2.240/28' },
    { expr: 'cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)', want: 'fd00:fd12:3456:7800:a200::/72' },
    { expr: 'cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)', want: ['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20'] },
    { expr: 'cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)', want: ['fd00:fd12:3456:7800::/72', 'fd00:fd12:3456:7800:100::/72', 'fd00:fd12:3456:7800:200::/72', 'fd00:fd12:3456:7800:300::/88'] },
    { expr: 'cidrnetmask("172.16.0.0/12")', want: '255.240.0.0' },
    { expr: 'cidrnetmask("10.0.0.0/32")', want: '255.255.255.255' },
    { expr: 'cidrnetmask("10.0.0.0/0")', want: '0.0.0.0' },
  ];
  it.each(cases)('$expr', ({ expr, want }) => {
    expect(valueOf(expr)).toEqual(want);
  });

  const errors: { expr: string; message: string }[] = [
    { expr: 'cidrhost("10.0.0.0/24", 256)', message: 'cidrhost: a prefix of 24 bits cannot accommodate a host numbered 256' },
    { expr: 'cidrhost("10.0.0.0/24", -257)', message: 'cidrhost: a prefix of 24 bits cannot accommodate a host numbered -257' },
    { expr: 'cidrhost("10.0.0.0", 1)', message: 'cidrhost: "10.0.0.0" is not a CIDR prefix; expected an address and a length such as "10.0.0.0/24"' },
    { expr: 'cidrhost("10.0.0.300/24", 1)', message: 'cidrhost: "10.0.0.300/24" does not start with a valid IPv4 or IPv6 address' },
    { expr: 'cidrhost("10.0.0.0/33", 1)', message: 'cidrhost: "10.0.0.0/33" has an invalid prefix length; expected 0 to 32' },
    { expr: 'cidrsubnet("10.0.0.0/24", 10, 0)', message: 'cidrsubnet: insufficient address space to extend a prefix of 24 bits by 10' },
    { expr: 'cidrsubnet("10.0.0.0/16", 8, 256)', message: 'cidrsubnet: a prefix extension of 8 bits cannot accommodate a subnet numbered 256' },
    { expr: 'cidrnetmask("fd00::/64")', message: 'cidrnetmask: only IPv4 prefixes have a netmask' },
    { expr: 'cidrsubnets("10.0.0.0/30", 1, 1, 1)', message: 'cidrsubnets: not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31' },
  ];
  it.each(errors)('$expr', ({ expr, message }) => {
    expect(errorOf(expr)).toBe(message);
  });
});

describe('IP parsing and formatting', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fe80::1:2', 'fe80::1:2'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('%s formats as %s', (input, want) => {
    const ip = parseIp(input)!;
    expect(ip.bits).toBe(128);
    expect(formatIp(ip.bits, ip.address)).toBe(want);
  });

  it.each(['1:2:3', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '1.2.3', '1.2.3.256'])('rejects %s', (input) => {
    expect(parseIp(input)).toBeUndefined();
  });

  it('clears host bits of a prefix', () => {
    expect(parsePrefix('10.0.0.77/24')).toEqual({ bits: 32, network: 0x0a000000n, length: 24 });
  });
});
