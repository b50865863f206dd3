/**
 * The configuration keys of a QEMU VM (qemu-server's config schema), as the emulator accepts
 * and types them, plus drive helpers. Written for the emulator from PVE 9's documented
 * options; the conformance test compares them with the real API schema.
 */
import {
  QEMU_AGENT_FORMAT,
  QEMU_BOOT_FORMAT,
  QEMU_CPU_FORMAT,
  QEMU_EFIDISK_FORMAT,
  QEMU_HOSTPCI_FORMAT,
  QEMU_IDE_FORMAT,
  QEMU_IPCONFIG_FORMAT,
  QEMU_MACHINE_FORMAT,
  QEMU_MEMORY_FORMAT,
  QEMU_NET_FORMAT,
  QEMU_SATA_FORMAT,
  QEMU_SCSI_FORMAT,
  QEMU_SMBIOS1_FORMAT,
  QEMU_TPMSTATE_FORMAT,
  QEMU_UNUSED_FORMAT,
  QEMU_USB_FORMAT,
  QEMU_VGA_FORMAT,
  QEMU_VIRTIO_FORMAT,
  STARTUP_FORMAT,
  type PropertyStringFormat,
} from '../property-string.js';
import { bool, indexed, int, num, opt, str, type ParamSchema } from './param-schema.js';

const o = opt;

/** Every settable key of a VM config (create / PUT config / POST config). */
export const QEMU_CONFIG_OPTIONS: ParamSchema = {
  acpi: o(bool()),
  affinity: o(str({ format: 'pve-cpuset' })),
  agent: o(str({ propertyFormat: QEMU_AGENT_FORMAT })),
  'allow-ksm': o(bool()),
  'amd-sev': o(str()),
  arch: o(str({ enum: ['x86_64', 'aarch64'] })),
  args: o(str()),
  audio0: o(str()),
  autostart: o(bool()),
  balloon: o(int({ minimum: 0 })),
  bios: o(str({ enum: ['seabios', 'ovmf'] })),
  boot: o(str({ propertyFormat: QEMU_BOOT_FORMAT })),
  bootdisk: o(str({ pattern: /(ide|sata|scsi|virtio)\d+/ })),
  cdrom: o(str({ propertyFormat: QEMU_IDE_FORMAT })),
  cicustom: o(str()),
  cipassword: o(str()),
  citype: o(str({ enum: ['configdrive2', 'nocloud', 'opennebula'] })),
  ciupgrade: o(bool()),
  ciuser: o(str()),
  cores: o(int({ minimum: 1 })),
  cpu: o(str({ propertyFormat: QEMU_CPU_FORMAT })),
  cpulimit: o(num({ minimum: 0, maximum: 128 })),
  cpuunits: o(int({ minimum: 1, maximum: 262144 })),
  description: o(str({ maxLength: 8192 })),
  efidisk0: o(str({ propertyFormat: QEMU_EFIDISK_FORMAT })),
  freeze: o(bool()),
  hookscript: o(str({ format: 'pve-volume-id' })),
  'hostpci[n]': indexed(16, str({ propertyFormat: QEMU_HOSTPCI_FORMAT })),
  hotplug: o(str()),
  hugepages: o(str({ enum: ['any', '2', '1024'] })),
  'ide[n]': indexed(4, str({ propertyFormat: QEMU_IDE_FORMAT })),
  'intel-tdx': o(str()),
  'ipconfig[n]': indexed(32, str({ propertyFormat: QEMU_IPCONFIG_FORMAT })),
  ivshmem: o(str()),
  keephugepages: o(bool()),
  keyboard: o(str()),
  kvm: o(bool()),
  localtime: o(bool()),
  lock: o(
    str({
      enum: ['backup', 'clone', 'create', 'migrate', 'rollback', 'snapshot', 'snapshot-delete', 'suspending', 'suspended'],
    }),
  ),
  machine: o(str({ propertyFormat: QEMU_MACHINE_FORMAT })),
  memory: o(str({ propertyFormat: QEMU_MEMORY_FORMAT })),
  migrate_downtime: o(num({ minimum: 0 })),
  migrate_speed: o(int({ minimum: 0 })),
  name: o(str({ format: 'dns-name' })),
  nameserver: o(str({ format: 'address-list' })),
  'net[n]': indexed(32, str({ propertyFormat: QEMU_NET_FORMAT })),
  numa: o(bool()),
  'numa[n]': indexed(8, str()),
  onboot: o(bool()),
  ostype: o(str({ enum: ['other', 'wxp', 'w2k', 'w2k3', 'w2k8', 'wvista', 'win7', 'win8', 'win10', 'win11', 'l24', 'l26', 'solaris'] })),
  'parallel[n]': indexed(3, str({ pattern: /\/dev\/parport\d+|\/dev\/usb\/lp\d+/ })),
  protection: o(bool()),
  reboot: o(bool()),
  rng0: o(str()),
  'sata[n]': indexed(6, str({ propertyFormat: QEMU_SATA_FORMAT })),
  'scsi[n]': indexed(31, str({ propertyFormat: QEMU_SCSI_FORMAT })),
  scsihw: o(str({ enum: ['lsi', 'lsi53c810', 'virtio-scsi-pci', 'virtio-scsi-single', 'megasas', 'pvscsi'] })),
  searchdomain: o(str()),
  'serial[n]': indexed(4, str({ pattern: /(\/dev\/.+|socket)/ })),
  shares: o(int({ minimum: 0, maximum: 50000 })),
  smbios1: o(str({ maxLength: 512, propertyFormat: QEMU_SMBIOS1_FORMAT })),
  smp: o(int({ minimum: 1 })),
  sockets: o(int({ minimum: 1 })),
  spice_enhancements: o(str()),
  sshkeys: o(str({ format: 'urlencoded' })),
  startdate: o(str({ pattern: /(now|\d{4}-\d{1,2}-\d{1,2}(T\d{1,2}:\d{1,2}:\d{1,2})?)/ })),
  startup: o(str({ propertyFormat: STARTUP_FORMAT })),
  tablet: o(bool()),
  tags: o(str({ format: 'pve-tag-list' })),
  tdf: o(bool()),
  template: o(bool()),
  tpmstate0: o(str({ propertyFormat: QEMU_TPMSTATE_FORMAT })),
  'unused[n]': indexed(256, str({ propertyFormat: QEMU_UNUSED_FORMAT })),
  'usb[n]': indexed(14, str({ propertyFormat: QEMU_USB_FORMAT })),
  vcpus: o(int({ minimum: 1 })),
  vga: o(str({ propertyFormat: QEMU_VGA_FORMAT })),
  'virtio[n]': indexed(16, str({ propertyFormat: QEMU_VIRTIO_FORMAT })),
  'virtiofs[n]': indexed(10, str()),
  vmgenid: o(str({ pattern: /(?:[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}|[01])/ })),
  vmstatestorage: o(str({ format: 'pve-storage-id' })),
  watchdog: o(str()),
};

