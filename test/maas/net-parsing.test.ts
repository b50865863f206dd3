/** The pure address helpers the plan-time checks rely on. */
import { describe, expect, it } from 'vitest';
import {
  canonicalCidr,
  canonicalIp,
  cidrContains,
  parseCidr,
  parseIp,
  sameIp,
} from '../../providers/maas/net/ip-address.js';
import { normalizeMac, sameMac } from '../../providers/maas/net/mac-address.js';
import { hostnameProblem, recordNameProblem } from '../../providers/maas/net/dns-name.js';

describe('IP addresses', () => {
  it.each([
    ['192.168.4.50', '192.168.4.50'],
    ['fd00::60', 'fd00::60'],
    ['FD00:0:0:0:0:0:0:60', 'fd00::60'],
    ['::1', '::1'],
    ['::', '::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('%s is canonically %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
  });

  it.each(['192.168.4', '192.168.4.256', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', 'fd00::g', '', 'kuma'])('%j is not an address', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it('CIDRs: containment, host bits, canonical text', () => {
    const lan = parseCidr('192.168.4.0/24')!;
    expect(cidrContains(lan, parseIp('192.168.4.254')!)).toBe(true);
    expect(cidrContains(lan, parseIp('192.168.5.1')!)).toBe(false);
    expect(cidrContains(lan, parseIp('fd00::1')!)).toBe(false);
    expect(parseCidr('192.168.4.7/24', true)).toBeUndefined();
    expect(canonicalCidr('192.168.4.7/24')).toBe('192.168.4.0/24');
    expect(cidrContains(parseCidr('fd00::/64')!, parseIp('fd00::abcd')!)).toBe(true);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(sameIp('fd00::1', 'FD00:0::1')).toBe(true);
  });
});

describe('MAC addresses', () => {
  it('normalizes the forms MAAS accepts', () => {
    expect(normalizeMac('BC:24:11:0A:0B:0C')).toBe('bc:24:11:0a:0b:0c');
    expect(normalizeMac('bc-24-11-a-b-c')).toBe('bc:24:11:0a:0b:0c');
    expect(normalizeMac('bc24110a0b0c')).toBe('bc:24:11:0a:0b:0c');
    expect(normalizeMac('bc:24:11:0a:0b')).toBeUndefined();
    expect(normalizeMac('zz:24:11:0a:0b:0c')).toBeUndefined();
    expect(sameMac('BC-24-11-0A-0B-0C', 'bc:24:11:0a:0b:0c')).toBe(true);
  });
});

describe('DNS names (MAAS rules)', () => {
  it('hostnames and record names', () => {
    expect(hostnameProblem('k3s-vm-pve')).toBeUndefined();
    expect(hostnameProblem('-x')).toBe("Label cannot start or end with hyphen: '-x'.");
    expect(hostnameProblem('a_b')).toBe("Host label cannot contain underscore: 'a_b'.");
    expect(recordNameProblem('_acme-challenge')).toBeUndefined();
    expect(recordNameProblem('@')).toBeUndefined();
  });
});
