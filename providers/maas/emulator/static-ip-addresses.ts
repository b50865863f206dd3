/**
 * The emulated region's StaticIPAddresses behind DNS resources, as MAAS keeps them:
 * - a DNS resource's address is the StaticIPAddress with that IP when one exists (a device's
 *   STICKY link, or a USER_RESERVED address), else a new USER_RESERVED one owned by the
 *   requesting user (src/maasserver/forms/dnsresource.py, DNSResourceForm.clean_ip and save);
 * - dropping an address from a resource only unlinks it: the USER_RESERVED address stays
 *   allocated, so a device asking for it later is told "IP address is already in use."
 *   (models/interface.py, Interface._link_subnet_static);
 * - deleting a resource frees its addresses only from MAAS 3.6.1 (models/dnsresource.py,
 *   DNSResource.delete; `MaasProfile.dnsResourceDeleteFreesAddresses`);
 * - deleting a StaticIPAddress (a release, a device's unlink) removes it from every resource
 *   that pointed at it (the many-to-many rows go with it).
 */
import { sameIp } from '../net/ip-address.js';
import type { MaasProfile } from './maas-profile.js';
import { subnetForIp } from './world-queries.js';
import { nextId, type MaasWorld, type WorldDnsResource, type WorldUserReservedAddress } from './world.js';

/** The reserved addresses of a world, created for a world file written before they were modelled. */
export function reservedIps(world: MaasWorld): WorldUserReservedAddress[] {
  if (!world.reserved_ips) {
    world.reserved_ips = [];
    for (const r of world.dnsresources) for (const ip of r.ip_addresses) if (!nodeLinkOf(world, ip)) reserve(world, ip, world.admin_user);
  }
  return world.reserved_ips;
}

function nodeLinkOf(world: MaasWorld, ip: string): boolean {
  return world.nodes.some((n) => n.interfaces.some((i) => i.links.some((l) => l.ip !== null && sameIp(l.ip, ip))));
}

export function reservedIpAt(world: MaasWorld, ip: string): WorldUserReservedAddress | undefined {
  return reservedIps(world).find((r) => sameIp(r.ip, ip));
}

function reserve(world: MaasWorld, ip: string, user: string): WorldUserReservedAddress {
  const entry: WorldUserReservedAddress = {
    id: nextId(world, 'ip'),
    ip,
    subnet_id: subnetForIp(world, ip)?.id ?? null,
    user,
    created: new Date().toISOString().replace('Z', ''),
  };
  (world.reserved_ips ??= []).push(entry);
  return entry;
}

/** DNSResourceForm.save: the StaticIPAddress for each address, made USER_RESERVED when none exists. */
export function allocateForDns(world: MaasWorld, ips: readonly string[], user: string): void {
  for (const ip of ips) if (!nodeLinkOf(world, ip) && !reservedIpAt(world, ip)) reserve(world, ip, user);
}

/** DNSResource.delete from 3.6.1: its USER_RESERVED addresses no other resource uses go. */
export function freeOnResourceDelete(world: MaasWorld, profile: MaasProfile, resource: WorldDnsResource): void {
  if (!profile.dnsResourceDeleteFreesAddresses) return;
  for (const ip of resource.ip_addresses) {
    const users = world.dnsresources.filter((r) => r.ip_addresses.some((x) => sameIp(x, ip)));
    if (users.length === 1 && users[0] === resource) deleteReserved(world, ip);
  }
}

export function deleteReserved(world: MaasWorld, ip: string): void {
  world.reserved_ips = reservedIps(world).filter((r) => !sameIp(r.ip, ip));
}

/**
 * Resource addresses whose StaticIPAddress is gone (released, or a device link removed) are
 * no longer linked: run after every change.
 */
export function dropUnbackedDnsAddresses(world: MaasWorld): void {
  for (const r of world.dnsresources) {
    const kept = r.ip_addresses.filter((ip) => nodeLinkOf(world, ip) || reservedIpAt(world, ip));
    if (kept.length !== r.ip_addresses.length) r.ip_addresses = kept;
  }
}