/** Keys PVE writes itself and returns in GET config, typed for the answer. */
export const QEMU_READONLY_KEYS: ParamSchema = {
  digest: o(str()),
  meta: o(str()),
  parent: o(str()),
  snaptime: o(int()),
  vmstate: o(str()),
  runningmachine: o(str()),
  runningcpu: o(str()),
};

const DRIVE_RE = /^(ide|sata|scsi|virtio)(\d+)$/;

/** Bus of a disk key: `scsi0` → `scsi`; efidisk0/tpmstate0 count as drives too. */
export function isQemuDriveKey(key: string): boolean {
  return DRIVE_RE.test(key) || key === 'efidisk0' || key === 'tpmstate0';
}

export function qemuDriveFormat(key: string): PropertyStringFormat {
  if (key === 'efidisk0') return QEMU_EFIDISK_FORMAT;
  if (key === 'tpmstate0') return QEMU_TPMSTATE_FORMAT;
  if (key.startsWith('unused')) return QEMU_UNUSED_FORMAT;
  const bus = DRIVE_RE.exec(key)?.[1];
  switch (bus) {
    case 'scsi':
      return QEMU_SCSI_FORMAT;
    case 'virtio':
      return QEMU_VIRTIO_FORMAT;
    case 'sata':
      return QEMU_SATA_FORMAT;
    default:
      return QEMU_IDE_FORMAT;
  }
}

/** Drive keys in PVE's order (ide, sata, scsi, virtio), used for default boot order and maxdisk. */
export const QEMU_DRIVE_ORDER: readonly string[] = [
  ...Array.from({ length: 4 }, (_, i) => `ide${i}`),
  ...Array.from({ length: 6 }, (_, i) => `sata${i}`),
  ...Array.from({ length: 31 }, (_, i) => `scsi${i}`),
  ...Array.from({ length: 16 }, (_, i) => `virtio${i}`),
];
