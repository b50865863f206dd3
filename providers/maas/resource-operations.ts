/**
 * The apply-time side of each maas resource type and data source: thin handlers that give
 * each type's operations (resources/*-operations.ts) the instance's API with the request's
 * cancellation and progress. Loaded with the runtime, in `configure`.
 */
import type { DataSourceHandler, ResourceOperations } from '../../src/provider/resource-handler.js';
import type { MaasSession } from './maas-session.js';
import { createDevice, deleteDevice, importDevice, readDevice, recoverDevice, updateDevice } from './resources/device-operations.js';
import {
  createDnsDomain,
  deleteDnsDomain,
  importDnsDomain,
  readDnsDomain,
  recoverDnsDomain,
  updateDnsDomain,
} from './resources/dns-domain-operations.js';
import {
  createDnsRecord,
  deleteDnsRecord,
  importDnsRecord,
  readDnsRecord,
  recoverDnsRecord,
  updateDnsRecord,
} from './resources/dns-record-operations.js';
import type { OperationContext } from './resources/operation-context.js';
import {
  createReservedIpResource,
  deleteReservedIpResource,
  importReservedIp,
  readReservedIp,
  recoverReservedIp,
  updateReservedIpResource,
} from './resources/reserved-ip-operations.js';
import { readSubnetDataSource } from './resources/subnet-data-source.js';
import { createTag, deleteTag, importTag, readTag, recoverTag, updateTag } from './resources/tag-operations.js';

/** The instance's API with one request's cancellation and progress. */
export function operationContext(session: MaasSession, op: { signal?: AbortSignal; progress?: (m: string) => void }): OperationContext {
  return {
    api: session.api,
    ...(op.signal ? { signal: op.signal } : {}),
    ...(op.progress ? { progress: op.progress } : {}),
  };
}

const ctx = operationContext;

export const MAAS_OPERATIONS: Readonly<Record<string, ResourceOperations<MaasSession>>> = {
  maas_device: {
    read: async (s, req) => ({ state: await readDevice(ctx(s, req), req.id, req.prior) }),
    create: (s, req) => createDevice(ctx(s, req), req.planned),
    update: async (s, req) => ({ state: await updateDevice(ctx(s, req), req.id, req.prior, req.planned) }),
    delete: (s, req) => deleteDevice(ctx(s, req), req.id),
    recover: (s, req) => recoverDevice(ctx(s, req), req.planned),
    importResource: async (s, req) => ({ resource: await importDevice(ctx(s, req), req.id) }),
  },
  maas_dns_record: {
    read: async (s, req) => ({ state: await readDnsRecord(ctx(s, req), req.id, req.prior) }),
    create: (s, req) => createDnsRecord(ctx(s, req), req.planned),
    update: async (s, req) => ({ state: await updateDnsRecord(ctx(s, req), req.planned) }),
    delete: (s, req) => deleteDnsRecord(ctx(s, req), req.id, req.prior),
    recover: (s, req) => recoverDnsRecord(ctx(s, req), req.planned),
    importResource: async (s, req) => ({ resource: await importDnsRecord(ctx(s, req), req.id) }),
  },
  maas_dns_domain: {
    read: async (s, req) => ({ state: await readDnsDomain(ctx(s, req), req.id) }),
    create: (s, req) => createDnsDomain(ctx(s, req), req.planned),
    update: async (s, req) => ({ state: await updateDnsDomain(ctx(s, req), req.id, req.planned) }),
    delete: (s, req) => deleteDnsDomain(ctx(s, req), req.id),
    recover: (s, req) => recoverDnsDomain(ctx(s, req), req.planned),
    importResource: async (s, req) => ({ resource: await importDnsDomain(ctx(s, req), req.id) }),
  },
  maas_tag: {
    read: async (s, req) => ({ state: await readTag(ctx(s, req), req.id, req.prior) }),
    create: (s, req) => createTag(ctx(s, req), req.planned),
    update: async (s, req) => ({ state: await updateTag(ctx(s, req), req.id, req.prior, req.planned) }),
    delete: (s, req) => deleteTag(ctx(s, req), req.id),
    recover: (s, req) => recoverTag(ctx(s, req), req.planned),
    importResource: async (s, req) => ({ resource: await importTag(ctx(s, req), req.id) }),
  },
  maas_reserved_ip: {
    read: async (s, req) => ({ state: await readReservedIp(ctx(s, req), req.id, req.prior) }),
    create: (s, req) => createReservedIpResource(ctx(s, req), req.planned),
    update: async (s, req) => ({ state: await updateReservedIpResource(ctx(s, req), req.id, req.planned) }),
    delete: (s, req) => deleteReservedIpResource(ctx(s, req), req.id),
    recover: (s, req) => recoverReservedIp(ctx(s, req), req.planned),
    importResource: async (s, req) => ({ resource: await importReservedIp(ctx(s, req), req.id) }),
  },
};

export const MAAS_DATA_SOURCES: Readonly<Record<string, DataSourceHandler<MaasSession>>> = {
  maas_subnet: { read: async (s, req) => ({ state: await readSubnetDataSource(s.api, req.config, req.signal) }) },
};
