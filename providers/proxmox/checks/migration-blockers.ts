/**
 * Why PVE would refuse (or half do) moving one guest from its node to another, from facts read
 * live (pure): its config as GET .../config answers it, the storages of both nodes, the
 * cluster's resource mappings and the source node's USB devices (to name them). Each reason
 * says what it is, e.g. `usb0: host=2-1, the Coral USB Accelerator (Google Inc.) on port 2-1
 * of fun-bedbug`. The rules follow PVE's own:
 *
 * - VM devices bound to the node: `usbN` by host port or id (not `spice`), `hostpciN` without a
 *   mapping, serial and parallel ports that are host devices, `ivshmem`; a mapping (`usbN` or
 *   `hostpciN` `mapping=`) without an entry for the target node; a running VM with a mapped PCI
 *   device that is not `live-migration-capable` (qemu-server PVE/QemuMigrate/Helpers.pm
 *   check_local_resources, PVE/QemuMigrate.pm prepare);
 * - volumes: each goes to its storage as mapped (a shared storage is not mapped, PVE ignores
 *   the map for it, and must be reachable from the target too), which must exist on the target, be enabled and allow the
 *   content (`images` for a VM, `rootdir` for a container); a local volume owned by another
 *   guest (`owned by other VM`), a local CD-ROM image (`local cdrom image`)
 *   (PVE/QemuMigrate.pm scan_local_volumes; pve-container src/PVE/LXC/Migrate.pm);
 * - container: a bind or device mount point not marked `shared` ("cannot migrate local bind
 *   mount point", Migrate.pm prepare); device nodes (`devN`) and raw `lxc.*` lines that bind
 *   host devices, which PVE moves without the device (its migration does not check them).
 */
import type { GuestType } from '../../pve/cluster-inventory.js';

/** A storage as a node's `GET /nodes/{node}/storage` lists it. */
export interface NodeStorage {
  content: string[];
  enabled: boolean;
  active: boolean;
  shared: boolean;
}

/** A USB device of a node (`GET /nodes/{node}/hardware/usb`). */
export interface NodeUsbDevice {
  busnum?: number;
  usbpath?: string;
  vendid?: string;
  prodid?: string;
  product?: string;
  manufacturer?: string;
  class?: number;
}

export interface MigrationFacts {
  type: GuestType;
  vmid: number;
  from: string;
  to: string;
  running: boolean;
  /** GET .../config as answered (a container's raw lines as `lxc: [[key, value], ...]`). */
  config: Record<string, unknown>;
  /** Source storage → target storage, for the volumes that change storage. */
  storageMap: ReadonlyMap<string, string>;
  sourceStorages: ReadonlyMap<string, NodeStorage>;
  targetStorages: ReadonlyMap<string, NodeStorage>;
  /** Resource mappings used: `usb:<id>` / `pci:<id>` → the nodes with an entry, and whether it may migrate live; undefined: not found. */
  mappings: ReadonlyMap<string, { nodes: Set<string>; liveMigration: boolean } | undefined>;
  sourceUsb: readonly NodeUsbDevice[];
}

/** Comma-separated fields of a property string; the first is the default key's value. */
function fields(value: string): { first: string; props: Map<string, string> } {
  const parts = value.split(',');
  const props = new Map<string, string>();
  let first = '';
  parts.forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq > 0) props.set(p.slice(0, eq), p.slice(eq + 1));
    else if (i === 0) first = p;
  });
  return { first, props };
}

function flagSet(v: string | undefined): boolean {
  return v === '1' || v === 'on' || v === 'yes' || v === 'true';
}

const USB_PORT_RE = /^(\d+)-(\d+(?:\.\d+)*)$/;
const USB_ID_RE = /^([0-9a-f]{4}):([0-9a-f]{4})$/i;

/** `the Coral USB Accelerator (Google Inc.) on port 2-1 of fun-bedbug`. */
function usbWhat(host: string, node: string, devices: readonly NodeUsbDevice[]): string {
  const port = USB_PORT_RE.exec(host);
  const id = USB_ID_RE.exec(host);
  const dev = port
    ? devices.find((d) => d.busnum === Number(port[1]) && d.usbpath === port[2])
    : id
      ? devices.find((d) => d.vendid?.toLowerCase() === id[1]!.toLowerCase() && d.prodid?.toLowerCase() === id[2]!.toLowerCase())
      : undefined;
  const name = dev?.product ? `the ${dev.product}${dev.manufacturer ? ` (${dev.manufacturer})` : ''}` : 'a USB device';
  return port ? `${name} on port ${host} of ${node}` : `${name} ${id ? `with id ${host} ` : ''}of ${node}`;
}

/** The USB devices of a node that are not hubs, for naming what a bound `/dev/bus/usb` holds. */
function usbDevicesText(devices: readonly NodeUsbDevice[]): string {
  const named = devices.filter((d) => d.class !== 9 && d.product).map((d) => `the ${d.product}`);
  return named.length > 0 ? ` (there: ${named.join(', ')})` : '';
}

