/**
 * The MAAS API 2.0 calls this provider makes, typed. Paths are MAAS's (urls_api.py): note
 * `dnsresourcerecords/` (the CLI calls it `dnsresource-records`). Reads of one object answer
 * null when MAAS says "No X matches the given query."; any other failure is a ProviderError.
 * Every POST says how to find what an earlier attempt of it made (`readBack`), so that the
 * HTTP client may send it again when MAAS answers "retry after" (maas-http-client.ts).
 */
import type { FormFields } from './form-body.js';
import { isMaasNotFound } from './maas-api-error.js';
import type { MaasHttpClient } from './maas-http-client.js';
import { parseMaasRelease, type MaasRelease } from './maas-server-version.js';
import type {
  MaasDevice,
  MaasDnsData,
  MaasDnsResource,
  MaasDomain,
  MaasInterface,
  MaasNode,
  MaasIpAddress,
  MaasReservedRange,
  MaasSubnet,
  MaasSubnetIpAddress,
  MaasUnreservedRange,
  MaasVersion,
  MaasZone,
} from './maas-types.js';

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isMaasNotFound(err)) return null;
    throw err;
  }
}

export interface DeviceFilter {
  hostname?: string[];
  mac_address?: string[];
  id?: string[];
  domain?: string;
}

export class MaasApi {
  private release: Promise<MaasRelease | undefined> | undefined;

  constructor(readonly http: MaasHttpClient) {}

  version(signal?: AbortSignal): Promise<MaasVersion> {
    return this.http.get('version/', { signal });
  }

  /** The server's release, asked once (a failed ask is asked again next time). */
  serverRelease(signal?: AbortSignal): Promise<MaasRelease | undefined> {
    this.release ??= this.version(signal).then(
      (v) => parseMaasRelease(v.version),
      (err: unknown) => {
        this.release = undefined;
        throw err;
      },
    );
    return this.release;
  }

  // --- domains, zones -------------------------------------------------------------------
  listDomains(signal?: AbortSignal): Promise<MaasDomain[]> {
    return this.http.get('domains/', { signal });
  }
  listZones(signal?: AbortSignal): Promise<MaasZone[]> {
    return this.http.get('zones/', { signal });
  }

  // --- subnets --------------------------------------------------------------------------
  listSubnets(signal?: AbortSignal): Promise<MaasSubnet[]> {
    return this.http.get('subnets/', { signal });
  }
  getSubnet(id: number, signal?: AbortSignal): Promise<MaasSubnet | null> {
    return orNull(this.http.get(`subnets/${id}/`, { signal }));
  }
  reservedRanges(subnetId: number, signal?: AbortSignal): Promise<MaasReservedRange[]> {
    return this.http.get(`subnets/${subnetId}/`, { op: 'reserved_ip_ranges', signal });
  }
  unreservedRanges(subnetId: number, signal?: AbortSignal): Promise<MaasUnreservedRange[]> {
    return this.http.get(`subnets/${subnetId}/`, { op: 'unreserved_ip_ranges', signal });
  }
  subnetIpAddresses(subnetId: number, signal?: AbortSignal): Promise<MaasSubnetIpAddress[]> {
    return this.http.get(`subnets/${subnetId}/`, {
      op: 'ip_addresses',
      query: { with_username: 1, with_summary: 1 },
      signal,
    });
  }

  // --- nodes and devices --------------------------------------------------------------------------
  /** Any node type (machines, devices, controllers), filtered like devices/. */
  listNodes(filter: DeviceFilter, signal?: AbortSignal): Promise<MaasNode[]> {
    return this.http.get('nodes/', { query: { ...filter }, signal });
  }
  listDevices(filter: DeviceFilter, signal?: AbortSignal): Promise<MaasDevice[]> {
    return this.http.get('devices/', { query: { ...filter }, signal });
  }
  getDevice(systemId: string, signal?: AbortSignal): Promise<MaasDevice | null> {
    return orNull(this.http.get(`devices/${encodeURIComponent(systemId)}/`, { signal }));
  }
  createDevice(fields: FormFields, signal?: AbortSignal): Promise<MaasDevice> {
    const hostname = typeof fields.hostname === 'string' ? fields.hostname : undefined;
    const macs = ([] as unknown[]).concat(fields.mac_addresses ?? []).map((m) => String(m).toLowerCase());
    return this.http.post('devices/', {
      form: fields,
      signal,
      // a device with the hostname and one of the MACs asked for is the one an attempt made
      readBack: async (s) => {
        if (hostname === undefined || macs.length === 0) return null;
        const found = await this.listDevices({ hostname: [hostname] }, s);
        return found.find((d) => d.interface_set.some((i) => macs.includes(i.mac_address.toLowerCase()))) ?? null;
      },
    });
  }
  updateDevice(systemId: string, fields: FormFields, signal?: AbortSignal): Promise<MaasDevice> {
    return this.http.put(`devices/${encodeURIComponent(systemId)}/`, { form: fields, signal });
  }
  /** false when the device was already gone. */
  async deleteDevice(systemId: string, signal?: AbortSignal): Promise<boolean> {
    const r = await orNull(this.http.delete(`devices/${encodeURIComponent(systemId)}/`, { signal }).then(() => true));
    return r === true;
  }

