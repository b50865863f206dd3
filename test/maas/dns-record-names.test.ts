/**
 * Issue 17, item 5: DNS record names are checked at plan time the way MAAS validates them
 * (models/dnsresource.py validate_dnsresource_name for A/AAAA: one label, no underscore;
 * CNAME/TXT names unchecked by MAAS, DNS labels with underscores for hl), reported at the
 * attribute's place in the config file.
 */
import { describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/core/diagnostic.js';
import { planMaasConfig } from './support/plan-maas-config.js';

describe('maas_dns_record names at plan time', () => {
  it.each([
    { reason: 'A name with an underscore', type: 'A', name: '_kuma', data: '192.168.4.60', message: 'Invalid dnsresource name: _kuma.' },
    { reason: 'AAAA name with a dot', type: 'AAAA', name: 'a.b', data: 'fd00::60', message: 'Invalid dnsresource name: a.b.' },
  ])('$reason is refused with its location', ({ type, name, data, message }) => {
    const yaml = `resources:\n  maas_dns_record.r:\n    type: ${type}\n    name: "${name}"\n    domain: maas\n    data: ["${data}"]\n`;
    const r = planMaasConfig(yaml);
    const d = r.diagnostics.find((x) => x.severity === 'error');
    expect(d?.summary).toBe(`maas_dns_record.r: invalid name "${name}": ${message}`);
    expect(formatLocation(d!.location!)).toBe('main.yaml:4:11');
  });

  it('an A fqdn whose name has an underscore is refused at the fqdn', () => {
    const r = planMaasConfig('resources:\n  maas_dns_record.r:\n    type: A\n    fqdn: _kuma.maas\n    data: ["192.168.4.60"]\n');
    const d = r.diagnostics.find((x) => x.severity === 'error');
    expect(d?.summary).toBe('maas_dns_record.r: invalid fqdn "_kuma.maas": Invalid dnsresource name: _kuma.');
    expect(formatLocation(d!.location!)).toBe('main.yaml:4:11');
  });

  it.each([
    { type: 'TXT', name: '_acme-challenge', data: 'token' },
    { type: 'TXT', name: '_sip._tcp', data: 'x' },
    { type: 'CNAME', name: 'www', data: 'kuma.maas' },
    { type: 'A', name: '*', data: '192.168.4.60' },
    { type: 'A', name: '@', data: '192.168.4.60' },
  ])('$type $name is accepted', ({ type, name, data }) => {
    const yaml = `resources:\n  maas_dns_record.r:\n    type: ${type}\n    name: "${name}"\n    domain: maas\n    data: ["${data}"]\n`;
    expect(planMaasConfig(yaml).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
