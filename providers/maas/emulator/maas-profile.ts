/**
 * Version profiles of the MAAS emulator: what the region does differently depending on the MAAS
 * release it plays. Chosen when the emulator starts (`maasVersion`, default 3.5) and a
 * property of the software, not of the world file. Each fact names where the real behaviour
 * lives (canonical/maas `src/maasserver/...`); handlers read the fact, never the version.
 */

export type MaasVersion = '3.5' | '3.6' | '3.7';
export const MAAS_VERSIONS: readonly MaasVersion[] = ['3.5', '3.6', '3.7'];
export const DEFAULT_MAAS_VERSION: MaasVersion = '3.5';

export interface MaasProfile {
  version: MaasVersion;
  /** Full release string, as `GET /api/2.0/version/` reports it. */
  release: string;
  /**
   * Deleting a DNS resource also deletes its USER_RESERVED addresses that no interface and
   * no other DNS resource uses (src/maasserver/models/dnsresource.py, DNSResource.delete with
   * StaticIPAddress.is_safe_to_delete; added in 3.6.1 by "fix: remove the associated IP
   * address when deleting a DNS resource record"). Before, they stayed allocated. A PUT that
   * drops an address keeps it allocated in every release (forms/dnsresource.py only links
   * and unlinks).
   */
  dnsResourceDeleteFreesAddresses: boolean;
  /**
   * Reserved IPs (static DHCP leases by MAC) exist: `reservedips/` in urls_api.py,
   * src/maasserver/api/reservedip.py and models/reservedip.py are new in 3.6.0 (absent in
   * 3.5.x, where the URL answers "Unknown API endpoint"), and models/interface.py
   * `_link_subnet_static` refuses a static link that conflicts with one (409).
   */
  reservedIps: boolean;
}

const PROFILES: Readonly<Record<MaasVersion, MaasProfile>> = {
  '3.5': { version: '3.5', release: '3.5.4', dnsResourceDeleteFreesAddresses: false, reservedIps: false },
  '3.6': { version: '3.6', release: '3.6.2', dnsResourceDeleteFreesAddresses: true, reservedIps: true },
  '3.7': { version: '3.7', release: '3.7.0', dnsResourceDeleteFreesAddresses: true, reservedIps: true },
};

export function isMaasVersion(v: unknown): v is MaasVersion {
  return typeof v === 'string' && (MAAS_VERSIONS as readonly string[]).includes(v);
}

/** The profile of a release; throws for a version the emulator does not model (a bug in the caller). */
export function maasProfile(version: MaasVersion = DEFAULT_MAAS_VERSION): MaasProfile {
  const p = PROFILES[version];
  if (!p) throw new Error(`no MAAS profile for version '${String(version)}' (known: ${MAAS_VERSIONS.join(', ')})`);
  return p;
}
