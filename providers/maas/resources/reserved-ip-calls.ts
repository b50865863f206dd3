/**
 * The MAAS calls of reserved IPs (`reservedips/`, MAAS 3.6+: src/maasserver/api/reservedip.py)
 * and of the server's release (`version/`), which decides whether they exist. A reserved IP
 * is a DHCP lease pinned to a MAC; MAAS 3.6+ also refuses a static link that clashes with one
 * (src/maasserver/models/interface.py `_link_subnet_static`: 409).
 */
import type { FormFields } from '../client/form-body.js';
import { isMaasNotFound } from '../client/maas-api-error.js';
import type { MaasApi } from '../client/maas-api.js';
import type { MaasSubnet } from '../client/maas-types.js';
import { normalizeMac } from '../net/mac-address.js';
import { sameIp } from '../net/ip-address.js';

export interface MaasReservedIp {
  id: number;
  ip: string;
  mac_address: string;
  comment: string | null;
  subnet: MaasSubnet;
}

/** The first MAAS release with reserved IPs. */
export const RESERVED_IPS_SINCE = '3.6';

/** `major.minor` of a MAAS version string (`3.6.2`, `3.7.0~beta1`), or undefined. */
export function releaseOf(version: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** True when the release has reserved IPs (an unreadable version is taken as a new one). */
export function releaseHasReservedIps(version: string): boolean {
  const r = releaseOf(version);
  return r === undefined || r[0] > 3 || (r[0] === 3 && r[1] >= 6);
}

export async function serverVersion(api: MaasApi, signal?: AbortSignal): Promise<string> {
  return (await api.version(signal)).version;
}

export function listReservedIps(api: MaasApi, signal?: AbortSignal): Promise<MaasReservedIp[]> {
  return api.http.get('reservedips/', { signal });
}

export async function getReservedIp(api: MaasApi, id: string, signal?: AbortSignal): Promise<MaasReservedIp | null> {
  try {
    return await api.http.get<MaasReservedIp>(`reservedips/${encodeURIComponent(id)}/`, { signal });
  } catch (err) {
    if (isMaasNotFound(err)) return null;
    throw err;
  }
}

export function createReservedIp(api: MaasApi, fields: FormFields, signal?: AbortSignal): Promise<MaasReservedIp> {
  return api.http.post('reservedips/', { form: fields, signal });
}

/** Only the comment may change (forms/reservedip.py: ip, mac_address and subnet are immutable). */
export function updateReservedIpComment(api: MaasApi, id: string, comment: string, signal?: AbortSignal): Promise<MaasReservedIp> {
  return api.http.put(`reservedips/${encodeURIComponent(id)}/`, { form: { comment }, signal });
}

export async function deleteReservedIp(api: MaasApi, id: string, signal?: AbortSignal): Promise<void> {
  try {
    await api.http.delete(`reservedips/${encodeURIComponent(id)}/`, { signal });
  } catch (err) {
    if (!isMaasNotFound(err)) throw err;
  }
}

/** A reservation as the checks see it (existing, or planned in the same run). */
export interface Reservation {
  ip: string;
  mac: string;
  /** Where it comes from, for messages: `reserved IP 7` or `maas_reserved_ip.kuma`. */
  source: string;
}

/**
 * Why MAAS (3.6+) would refuse a STATIC link of `mac` to `ip`, or undefined: every
 * reservation with this MAC or this IP counts, on any subnet (models/interface.py
 * `_link_subnet_static`).
 */
export function reservationConflict(reservations: Reservation[], mac: string, ip: string): string | undefined {
  const m = normalizeMac(mac);
  const hits = reservations.filter((r) => normalizeMac(r.mac) === m || sameIp(r.ip, ip));
  if (hits.length > 1) {
    return `MAC ${m} or IP ${ip} belongs to several reserved IPs (${hits.map((h) => `${h.ip} for ${h.mac}, ${h.source}`).join('; ')}): MAAS refuses the link`;
  }
  const r = hits[0];
  if (!r) return undefined;
  if (!sameIp(r.ip, ip)) return `MAC ${m} has the reserved IP ${r.ip} (${r.source}), so MAAS refuses to link it to ${ip}; use ${r.ip}`;
  if (normalizeMac(r.mac) !== m) return `IP ${ip} is reserved for MAC ${r.mac} (${r.source}), so MAAS refuses to link it to ${m}`;
  return undefined;
}
