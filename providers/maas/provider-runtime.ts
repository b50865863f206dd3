/**
 * What the maas provider needs once configured: the OAuth1 HTTP client over its TLS
 * dispatcher, and the operations of each resource type, in one module the provider loads in
 * `configure` (`hl validate` and pure planning never load it).
 */
export { openMaasSession } from './open-maas-session.js';
export { MAAS_DATA_SOURCES, MAAS_OPERATIONS, operationContext } from './resource-operations.js';
export { checkMaasPlan } from './resources/live-plan-check.js';
