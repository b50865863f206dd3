/**
 * `validateResource` (pure): checks beyond the JSON schema that PVE would otherwise only
 * report at apply time.
 *
 * - Permissions known up front: a raw host USB device (`usb.*.host`), a raw PCI device
 *   (`hostpci.*.host`), an LXC device node (`dev`) or bind mount (`mount_points.*.host_path`)
 *   can only be set by `root@pam` logged in with a password. With an API token (or any other
 *   user) PVE refuses at apply time ("only root can modify 'usb0' config for real devices"),
 *   so it is a plan-time error here that names the way out: a cluster resource mapping
 *   (`/cluster/mapping/usb`, `/cluster/mapping/pci`) with `mapping = "<id>"`.
 * - Slot names within PVE's ranges, sizes PVE can parse, options the bus supports.
 */
import { isUnknown, isValueMap, type Attributes, type Value } from '../../../src/core/value.js';
import type { AttributeProblem, ValidateResourceRequest } from '../../../src/provider/contract.js';
import { authenticatesAsRoot } from '../../pve/provider-settings.js';
import { sizeBytes } from '../mapping/pve-values.js';

/** Slot families and their index ranges (inclusive). */
export const SLOT_RANGES: Record<string, number> = {
  scsi: 30,
  virtio: 15,
  sata: 5,
  ide: 3,
  net: 31,
  usb: 4,
  hostpci: 15,
  ipconfig: 31,
  mp: 255,
  dev: 255,
};

const SIZE_RE = /^\d+(?:\.\d+)?[KMGT]?$/;
const MAC_RE = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/;

function checkSlots(out: AttributeProblem[], attr: string, value: Value | undefined, families: string[]): void {
  if (!isValueMap(value)) return;
  for (const slot of Object.keys(value)) {
    const m = /^([a-z]+)(\d+)$/.exec(slot);
    const family = m?.[1];
    if (!m || !family || !families.includes(family)) {
      out.push({
        path: [attr, slot],
        message: `${attr}.${slot}: slot names are ${families.map((f) => `${f}0–${f}${SLOT_RANGES[f]}`).join(', ')}`,
      });
      continue;
    }
    const n = Number(m[2]);
    if (String(n) !== m[2] || n > SLOT_RANGES[family]!) {
      out.push({ path: [attr, slot], message: `${attr}.${slot}: ${family} slots go from ${family}0 to ${family}${SLOT_RANGES[family]}` });
    }
  }
}

function checkSize(out: AttributeProblem[], path: (string | number)[], v: Value | undefined): void {
  if (v === undefined || v === null || isUnknown(v)) return;
  if (typeof v !== 'string' || !SIZE_RE.test(v.trim())) {
    out.push({ path, message: `${path.join('.')}: "${String(v)}" is not a size; write a number with a unit K, M, G or T (e.g. "32G")` });
    return;
  }
  const b = sizeBytes(v);
  if (b === undefined || b < 1024 * 1024) out.push({ path, message: `${path.join('.')}: a disk must be at least 1M` });
  else if (b % 1024 !== 0) out.push({ path, message: `${path.join('.')}: size must be a whole number of KiB` });
}

function entries(v: Value | undefined): [string, Record<string, Value>][] {
  if (!isValueMap(v)) return [];
  return Object.entries(v).filter((e): e is [string, Record<string, Value>] => isValueMap(e[1]));
}

function set(v: Value | undefined): boolean {
  return v !== undefined && v !== null;
}

const ROOT_ONLY = 'only root@pam logged in with a password may do that; this provider authenticates with an API token';

function exactlyOne(out: AttributeProblem[], path: string[], e: Record<string, Value>, a: string, b: string): void {
  if (set(e[a]) === set(e[b]) && !isUnknown(e[a] ?? null) && !isUnknown(e[b] ?? null)) {
    out.push({ path, message: `${path.join('.')}: set exactly one of ${a} and ${b}` });
  }
}

