/**
 * What the coral provider needs once configured: its PVE connection, the devices data source
 * and the passthrough reads and writes, in one module the provider loads in `configure`
 * (`hl validate` and pure planning never load it).
 */
export { openConnection } from './connection.js';
export { readCoralDevices } from './devices-data-source.js';
export { locateGuest } from './passthrough/guest-api.js';
export { observePassthrough } from './passthrough/passthrough-observe.js';
export { applyPassthrough, removePassthrough } from './passthrough/passthrough-write.js';
