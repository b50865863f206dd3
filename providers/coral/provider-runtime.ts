/**
 * What the coral provider needs once configured: its PVE connection, and the operations of
 * the passthrough and the devices data source, in one module the provider loads in
 * `configure` (`hl validate` and pure planning never load it).
 */
export { openConnection } from './connection.js';
export { CORAL_DATA_SOURCES, CORAL_OPERATIONS } from './resource-operations.js';