interface Volume {
  key: string;
  volid: string;
  storage: string;
  name: string;
  cdrom: boolean;
}

const VM_VOLUME_KEY_RE = /^(?:ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$|^unused\d+$/;
const CT_VOLUME_KEY_RE = /^rootfs$|^mp\d+$|^unused\d+$/;
const VOLID_RE = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i;

function volumesOf(type: GuestType, config: Record<string, unknown>): { volumes: Volume[]; mounts: { key: string; path: string }[] } {
  const volumes: Volume[] = [];
  const mounts: { key: string; path: string }[] = [];
  const re = type === 'qemu' ? VM_VOLUME_KEY_RE : CT_VOLUME_KEY_RE;
  for (const [key, raw] of Object.entries(config)) {
    if (!re.test(key) || typeof raw !== 'string') continue;
    const { first, props } = fields(raw);
    const volid = (props.get(type === 'qemu' ? 'file' : 'volume') ?? first).trim();
    if (volid === '' || volid === 'none' || volid === 'cdrom') continue;
    const m = VOLID_RE.exec(volid);
    if (!m) {
      // An absolute path: a container's bind or device mount point, a VM's host file.
      if (volid.startsWith('/') && !flagSet(props.get('shared'))) mounts.push({ key, path: volid });
      continue;
    }
    volumes.push({ key, volid, storage: m[1]!, name: m[2]!, cdrom: props.get('media') === 'cdrom' });
  }
  return { volumes, mounts };
}

/** The VMID a volume name belongs to (`vm-120-disk-0`, `base-9000-disk-0`, `subvol-120-disk-1`). */
function ownerOf(name: string): number | undefined {
  const m = /(?:^|\/)(?:vm|base|subvol|basevol)-(\d+)-/.exec(name);
  return m ? Number(m[1]) : undefined;
}

const CONTENT = { qemu: ['images', 'VM disk images'], lxc: ['rootdir', 'container volumes'] } as const;

function storageReasons(f: MigrationFacts): string[] {
  const out: string[] = [];
  const { volumes, mounts } = volumesOf(f.type, f.config);
  for (const m of mounts) {
    const bind = m.path.startsWith('/dev/') ? 'device' : 'bind';
    out.push(
      f.type === 'qemu'
        ? `${m.key}: ${m.path}, a file of ${f.from}`
        : `${m.key}: ${m.path}, a ${bind} mount of ${f.from} (PVE cannot migrate a local ${bind} mount point)`,
    );
  }
  for (const v of volumes) {
    const src = f.sourceStorages.get(v.storage);
    const shared = src?.shared ?? false;
    if (v.cdrom) {
      if (/-cloudinit(\.\w+)?$/.test(v.name)) {
        // the cloud-init drive is copied like a disk
      } else if (!shared) {
        out.push(
          `${v.key}: ${v.volid}, a CD-ROM image on storage ${v.storage} of ${f.from} (PVE does not migrate a local CD-ROM image; eject it first)`,
        );
        continue;
      } else continue;
    }
    const owner = ownerOf(v.name);
    if (!shared && owner !== undefined && owner !== f.vmid) {
      out.push(
        `${v.key}: ${v.volid} belongs to ${f.type === 'qemu' ? 'VM' : 'guest'} ${owner} (a disk attached from its holder, e.g. a crucible disk): detach it first (remove its crucible_attachment), migrate, then attach it again`,
      );
      continue;
    }
    const mapped = f.storageMap.get(v.storage);
    if (shared && mapped !== undefined) {
      out.push(
        `${v.key} (${v.volid}) is on shared storage "${v.storage}", which a migration does not copy to "${mapped}" (PVE moves only local volumes); keep its storage`,
      );
      continue;
    }
    const target = shared ? v.storage : (mapped ?? v.storage);
    const t = f.targetStorages.get(target);
    const [content, words] = CONTENT[f.type];
    const where = `${v.key} (${v.volid}) needs storage "${target}" on ${f.to}`;
    if (!t) {
      const fit = [...f.targetStorages]
        .filter(([, s]) => s.enabled && s.content.includes(content))
        .map(([id]) => id)
        .sort();
      out.push(
        `${where}, which has no such storage` +
          (fit.length > 0
            ? ` (storages there for ${words}: ${fit.join(', ')}; set the volume's storage to one of them to copy it there)`
            : ''),
      );
    } else if (!t.enabled) out.push(`${where}, where it is disabled`);
    else if (!t.active) out.push(`${where}, where it is not active`);
    else if (!t.content.includes(content)) out.push(`${where}, which does not allow ${words} there (content "${content}")`);
  }
  return out;
}

function mappingReason(f: MigrationFacts, key: string, kind: 'usb' | 'pci', id: string): string | undefined {
  const m = f.mappings.get(`${kind}:${id}`);
  if (!m) return `${key}: mapping=${id}, a ${kind.toUpperCase()} resource mapping that does not exist`;
  if (!m.nodes.has(f.to)) return `${key}: mapping=${id}, whose resource mapping has no entry for node ${f.to}`;
  if (kind === 'pci' && f.running && !m.liveMigration)
    return `${key}: mapping=${id}, a PCI device that cannot move while the VM runs (the mapping is not live-migration-capable; stop the VM first)`;
  return undefined;
}

function vmDeviceReasons(f: MigrationFacts): string[] {
  const out: string[] = [];
  const c = f.config;
  if (typeof c.hostusb === 'string') out.push(`hostusb: ${c.hostusb}, a USB device of ${f.from}`);
  if (typeof c.hostpci === 'string') out.push(`hostpci: ${c.hostpci}, a PCI device of ${f.from}`);
  if (typeof c.ivshmem === 'string') out.push(`ivshmem: ${c.ivshmem}, shared memory on ${f.from}`);
  if (f.running) {
    for (const k of ['amd-sev', 'intel-tdx']) if (typeof c[k] === 'string') out.push(`${k}: a running VM with it cannot be migrated live`);
  }
  for (const key of Object.keys(c).sort()) {
    const v = c[key];
    if (typeof v !== 'string') continue;
    if (/^usb\d+$/.test(key)) {
      const { first, props } = fields(v);
      const host = props.get('host') ?? first;
      const mapping = props.get('mapping');
      if (mapping) {
        const r = mappingReason(f, key, 'usb', mapping);
        if (r) out.push(r);
      } else if (host && !/^spice$/i.test(host)) out.push(`${key}: host=${host}, ${usbWhat(host, f.from, f.sourceUsb)}`);
    } else if (/^hostpci\d+$/.test(key)) {
      const { first, props } = fields(v);
      const mapping = props.get('mapping');
      if (mapping) {
        const r = mappingReason(f, key, 'pci', mapping);
        if (r) out.push(r);
      } else out.push(`${key}: host=${props.get('host') ?? first}, a PCI device of ${f.from}`);
    } else if (/^(?:serial|parallel)\d+$/.test(key) && v !== 'socket') {
      out.push(`${key}: ${v}, a ${key.startsWith('serial') ? 'serial' : 'parallel'} port of ${f.from}`);
    }
  }
  return out;
}

/** `lxc: [[key, value], ...]` as GET config answers it. */
function rawLines(config: Record<string, unknown>): [string, string][] {
  const raw = config.lxc;
  if (!Array.isArray(raw)) return [];
  return raw.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string');
}

function containerDeviceReasons(f: MigrationFacts): string[] {
  const out: string[] = [];
  for (const key of Object.keys(f.config).sort()) {
    const v = f.config[key];
    if (!/^dev\d+$/.test(key) || typeof v !== 'string') continue;
    const { first, props } = fields(v);
    const path = props.get('path') ?? first;
    out.push(`${key}: ${path}, a device of ${f.from} passed through (PVE moves the container without it)`);
  }
  for (const [k, v] of rawLines(f.config)) {
    const mount = k === 'lxc.mount.entry' ? /^\s*(\/dev\/\S*)/.exec(v) : null;
    if (mount) {
      const usb = mount[1]!.startsWith('/dev/bus/usb') ? usbDevicesText(f.sourceUsb) : '';
      out.push(
        `${k}: ${v}, a device tree of ${f.from} bound in${usb} (a raw line in /etc/pve/lxc/${f.vmid}.conf; PVE moves the container without it)`,
      );
    } else if (/^lxc\.cgroup2?\.devices\.allow$/.test(k)) {
      out.push(`${k}: ${v}, access to devices of ${f.from} (a raw line in /etc/pve/lxc/${f.vmid}.conf)`);
    }
  }
  return out;
}

/** The reasons the migration cannot work; empty when PVE would move the guest. */
export function migrationBlockers(f: MigrationFacts): string[] {
  const lock = typeof f.config.lock === 'string' ? f.config.lock : undefined;
  const out: string[] = [];
  if (lock !== undefined && lock !== 'migrate')
    out.push(`it is locked (${lock}); PVE refuses to migrate a locked guest (wait for its task, or unlock it if it is stale)`);
  out.push(...(f.type === 'qemu' ? vmDeviceReasons(f) : containerDeviceReasons(f)));
  out.push(...storageReasons(f));
  return out;
}

/** The mapping ids a config uses: `usb:<id>`, `pci:<id>`. */
export function mappingsUsed(type: GuestType, config: Record<string, unknown>): string[] {
  if (type !== 'qemu') return [];
  const out = new Set<string>();
  for (const [key, v] of Object.entries(config)) {
    if (typeof v !== 'string') continue;
    const kind = /^usb\d+$/.test(key) ? 'usb' : /^hostpci\d+$/.test(key) ? 'pci' : undefined;
    const mapping = kind ? fields(v).props.get('mapping') : undefined;
    if (kind && mapping) out.add(`${kind}:${mapping}`);
  }
  return [...out].sort();
}
