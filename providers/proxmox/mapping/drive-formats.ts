/** The property-string format of each QEMU drive slot (`scsi0`, `virtio1`, `sata2`, `ide3`). */
import {
  QEMU_IDE_FORMAT,
  QEMU_SATA_FORMAT,
  QEMU_SCSI_FORMAT,
  QEMU_VIRTIO_FORMAT,
  type PropertyStringFormat,
} from '../../pve/property-string.js';

export function qemuDiskFormat(slot: string): PropertyStringFormat {
  if (slot.startsWith('scsi')) return QEMU_SCSI_FORMAT;
  if (slot.startsWith('virtio')) return QEMU_VIRTIO_FORMAT;
  if (slot.startsWith('sata')) return QEMU_SATA_FORMAT;
  return QEMU_IDE_FORMAT;
}
