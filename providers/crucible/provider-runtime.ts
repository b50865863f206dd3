/**
 * What the crucible provider needs once configured: the PVE connection and session, and the
 * operations of each resource type, in one module the provider loads in `configure`
 * (`hl validate` and pure planning never load it).
 */
export { openPveConnection } from '../pve/client/pve-connection.js';
export { PveSession } from './connection/pve-session.js';
export { CRUCIBLE_OPERATIONS } from './resource-operations.js';
