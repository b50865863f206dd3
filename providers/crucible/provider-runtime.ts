/**
 * What the crucible provider needs once configured: the PVE connection and session, and the
 * CRUD of each resource type, in one module the provider loads in `configure` (`hl validate`
 * and pure planning never load it).
 */
export { openPveConnection } from '../pve/client/pve-connection.js';
export { PveSession } from './connection/pve-session.js';
export { createAttachment, deleteAttachment, readAttachment, recoverAttachment, updateAttachment, vmidOfAttachment } from './resources/attachment-resource.js';
export { createDisk } from './resources/disk-create.js';
export { deleteDisk, diskRefOf, importDisk, recoverDisk, updateDisk } from './resources/disk-lifecycle.js';
export { readDisk } from './resources/disk-state.js';
export { reserveHolderVmid } from './resources/holder-guest.js';
export { createImage, deleteImage, importImage, readImage, recoverImage, reserveImage, updateImage } from './resources/image-resource.js';
export {
  createSnapshot,
  deleteSnapshot,
  importSnapshot,
  readSnapshot,
  recoverSnapshot,
  reserveSnapshot,
  snapshotIdentityOf,
  updateSnapshot,
} from './resources/snapshot-resource.js';
