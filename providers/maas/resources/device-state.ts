/**
 * A MAAS device turned into `maas_device` state attributes, spelled like the config (the
 * "hints": the planned attributes after create/update, the prior state on refresh): a MAC,
 * IP or subnet that MAAS reports in its own canonical form keeps the config's text when it
 * means the same thing, and interfaces keep their config labels. Without hints (import),
 * interfaces with a static link are keyed by their MAC with `{subnet: <cidr>, ip}`.
 *
 * Only what the config manages is mirrored: a static link added in the MAAS UI to an
 * interface the config does not mention shows in `ip_addresses` but not in `interfaces`.
 */
import { isValueMap, type Attributes, type Value, type ValueMap } from '../../../src/core/value.js';
import type { MaasDevice, MaasInterface, MaasLink } from '../client/maas-types.js';
import { sameCidr, sameIp } from '../net/ip-address.js';
import { isMac, sameMac } from '../net/mac-address.js';

function staticLinks(iface: MaasInterface): (MaasLink & { ip_address: string })[] {
  return iface.links.filter(
    (l): l is MaasLink & { ip_address: string } =>
      l.mode.toLowerCase() === 'static' && typeof l.ip_address === 'string' && l.ip_address !== '',
  );
}

function findInterface(device: MaasDevice, mac: string): MaasInterface | undefined {
  return device.interface_set.find((i) => i.mac_address && sameMac(i.mac_address, mac));
}

function hintMac(label: string, entry: ValueMap | undefined): string | undefined {
  const m = entry?.mac;
  if (typeof m === 'string') return m;
  return isMac(label) ? label : undefined;
}

function chooseLink(iface: MaasInterface, hintIp: Value | undefined): (MaasLink & { ip_address: string }) | undefined {
  const links = staticLinks(iface);
  if (typeof hintIp === 'string') {
    const match = links.find((l) => sameIp(l.ip_address, hintIp));
    if (match) return match;
  }
  return links[0];
}

/** True when a hint subnet object names the given MAAS subnet. */
function objectNames(hint: ValueMap, subnetId: number, cidr: string): boolean {
  if (typeof hint.id === 'number' || typeof hint.id === 'string') return Number(hint.id) === subnetId;
  return typeof hint.cidr === 'string' && sameCidr(hint.cidr, cidr);
}

function subnetValue(hint: Value | undefined, link: MaasLink, objects: ReadonlyMap<number, ValueMap>): Value {
  const s = link.subnet;
  if (!s) return null;
  if (typeof hint === 'number') return s.id;
  if (typeof hint === 'string' && /^\d+$/.test(hint.trim())) return String(s.id);
  if (typeof hint === 'string') return sameCidr(hint, s.cidr) ? hint : s.cidr;
  if (isValueMap(hint)) return objectNames(hint, s.id, s.cidr) ? hint : (objects.get(s.id) ?? s.cidr);
  return s.cidr;
}

/** Subnet ids whose data-source object must be fetched to mirror an object-form hint. */
export function subnetObjectsNeeded(device: MaasDevice, hints: Attributes | null): number[] {
  const out = new Set<number>();
  const ifaces = hints?.interfaces;
  if (!isValueMap(ifaces)) return [];
  for (const [label, raw] of Object.entries(ifaces)) {
    const entry = isValueMap(raw) ? raw : undefined;
    if (!entry || !isValueMap(entry.subnet)) continue;
    const mac = hintMac(label, entry);
    const iface = mac ? findInterface(device, mac) : undefined;
    const link = iface ? chooseLink(iface, entry.ip) : undefined;
    if (link?.subnet && !objectNames(entry.subnet, link.subnet.id, link.subnet.cidr)) out.add(link.subnet.id);
  }
  return [...out];
}

function macList(device: MaasDevice, hints: Attributes | null): string[] {
  const actual = device.interface_set.map((i) => i.mac_address).filter((m): m is string => typeof m === 'string' && m !== '');
  const hinted = Array.isArray(hints?.mac_addresses) ? hints.mac_addresses.filter((m): m is string => typeof m === 'string') : [];
  const out: string[] = [];
  for (const h of hinted) if (actual.some((a) => sameMac(a, h)) && !out.some((o) => sameMac(o, h))) out.push(h);
  for (const a of actual) if (!out.some((o) => sameMac(o, a))) out.push(a);
  return out;
}

function interfacesValue(device: MaasDevice, hints: Attributes | null, objects: ReadonlyMap<number, ValueMap>): ValueMap {
  const out: ValueMap = {};
  const ifaces = hints?.interfaces;
  if (!isValueMap(ifaces)) {
    for (const iface of device.interface_set) {
      const link = staticLinks(iface)[0];
      if (link && iface.mac_address) out[iface.mac_address] = { subnet: link.subnet?.cidr ?? null, ip: link.ip_address };
    }
    return out;
  }
  for (const [label, raw] of Object.entries(ifaces)) {
    const entry = isValueMap(raw) ? raw : undefined;
    const mac = hintMac(label, entry);
    const iface = mac ? findInterface(device, mac) : undefined;
    if (!iface) continue;
    const state: ValueMap = {};
    if (entry && entry.mac !== undefined && entry.mac !== null) state.mac = entry.mac;
    const link = chooseLink(iface, entry?.ip);
    if (!link) {
      state.subnet = null;
      state.ip = null;
    } else {
      state.subnet = subnetValue(entry?.subnet, link, objects);
      state.ip = typeof entry?.ip === 'string' && sameIp(entry.ip, link.ip_address) ? entry.ip : link.ip_address;
    }
    out[label] = state;
  }
  return out;
}

export function deviceStateFrom(
  device: MaasDevice,
  hints: Attributes | null,
  subnetObjects: ReadonlyMap<number, ValueMap> = new Map(),
): Attributes {
  return {
    system_id: device.system_id,
    hostname: device.hostname,
    domain: device.domain?.name ?? null,
    zone: device.zone?.name ?? null,
    description: device.description ?? '',
    parent: device.parent ?? null,
    fqdn: device.fqdn,
    mac_addresses: macList(device, hints),
    interfaces: interfacesValue(device, hints, subnetObjects),
    ip_addresses: [...(device.ip_addresses ?? [])],
  };
}
