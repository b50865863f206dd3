/**
 * The MAAS API 2.0 calls this provider makes, typed. Paths are MAAS's (urls_api.py): note
 * `dnsresourcerecords/` (the CLI calls it `dnsresource-records`). Reads of one object answer
 * null when MAAS says "No X matches the given query."; any other failure is a ProviderError.
 */
import type { FormFields } from './form-body.js';
import { isMaasNotFound } from './maas-api-error.js';
import type { MaasHttpClient } from './maas-http-client.js';
import type {
  MaasDevice,
  MaasDnsData,
  MaasDnsResource,
  MaasDomain,
  MaasInterface,
  MaasNode,
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
  constructor(readonly http: MaasHttpClient) {}

  version(signal?: AbortSignal): Promise<MaasVersion> {
    return this.http.get('version/', { signal });
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
    return this.http.post('devices/', { form: fields, signal });
  }
  updateDevice(systemId: string, fields: FormFields, signal?: AbortSignal): Promise<MaasDevice> {
    return this.http.put(`devices/${encodeURIComponent(systemId)}/`, { form: fields, signal });
  }
  /** false when the device was already gone. */
  async deleteDevice(systemId: string, signal?: AbortSignal): Promise<boolean> {
    const r = await orNull(
      this.http.delete(`devices/${encodeURIComponent(systemId)}/`, { signal }).then(() => true),
    );
    return r === true;
  }

  // --- interfaces -----------------------------------------------------------------------
  createPhysicalInterface(systemId: string, fields: FormFields, signal?: AbortSignal): Promise<MaasInterface> {
    return this.http.post(`nodes/${encodeURIComponent(systemId)}/interfaces/`, {
      op: 'create_physical',
      form: fields,
      signal,
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
    });
  }
  unlinkSubnet(systemId: string, interfaceId: number, linkId: number, signal?: AbortSignal): Promise<MaasInterface> {
    return this.http.post(`nodes/${encodeURIComponent(systemId)}/interfaces/${interfaceId}/`, {
      op: 'unlink_subnet',
      form: { id: linkId },
      signal,
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
    return this.http.post('dnsresources/', { form: fields, signal });
  }
  updateDnsResource(id: number, fields: FormFields, signal?: AbortSignal): Promise<MaasDnsResource> {
    return this.http.put(`dnsresources/${id}/`, { form: fields, signal });
  }
  async deleteDnsResource(id: number, signal?: AbortSignal): Promise<void> {
    await orNull(this.http.delete(`dnsresources/${id}/`, { signal }));
  }
  /** Records at a name; null when the domain itself does not exist. */
  listDnsRecords(
    filter: { name?: string; domain?: string; rrtype?: string },
    signal?: AbortSignal,
  ): Promise<MaasDnsData[] | null> {
    return orNull(this.http.get('dnsresourcerecords/', { query: filter, signal }));
  }
  createDnsRecord(fields: FormFields, signal?: AbortSignal): Promise<MaasDnsData> {
    return this.http.post('dnsresourcerecords/', { form: fields, signal });
  }
  updateDnsRecord(id: number, fields: FormFields, signal?: AbortSignal): Promise<MaasDnsData> {
    return this.http.put(`dnsresourcerecords/${id}/`, { form: fields, signal });
  }
  async deleteDnsRecord(id: number, signal?: AbortSignal): Promise<void> {
    await orNull(this.http.delete(`dnsresourcerecords/${id}/`, { signal }));
  }
}
