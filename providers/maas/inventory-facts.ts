/**
 * The inventory facts (`hl docs`) of MAAS resources: a `maas_device` (hostname, DNS name, MACs
 * from `mac_addresses` and `interfaces`, IPs from `interfaces.*.ip` and `ip_addresses`) and a
 * `maas_dns_record` (name, type, data). Each is its type's `inventory` hook in the schema
 * (provider-schema.ts).
 */
import { compareStrings, isValueMap, type Attributes } from '../../src/core/value.js';
import type { AddressFacts, DnsRecordFacts, InventoryFactsHook } from '../../src/provider/inventory-facts.js';
import { known, normalizeMac, strings } from '../../src/provider/attribute-text.js';

export const deviceInventoryFacts: InventoryFactsHook = { address: deviceFacts };

export const dnsRecordInventoryFacts: InventoryFactsHook = { dnsRecord: dnsRecordFacts };

function deviceFacts(a: Attributes): AddressFacts {
  const facts: AddressFacts = { macs: [], ips: [] };
  const hostname = known(a['hostname']);
  if (hostname !== undefined) facts.hostname = hostname;
  const domain = known(a['domain']);
  const fqdn = known(a['fqdn']) ?? (hostname !== undefined && domain !== undefined ? `${hostname}.${domain}` : undefined);
  if (fqdn !== undefined) facts.fqdn = fqdn.replace(/\.$/, '');
  const addMac = (m: string | undefined): void => {
    if (m === undefined) return;
    const n = normalizeMac(m);
    if (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(n) && !facts.macs.includes(n)) facts.macs.push(n);
  };
  const addIp = (ip: string | undefined): void => {
    if (ip !== undefined && !facts.ips.includes(ip)) facts.ips.push(ip);
  };
  for (const m of strings(a['mac_addresses'])) addMac(m);
  const interfaces = a['interfaces'];
  if (isValueMap(interfaces)) {
    for (const [label, entry] of Object.entries(interfaces).sort(([x], [y]) => compareStrings(x, y))) {
      addMac(label);
      if (isValueMap(entry)) {
        addMac(known(entry['mac']));
        addIp(known(entry['ip']));
      }
    }
  }
  for (const ip of strings(a['ip_addresses'])) addIp(ip);
  return facts;
}

function dnsRecordFacts(a: Attributes): DnsRecordFacts {
  const name = known(a['name']);
  const domain = known(a['domain']);
  const fqdn = known(a['fqdn']) ?? (name !== undefined && domain !== undefined ? (name === '@' ? domain : `${name}.${domain}`) : name);
  const facts: DnsRecordFacts = { data: strings(a['data']) };
  if (fqdn !== undefined) facts.fqdn = fqdn.replace(/\.$/, '');
  const type = known(a['type']);
  if (type !== undefined) facts.recordType = type.toUpperCase();
  return facts;
}
