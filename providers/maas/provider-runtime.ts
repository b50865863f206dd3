/**
 * What the maas provider needs once configured: the OAuth1 HTTP client over its TLS
 * dispatcher, and the operations of each resource type, in one module the provider loads in
 * `configure` (`hl validate` and pure planning never load it).
 */
export { parseApiKey, isCredentials } from './client/api-key.js';
export { MaasApi } from './client/maas-api.js';
export { MaasHttpClient } from './client/maas-http-client.js';
export { createMaasDispatcher, readCaFile } from './client/tls-dispatcher.js';
export { MAAS_DATA_SOURCES, MAAS_OPERATIONS, operationContext } from './resource-operations.js';
export { checkMaasPlan } from './resources/live-plan-check.js';
