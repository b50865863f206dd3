/**
 * What the maas provider needs once configured: the OAuth1 HTTP client over its TLS
 * dispatcher, and the CRUD operations, in one module the provider loads in `configure`
 * (`hl validate` and pure planning never load it).
 */
export { parseApiKey, isCredentials } from './client/api-key.js';
export { MaasApi } from './client/maas-api.js';
export { MaasHttpClient } from './client/maas-http-client.js';
export { createMaasDispatcher, readCaFile } from './client/tls-dispatcher.js';
export { createDevice, deleteDevice, importDevice, readDevice, recoverDevice, updateDevice } from './resources/device-operations.js';
export { createDnsRecord, deleteDnsRecord, importDnsRecord, readDnsRecord, recoverDnsRecord, updateDnsRecord } from './resources/dns-record-operations.js';
export { readSubnetDataSource } from './resources/subnet-data-source.js';
export { createDnsDomain, deleteDnsDomain, importDnsDomain, readDnsDomain, recoverDnsDomain, updateDnsDomain } from './resources/dns-domain-operations.js';
export {
  createReservedIpResource,
  deleteReservedIpResource,
  importReservedIp,
  readReservedIp,
  recoverReservedIp,
  updateReservedIpResource,
} from './resources/reserved-ip-operations.js';
export { createTag, deleteTag, importTag, readTag, recoverTag, updateTag } from './resources/tag-operations.js';
export { checkMaasPlan } from './resources/live-plan-check.js';
