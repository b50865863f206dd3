/**
 * Issue 17, item 1 (ordering): a DNS record on a device's literal static IP is applied after
 * the device and deleted before it, though config has no reference between them (MAAS refuses
 * to link an IP a DNS record already holds). Added through the provider hook
 * `implicitDependencies`, never closing a cycle with config's own references.
 */
import { describe, expect, it } from 'vitest';
import { buildApplyGraph, applyNodeId } from '../../src/apply/apply-graph.js';
import { planMaasConfig } from './support/plan-maas-config.js';

const yaml = (extra = '') => `resources:
  maas_device.kuma_host:
    hostname: kuma-host
    interfaces:
      lan: { mac: "bc:24:11:00:00:60", subnet: 192.168.4.0/24, ip: 192.168.4.60 }
  maas_dns_record.kuma:
    type: A
    fqdn: kuma.maas
    data: ["192.168.4.60"]${extra}
  maas_dns_record.other:
    type: A
    fqdn: other.maas
    data: ["192.168.4.61"]
`;

describe('implicit ordering of maas_device and maas_dns_record', () => {
  it('the record on the device IP depends on the device; another record does not', () => {
    const { plan, diagnostics } = planMaasConfig(yaml());
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const kuma = plan!.changes.find((c) => c.address === 'maas_dns_record.kuma')!;
    expect(kuma.dependencies).toEqual(['maas_device.kuma_host']);
    expect(plan!.changes.find((c) => c.address === 'maas_dns_record.other')!.dependencies).toEqual([]);
    const g = buildApplyGraph(plan!);
    expect(g.dag.dependenciesOf(applyNodeId('maas_dns_record.kuma'))).toContain(applyNodeId('maas_device.kuma_host'));
  });

  it('is left out where config already orders the other way', () => {
    const { plan } = planMaasConfig(yaml().replace('hostname: kuma-host', 'hostname: kuma-host\n    description: "${maas_dns_record.kuma.fqdn}"'));
    expect(plan!.changes.find((c) => c.address === 'maas_dns_record.kuma')!.dependencies).toEqual([]);
    expect(plan!.changes.find((c) => c.address === 'maas_device.kuma_host')!.dependencies).toEqual(['maas_dns_record.kuma']);
  });
});