function validateVm(config: Attributes, root: boolean): AttributeProblem[] {
  const out: AttributeProblem[] = [];
  checkSlots(out, 'disks', config.disks, ['scsi', 'virtio', 'sata', 'ide']);
  checkSlots(out, 'networks', config.networks, ['net']);
  checkSlots(out, 'usb', config.usb, ['usb']);
  checkSlots(out, 'hostpci', config.hostpci, ['hostpci']);
  if (isValueMap(config.cloud_init)) checkSlots(out, 'cloud_init.ipconfig', config.cloud_init.ipconfig, ['ipconfig']);
  for (const [slot, d] of entries(config.disks)) {
    checkSize(out, ['disks', slot, 'size'], d.size);
    if (d.ssd === true && slot.startsWith('virtio'))
      out.push({ path: ['disks', slot, 'ssd'], message: `disks.${slot}.ssd: virtio disks have no ssd option (use scsi, sata or ide)` });
    if (d.iothread === true && /^(sata|ide)/.test(slot))
      out.push({ path: ['disks', slot, 'iothread'], message: `disks.${slot}.iothread: only scsi and virtio disks have an I/O thread` });
  }
  for (const [slot, n] of entries(config.networks)) {
    if (typeof n.mac === 'string' && (!MAC_RE.test(n.mac) || (parseInt(n.mac.slice(0, 2), 16) & 1) === 1)) {
      out.push({
        path: ['networks', slot, 'mac'],
        message: `networks.${slot}.mac: "${n.mac}" is not a unicast MAC address (XX:XX:XX:XX:XX:XX)`,
      });
    }
  }
  for (const [slot, u] of entries(config.usb)) {
    exactlyOne(out, ['usb', slot], u, 'host', 'mapping');
    if (set(u.host) && !root) {
      out.push({
        path: ['usb', slot, 'host'],
        message: `usb.${slot}.host passes a raw host USB device through: ${ROOT_ONLY}. Create a USB resource mapping (Datacenter → Resource Mappings, or POST /cluster/mapping/usb) and use mapping = "<mapping id>" instead`,
      });
    }
  }
  for (const [slot, h] of entries(config.hostpci)) {
    exactlyOne(out, ['hostpci', slot], h, 'host', 'mapping');
    if (set(h.host) && !root) {
      out.push({
        path: ['hostpci', slot, 'host'],
        message: `hostpci.${slot}.host passes a raw PCI device through: ${ROOT_ONLY}. Create a PCI resource mapping (Datacenter → Resource Mappings, or POST /cluster/mapping/pci) and use mapping = "<mapping id>" instead`,
      });
    }
  }
  return out;
}

function validateLxc(config: Attributes, root: boolean): AttributeProblem[] {
  const out: AttributeProblem[] = [];
  checkSlots(out, 'mount_points', config.mount_points, ['mp']);
  checkSlots(out, 'networks', config.networks, ['net']);
  checkSlots(out, 'dev', config.dev, ['dev']);
  if (isValueMap(config.rootfs)) checkSize(out, ['rootfs', 'size'], config.rootfs.size);
  for (const [slot, m] of entries(config.mount_points)) {
    checkSize(out, ['mount_points', slot, 'size'], m.size);
    if (set(m.host_path) && (set(m.storage) || set(m.size))) {
      out.push({ path: ['mount_points', slot], message: `mount_points.${slot}: a bind mount (host_path) has no storage or size` });
    }
    if (set(m.host_path) && !root) {
      out.push({
        path: ['mount_points', slot, 'host_path'],
        message: `mount_points.${slot}.host_path is a bind mount of a host directory: ${ROOT_ONLY}`,
      });
    }
  }
  for (const [slot, n] of entries(config.networks)) {
    if (typeof n.mac === 'string' && (!MAC_RE.test(n.mac) || (parseInt(n.mac.slice(0, 2), 16) & 1) === 1)) {
      out.push({
        path: ['networks', slot, 'mac'],
        message: `networks.${slot}.mac: "${n.mac}" is not a unicast MAC address (XX:XX:XX:XX:XX:XX)`,
      });
    }
  }
  if (!root) {
    for (const [slot] of entries(config.dev)) {
      out.push({
        path: ['dev', slot],
        message: `dev.${slot} passes a host device node into the container: ${ROOT_ONLY}. Configure the provider with username = "root@pam" and a password to manage devices`,
      });
    }
  }
  return out;
}

export function validateGuest(req: ValidateResourceRequest): AttributeProblem[] {
  const root = authenticatesAsRoot(req.providerConfig);
  if (req.type === 'proxmox_vm') return validateVm(req.config, root);
  if (req.type === 'proxmox_lxc') return validateLxc(req.config, root);
  return [];
}
