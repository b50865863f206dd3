/**
 * The ordering MAAS needs between a device and an A/AAAA record on the same literal IP,
 * which config need not express by a reference (pure).
 *
 * A device's static link takes its address with get_or_create and refuses any address that
 * already exists: "IP address is already in use." (src/maasserver/models/interface.py,
 * Interface._link_subnet_static). A DNS record's address reuses the StaticIPAddress that
 * exists, else makes a USER_RESERVED one (forms/dnsresource.py, DNSResourceForm.clean_ip and
 * save). So the device must link first and the record point at it after: the record depends
 * on the device (and is deleted before it).
 */
import type { ImplicitDependency, PlannedInstance } from '../../../src/provider/contract.js';
import { isValueMap } from '../../../src/core/value.js';
import { formatIp, parseIp } from '../net/ip-address.js';
import { isAddressType, isDnsRecordType } from './dns-record-config.js';

function canonical(text: string): string | undefined {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : undefined;
}

function deviceIps(attributes: PlannedInstance['attributes']): string[] {
  const interfaces = attributes.interfaces;
  if (!isValueMap(interfaces)) return [];
  const out: string[] = [];
  for (const iface of Object.values(interfaces)) {
    if (!isValueMap(iface) || typeof iface.ip !== 'string') continue;
    const ip = canonical(iface.ip);
    if (ip !== undefined) out.push(ip);
  }
  return out;
}

export function dnsRecordDeviceOrdering(resources: readonly PlannedInstance[]): ImplicitDependency[] {
  const deviceByIp = new Map<string, string>();
  for (const r of resources) {
    if (r.type === 'maas_device') for (const ip of deviceIps(r.attributes)) deviceByIp.set(ip, r.address);
  }
  const out: ImplicitDependency[] = [];
  for (const r of resources) {
    if (r.type !== 'maas_dns_record' || !isDnsRecordType(r.attributes.type) || !isAddressType(r.attributes.type)) continue;
    const data = Array.isArray(r.attributes.data) ? r.attributes.data : [];
    const seen = new Set<string>();
    for (const item of data) {
      const ip = typeof item === 'string' ? canonical(item) : undefined;
      const device = ip === undefined ? undefined : deviceByIp.get(ip);
      if (!device || seen.has(device)) continue;
      seen.add(device);
      out.push({
        dependent: r.address,
        dependency: device,
        reason: `${item as string} is a static IP of ${device}: MAAS links it to the device only while no DNS record holds it`,
      });
    }
  }
  return out;
}