  // --- interfaces -----------------------------------------------------------------------
  listInterfaces(systemId: string, signal?: AbortSignal): Promise<MaasInterface[]> {
    return this.http.get(`nodes/${encodeURIComponent(systemId)}/interfaces/`, { signal });
  }
  getInterface(systemId: string, interfaceId: number, signal?: AbortSignal): Promise<MaasInterface | null> {
    return orNull(this.http.get(`nodes/${encodeURIComponent(systemId)}/interfaces/${interfaceId}/`, { signal }));
  }
  createPhysicalInterface(systemId: string, fields: FormFields, signal?: AbortSignal): Promise<MaasInterface> {
    const mac = String(fields.mac_address ?? '').toLowerCase();
    return this.http.post(`nodes/${encodeURIComponent(systemId)}/interfaces/`, {
      op: 'create_physical',
      form: fields,
      signal,
      readBack: async (s) => (await this.listInterfaces(systemId, s)).find((i) => i.mac_address.toLowerCase() === mac) ?? null,
    });
  }
  async deleteInterface(systemId: string, interfaceId: number, signal?: AbortSignal): Promise<void> {
    await orNull(this.http.delete(`nodes/${encodeURIComponent(systemId)}/interfaces/${interfaceId}/`, { signal }));
  }
  linkSubnet(
    systemId: string,
    interfaceId: number,
    link: { subnet: number; ip_address: string },
    signal?: AbortSignal,
  ): Promise<MaasInterface> {
    return this.http.post(`nodes/${encodeURIComponent(systemId)}/interfaces/${interfaceId}/`, {
      op: 'link_subnet',
      form: { mode: 'STATIC', subnet: link.subnet, ip_address: link.ip_address },
      signal,
      // the interface already holding the address is what the link made
      readBack: async (s) => {
        const iface = await this.getInterface(systemId, interfaceId, s);
        return iface?.links.some((l) => l.ip_address === link.ip_address) ? iface : null;
      },
    });
  }
  unlinkSubnet(systemId: string, interfaceId: number, linkId: number, signal?: AbortSignal): Promise<MaasInterface> {
    return this.http.post(`nodes/${encodeURIComponent(systemId)}/interfaces/${interfaceId}/`, {
      op: 'unlink_subnet',
      form: { id: linkId },
      signal,
      readBack: async (s) => {
        const iface = await this.getInterface(systemId, interfaceId, s);
        return iface && !iface.links.some((l) => l.id === linkId) ? iface : null;
      },
    });
  }

  // --- DNS ------------------------------------------------------------------------------
  /** Resources at a name; null when the domain itself does not exist. */
  listDnsResources(filter: { name?: string; domain?: string }, signal?: AbortSignal): Promise<MaasDnsResource[] | null> {
    return orNull(this.http.get('dnsresources/', { query: filter, signal }));
  }
  getDnsResource(id: number, signal?: AbortSignal): Promise<MaasDnsResource | null> {
    return orNull(this.http.get(`dnsresources/${id}/`, { signal }));
  }
  createDnsResource(fields: FormFields, signal?: AbortSignal): Promise<MaasDnsResource> {
    return this.http.post('dnsresources/', {
      form: fields,
      signal,
      // MAAS keeps one resource per name and domain ("Labels must be unique within their zone.")
      readBack: async (s) => {
        if (typeof fields.name !== 'string' || typeof fields.domain !== 'string') return null;
        const list = await this.listDnsResources({ name: fields.name, domain: fields.domain }, s);
        return list?.find((r) => r.id >= 0) ?? null;
      },
    });
  }
  updateDnsResource(id: number, fields: FormFields, signal?: AbortSignal): Promise<MaasDnsResource> {
    return this.http.put(`dnsresources/${id}/`, { form: fields, signal });
  }
  async deleteDnsResource(id: number, signal?: AbortSignal): Promise<void> {
    await orNull(this.http.delete(`dnsresources/${id}/`, { signal }));
  }
  /** Records at a name; null when the domain itself does not exist. */
  listDnsRecords(filter: { name?: string; domain?: string; rrtype?: string }, signal?: AbortSignal): Promise<MaasDnsData[] | null> {
    return orNull(this.http.get('dnsresourcerecords/', { query: filter, signal }));
  }
  createDnsRecord(fields: FormFields, signal?: AbortSignal): Promise<MaasDnsData> {
    return this.http.post('dnsresourcerecords/', {
      form: fields,
      signal,
      readBack: async (s) => {
        if (typeof fields.name !== 'string' || typeof fields.domain !== 'string' || typeof fields.rrtype !== 'string') return null;
        const list = await this.listDnsRecords({ name: fields.name, domain: fields.domain, rrtype: fields.rrtype }, s);
        return list?.find((r) => r.rrdata === fields.rrdata) ?? null;
      },
    });
  }
  updateDnsRecord(id: number, fields: FormFields, signal?: AbortSignal): Promise<MaasDnsData> {
    return this.http.put(`dnsresourcerecords/${id}/`, { form: fields, signal });
  }
  async deleteDnsRecord(id: number, signal?: AbortSignal): Promise<void> {
    await orNull(this.http.delete(`dnsresourcerecords/${id}/`, { signal }));
  }

  // --- IP addresses (src/maasserver/api/ip_addresses.py) ------------------------------------
  /** The USER_RESERVED addresses of this API key's user, or the one at `ip`. */
  listIpAddresses(filter: { ip?: string }, signal?: AbortSignal): Promise<MaasIpAddress[]> {
    return this.http.get('ipaddresses/', { query: filter, signal });
  }
  /** Frees a USER_RESERVED address of this user (MAAS deletes it, and so its DNS links). */
  async releaseIpAddress(ip: string, signal?: AbortSignal): Promise<void> {
    await this.http.post('ipaddresses/', {
      op: 'release',
      form: { ip },
      signal,
      readBack: async (s) => ((await this.listIpAddresses({ ip }, s)).length === 0 ? true : null),
    });
  }
}
