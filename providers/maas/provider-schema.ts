/**
 * The maas provider's schema: the JSON Schemas in `schemas/` (read on first use, from the
 * source tree or next to the built output) and the attribute flags the engine diffs with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProviderSchema, ResourceTypeSchema } from '../../src/provider/contract.js';
import { deviceInventoryFacts, dnsRecordInventoryFacts } from './inventory-facts.js';

function findSchemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'schemas');
    if (existsSync(join(candidate, 'maas_device.schema.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('maas provider: cannot find the schemas/ directory (maas_device.schema.json)');
}

function loadJson(schemasDir: string, file: string): object {
  return JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as object;
}

let cached: ProviderSchema | undefined;

export function maasProviderSchema(): ProviderSchema {
  if (cached) return cached;
  const dir = findSchemasDir();
  const device: ResourceTypeSchema = {
    jsonSchema: loadJson(dir, 'maas_device.schema.json'),
    importIdFormat: 'system_id (4y3h7n), hostname or fqdn (k3s.maas), or a MAC address',
    inventory: deviceInventoryFacts,
    attributes: {
      // MAAS keeps hostnames and MACs unique across its nodes (Node.hostname is a unique field in
      // src/maasserver/models/node.py: "Node with this Hostname already exists."), so a
      // replacement cannot keep them while the old device exists.
      hostname: { required: true, identity: true, description: 'One DNS label.' },
      domain: { optional: true, computed: true, description: 'Domain name; MAAS default when unset.' },
      zone: { optional: true, computed: true },
      description: { optional: true, computed: true },
      parent: { optional: true, computed: true, description: 'system_id of the parent node.' },
      mac_addresses: { optional: true, computed: true, identity: true, description: "Default: the interfaces' MACs." },
      interfaces: { optional: true, description: 'Static IPs by label or MAC: {mac, subnet, ip}.' },
      system_id: { computed: true },
      fqdn: { computed: true },
      ip_addresses: { computed: true },
    },
  };
  const dnsRecord: ResourceTypeSchema = {
    jsonSchema: loadJson(dir, 'maas_dns_record.schema.json'),
    importIdFormat: '<TYPE>:<fqdn>, e.g. A:kuma.maas or CNAME:www.maas',
    inventory: dnsRecordInventoryFacts,
    attributes: {
      type: { required: true, forceNew: true },
      fqdn: { optional: true, computed: true, forceNew: true },
      name: { optional: true, computed: true, forceNew: true },
      domain: { optional: true, computed: true, forceNew: true },
      ttl: { optional: true },
      data: { required: true },
    },
  };
  const subnet: ResourceTypeSchema = {
    jsonSchema: loadJson(dir, 'maas_subnet.schema.json'),
    attributes: {
      cidr: { optional: true, computed: true },
      id: { optional: true, computed: true },
      name: { computed: true },
      description: { computed: true },
      vlan: { computed: true },
      gateway_ip: { computed: true },
      dns_servers: { computed: true },
      managed: { computed: true },
      space: { computed: true },
      dynamic_ranges: { computed: true },
      reserved_ranges: { computed: true },
    },
  };
  const dnsDomain: ResourceTypeSchema = {
    jsonSchema: loadJson(dir, 'maas_dns_domain.schema.json'),
    importIdFormat: 'the domain name (lab.home) or MAAS domain id',
    attributes: {
      // Domain.name is unique (src/maasserver/models/domain.py)
      name: { required: true, identity: true },
      ttl: { optional: true },
      authoritative: { optional: true, computed: true },
    },
  };
  const tag: ResourceTypeSchema = {
    jsonSchema: loadJson(dir, 'maas_tag.schema.json'),
    importIdFormat: 'the tag name (critical)',
    attributes: {
      name: { required: true, forceNew: true, identity: true },
      comment: { optional: true, computed: true },
      kernel_opts: { optional: true, computed: true },
      nodes: { optional: true, computed: true, description: 'system_ids of the nodes carrying the tag.' },
    },
  };
  const reservedIp: ResourceTypeSchema = {
    jsonSchema: loadJson(dir, 'maas_reserved_ip.schema.json'),
    importIdFormat: 'the reserved-IP id (7), the IP (192.168.4.60) or the MAC',
    attributes: {
      // ReservedIP.ip is unique (src/maasserver/models/reservedip.py); ip, MAC and subnet are immutable (forms/reservedip.py)
      ip: { required: true, forceNew: true, identity: true },
      mac_address: { required: true, forceNew: true },
      subnet: { optional: true, computed: true, forceNew: true },
      comment: { optional: true, computed: true },
    },
  };
  cached = {
    providerJsonSchema: loadJson(dir, 'provider-maas.schema.json'),
    providerSensitive: ['api_key'],
    resources: { maas_device: device, maas_dns_record: dnsRecord, maas_dns_domain: dnsDomain, maas_tag: tag, maas_reserved_ip: reservedIp },
    dataSources: { maas_subnet: subnet },
  };
  return cached;
}
