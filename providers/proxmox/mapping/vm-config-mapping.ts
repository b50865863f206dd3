/**
 * `proxmox_vm` attributes ⇄ QEMU guest config keys.
 *
 * | attribute          | config key(s)                                                      |
 * |--------------------|--------------------------------------------------------------------|
 * | name, description  | `name`, `description` (hl's marker line kept, see hl-marker.ts)    |
 * | tags               | `tags` (`a;b`, compared as a set)                                  |
 * | cores, sockets     | `cores`, `sockets`                                                 |
 * | cpu                | `cpu` cputype (other `cpu` keys such as `flags` are left alone)    |
 * | memory, balloon    | `memory` (`current`), `balloon` (MiB)                              |
 * | machine, bios      | `machine` type, `bios`                                             |
 * | ostype, agent      | `ostype`, `agent` enabled                                          |
 * | onboot, protection | `onboot`, `protection`                                             |
 * | scsi_hardware      | `scsihw`                                                           |
 * | disks.<slot>       | `scsiN`/`virtioN`/`sataN`/`ideN` (not CD-ROMs, not the cloud-init drive) |
 * | networks.<slot>    | `netN`: model=MAC, bridge, firewall, tag, rate, mtu, link_down      |
 * | cloud_init         | `ciuser`, `cipassword`, `sshkeys`, `ipconfigN`, `nameserver`, `searchdomain`, the cloud-init drive |
 * | usb.<slot>         | `usbN`: host, mapping, usb3                                        |
 * | hostpci.<slot>     | `hostpciN`: host, mapping, pcie, rombar, x-vga                     |
 * | placement          | none: hl's own, a read keeps the prior value                        |
 *
 * Values a config leaves out are absent from the PVE config; they read as PVE's defaults
 * (onboot false, a disk's backup true, ...) so that writing a default explicitly plans no change.
 */
import { isValueMap, type Attributes, type Value, type ValueMap } from '../../../src/core/value.js';
import {
  QEMU_AGENT_FORMAT,
  QEMU_CPU_FORMAT,
  QEMU_HOSTPCI_FORMAT,
  QEMU_IPCONFIG_FORMAT,
  QEMU_MACHINE_FORMAT,
  QEMU_MEMORY_FORMAT,
  QEMU_NET_FORMAT,
  QEMU_USB_FORMAT,
  formatPropertyString,
  type PropertyStringFormat,
} from '../../pve/property-string.js';
import { machineSatisfies } from '../../pve/pve-rules/qemu-machine-rules.js';
import { qemuDiskFormat } from './drive-formats.js';
import { ConfigChanges, flag, flagDefaultOn, known, mergeProps, propsEqual, safeParse, text, type FieldUpdate } from './config-changes.js';
import {
  knownOrNull,
  num,
  putDescriptionAndTags,
  putFlags,
  putNumbers,
  putSlots,
  readTags,
  volumeResize,
  type GuestReadInput,
  type VolumeResize,
} from './guest-config-mapping.js';
import { splitMarker } from './hl-marker.js';
import type { TagStyle } from './pve-tags.js';
import { boolOf, canonSize, intOf, pveBool, sizeGiB, storageOfVolume, strOf, type PveConfig } from './pve-values.js';

export const DISK_SLOT_RE = /^(ide|sata|scsi|virtio)(\d+)$/;
const CLOUDINIT_FILE_RE = /(^|[:/])(vm|base)-\d+-cloudinit(\.\w+)?$/;

function isCloudinitFile(file: string | undefined): boolean {
  return !!file && (CLOUDINIT_FILE_RE.test(file) || file === 'cloudinit' || /:cloudinit$/.test(file));
}

/** The VMID owning a volume, from its name (`vm-107-disk-0`; for a linked clone the last part). */
export function volumeOwner(file: string | undefined): number | undefined {
  if (!file) return undefined;
  const all = [...file.matchAll(/(?:^|[:/])(?:vm|base)-(\d+)-disk-\d+/g)];
  const last = all[all.length - 1];
  return last ? Number(last[1]) : undefined;
}

/**
 * The managed disks of a live config: drive slots that are neither CD-ROMs nor the cloud-init
 * drive nor, when `ownVmid` is given, volumes another guest owns (a crucible disk attached to
 * this VM belongs to its holder and is managed by its crucible_attachment).
 */
export function liveDiskSlots(config: PveConfig, ownVmid?: number): string[] {
  return Object.keys(config).filter((k) => {
    if (!DISK_SLOT_RE.test(k)) return false;
    const d = safeParse(config[k], qemuDiskFormat(k));
    if (d.media === 'cdrom' || isCloudinitFile(d.file) || d.file === 'none') return false;
    const owner = ownVmid === undefined ? undefined : volumeOwner(d.file);
    return owner === undefined || owner === ownVmid;
  });
}

/** The slot holding the cloud-init drive, if any. */
export function cloudinitDriveSlot(config: PveConfig): string | undefined {
  return Object.keys(config).find((k) => DISK_SLOT_RE.test(k) && isCloudinitFile(safeParse(config[k], qemuDiskFormat(k)).file));
}

function slotsOf(config: PveConfig, re: RegExp): string[] {
  return Object.keys(config).filter((k) => re.test(k));
}

function sub(v: Value | undefined): ValueMap | undefined {
  return isValueMap(v) ? v : undefined;
}

/** Decodes PVE's urlencoded `sshkeys` into one key per line. */
export function decodeSshKeys(text: string | undefined): string[] {
  if (!text) return [];
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    // keep as is
  }
  return decoded
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** PVE's `sshkeys` encoding: the keys joined by newlines, urlencoded (`%20` for spaces). */
export function encodeSshKeys(keys: readonly string[]): string {
  return encodeURIComponent(keys.join('\n')).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function readDisk(slot: string, value: string, priorDisk: ValueMap | undefined): ValueMap {
  const d = safeParse(value, qemuDiskFormat(slot));
  return {
    storage: storageOfVolume(d.file),
    size: d.size ? (canonSize(d.size) as string) : null,
    cache: d.cache && d.cache !== 'none' ? d.cache : null,
    discard: d.discard === 'on',
    ssd: boolOf(d.ssd, false),
    iothread: boolOf(d.iothread, false),
    backup: boolOf(d.backup, true),
    format: knownOrNull(priorDisk?.format),
    import_from: knownOrNull(priorDisk?.import_from),
    volume: d.file ?? null,
  };
}

function readNet(value: string): ValueMap {
  const n = safeParse(value, QEMU_NET_FORMAT);
  return {
    model: n.model ?? null,
    mac: n.macaddr ? n.macaddr.toUpperCase() : null,
    bridge: n.bridge ?? null,
    firewall: boolOf(n.firewall, false),
    tag: intOf(n.tag),
    rate: intOf(n.rate),
    mtu: intOf(n.mtu),
    link_down: boolOf(n.link_down, false),
  };
}

function readIpconfig(value: string): ValueMap {
  const p = safeParse(value, QEMU_IPCONFIG_FORMAT);
  return { ip: p.ip ?? null, gw: p.gw ?? null, ip6: p.ip6 ?? null, gw6: p.gw6 ?? null };
}

const CLOUD_INIT_KEYS = ['ciuser', 'cipassword', 'sshkeys', 'nameserver', 'searchdomain', 'citype'];

function readCloudInit(config: PveConfig, prior: ValueMap | undefined): ValueMap | null {
  const driveSlot = cloudinitDriveSlot(config);
  const ipSlots = slotsOf(config, /^ipconfig\d+$/);
  if (!driveSlot && ipSlots.length === 0 && !CLOUD_INIT_KEYS.some((k) => config[k] !== undefined)) return null;
  const ipconfig: ValueMap = {};
  for (const s of ipSlots.sort(compareIndexed)) ipconfig[s] = readIpconfig(config[s]!);
  const drive = driveSlot ? safeParse(config[driveSlot], qemuDiskFormat(driveSlot)) : undefined;
  return {
    user: strOf(config.ciuser),
    password: config.cipassword !== undefined ? knownOrNull(prior?.password) : null,
    ssh_keys: decodeSshKeys(config.sshkeys),
    ipconfig,
    nameserver: strOf(config.nameserver),
    searchdomain: strOf(config.searchdomain),
    storage: drive ? storageOfVolume(drive.file) : knownOrNull(prior?.storage),
  };
}

function compareIndexed(a: string, b: string): number {
  const na = Number(/\d+$/.exec(a)?.[0] ?? 0);
  const nb = Number(/\d+$/.exec(b)?.[0] ?? 0);
  const pa = a.replace(/\d+$/, '');
  const pb = b.replace(/\d+$/, '');
  return pa === pb ? na - nb : pa < pb ? -1 : 1;
}

function prop(value: string | undefined, format: PropertyStringFormat, key: string): string | undefined {
  return safeParse(value, format)[key];
}

/** The clone inputs hl recorded in its marker (for a VM hl cloned, imported or refreshed without state). */
function cloneFromMarker(facts: Record<string, string> | undefined): Value {
  if (!facts?.clone) return null;
  const source = /^\d+$/.test(facts.clone) ? Number(facts.clone) : facts.clone;
  return { source, full: facts.full !== '0', snapshot: facts.snapshot ?? null };
}

/** Creation-time facts of a VM for hl's marker. */
export function vmMarkerFacts(planned: Attributes): Record<string, string> {
  const clone = planned.clone;
  if (!isValueMap(clone) || (typeof clone.source !== 'string' && typeof clone.source !== 'number')) return {};
  return {
    clone: String(clone.source),
    full: clone.full === false ? '0' : '1',
    ...(typeof clone.snapshot === 'string' ? { snapshot: clone.snapshot } : {}),
  };
}

/**
 * The machine type: a pinned type (`pc-q35-10.1`, which PVE sets for Windows guests) reads as the
 * bare family the prior attributes name (`q35`), so a config saying `q35` sees no change.
 */
function readMachine(value: string | undefined, prior: Value | undefined): string | null {
  const type = strOf(prop(value, QEMU_MACHINE_FORMAT, 'type'));
  if (type !== null && typeof prior === 'string' && machineSatisfies(prior, type)) return prior;
  return type;
}

/** The `proxmox_vm` attributes of a live guest. */
export function vmAttributesFromConfig(input: GuestReadInput): Attributes {
  const { config, prior } = input;
  const priorDisks = sub(prior?.disks);
  const disks: ValueMap = {};
  for (const slot of liveDiskSlots(config, input.vmid).sort(compareIndexed))
    disks[slot] = readDisk(slot, config[slot]!, sub(priorDisks?.[slot]));
  const networks: ValueMap = {};
  for (const slot of slotsOf(config, /^net\d+$/).sort(compareIndexed)) networks[slot] = readNet(config[slot]!);
  const usb: ValueMap = {};
  for (const slot of slotsOf(config, /^usb\d+$/).sort(compareIndexed)) {
    const u = safeParse(config[slot], QEMU_USB_FORMAT);
    usb[slot] = { host: u.host ?? null, mapping: u.mapping ?? null, usb3: boolOf(u.usb3, false) };
  }
  const hostpci: ValueMap = {};
  for (const slot of slotsOf(config, /^hostpci\d+$/).sort(compareIndexed)) {
    const h = safeParse(config[slot], QEMU_HOSTPCI_FORMAT);
    hostpci[slot] = {
      host: h.host ?? null,
      mapping: h.mapping ?? null,
      pcie: boolOf(h.pcie, false),
      rombar: boolOf(h.rombar, true),
      x_vga: boolOf(h['x-vga'], false),
    };
  }
  const memory = intOf(prop(config.memory, QEMU_MEMORY_FORMAT, 'current'));
  return {
    id: `${input.node}/${input.vmid}`,
    node: input.node,
    vmid: input.vmid,
    name: strOf(config.name),
    description: splitMarker(config.description).text,
    tags: readTags(input),
    pool: input.pool,
    cores: intOf(config.cores) ?? 1,
    sockets: intOf(config.sockets) ?? 1,
    cpu: strOf(prop(config.cpu, QEMU_CPU_FORMAT, 'cputype')),
    memory: memory ?? 512,
    balloon: intOf(config.balloon),
    machine: readMachine(config.machine, prior?.machine),
    bios: config.bios ?? 'seabios',
    ostype: strOf(config.ostype),
    agent: boolOf(prop(config.agent, QEMU_AGENT_FORMAT, 'enabled'), false),
    onboot: boolOf(config.onboot, false),
    protection: boolOf(config.protection, false),
    scsi_hardware: config.scsihw ?? 'lsi',
    started: input.status === 'running',
    status: input.status,
    pending_changes: [...input.pending].sort(),
    clone: prior && isValueMap(prior.clone) ? prior.clone : cloneFromMarker(splitMarker(config.description).marker?.facts),
    disks,
    networks,
    cloud_init: readCloudInit(config, sub(prior?.cloud_init)),
    usb,
    hostpci,
    placement: prior && isValueMap(prior.placement) ? prior.placement : null,
  };
}

// ---- writing -------------------------------------------------------------------------------

export interface VmWriteInput {
  planned: Attributes;
  live: PveConfig;
  /** State before the update (write-only values such as the cloud-init password are compared with it). */
  prior: Attributes | null;
  /** hl's marker line for a guest being created (an existing guest keeps its own). */
  markerLine?: string;
  /** How the cluster stores tags (default: PVE's). */
  tagStyle?: TagStyle;
}

function diskOptions(disk: ValueMap): Record<string, FieldUpdate> {
  return {
    cache: known(disk.cache) ? (disk.cache === null ? null : String(disk.cache)) : undefined,
    discard: known(disk.discard) ? (disk.discard === true ? 'on' : null) : undefined,
    ssd: flag(disk.ssd),
    iothread: flag(disk.iothread),
    backup: flagDefaultOn(disk.backup),
  };
}

/** The drive string of a disk to allocate: `local-lvm:32,iothread=1` or `local-lvm:0,import-from=...`. */
export function newDiskValue(slot: string, disk: ValueMap): string | undefined {
  const storage = typeof disk.storage === 'string' ? disk.storage : undefined;
  if (!storage) return undefined;
  const importFrom = typeof disk.import_from === 'string' ? disk.import_from : undefined;
  const gib = importFrom ? '0' : sizeGiB(disk.size);
  if (gib === undefined) return undefined;
  const fields: Record<string, string | undefined> = { file: `${storage}:${gib}` };
  if (importFrom) fields['import-from'] = importFrom;
  if (typeof disk.format === 'string') fields.format = disk.format;
  for (const [k, v] of Object.entries(diskOptions(disk))) if (typeof v === 'string') fields[k] = v;
  return formatPropertyString(fields, qemuDiskFormat(slot));
}

function netFields(net: ValueMap, isNew: boolean): Record<string, FieldUpdate> {
  const model = known(net.model) && net.model !== null ? String(net.model) : isNew ? 'virtio' : undefined;
  return {
    model,
    macaddr: known(net.mac) && net.mac !== null ? String(net.mac).toUpperCase() : undefined,
    bridge: text(net.bridge),
    firewall: flag(net.firewall),
    tag: num(net.tag),
    rate: num(net.rate),
    mtu: num(net.mtu),
    link_down: flag(net.link_down),
  };
}

/** Slots of `live` matching `re` that `planned` (a known map) does not have: to delete. */
function removedSlots(live: string[], planned: ValueMap): string[] {
  return live.filter((s) => !(s in planned));
}

const CLOUDINIT_DRIVE_SLOTS = ['ide2', 'ide0', 'ide1', 'ide3', 'sata0', 'sata1', 'sata2', 'sata3', 'sata4', 'sata5'];

/**
 * The config changes that bring `live` to `planned`. Unknown planned values are left alone;
 * a map attribute (disks, networks, usb, hostpci, ipconfig) removes the slots it lacks.
 */
export function vmConfigChanges(input: VmWriteInput): ConfigChanges {
  const { planned: p, live, prior } = input;
  const c = new ConfigChanges();
  const pk = (k: string): Value | undefined => (known(p[k]) ? p[k] : undefined);

  if (pk('name') !== undefined) c.put('name', p.name === null ? null : String(p.name), live.name);
  putDescriptionAndTags(c, p, live, input.markerLine, input.tagStyle);
  // An absent key reads as PVE's default (cores 1, sockets 1, memory 512): compare with that.
  putNumbers(c, p, live, [
    ['cores', '1'],
    ['sockets', '1'],
    ['balloon', undefined],
  ]);
  if (pk('memory') !== undefined) {
    const v = num(p.memory);
    const current = intOf(prop(live.memory, QEMU_MEMORY_FORMAT, 'current')) ?? 512;
    if (v !== null && v !== undefined && Number(v) !== current)
      c.set.memory = mergeProps(live.memory, QEMU_MEMORY_FORMAT, { current: v }, 'memory');
  }
  if (pk('cpu') !== undefined) {
    c.put(
      'cpu',
      p.cpu === null ? null : mergeProps(live.cpu, QEMU_CPU_FORMAT, { cputype: String(p.cpu) }, 'cpu'),
      live.cpu,
      propsEqual(QEMU_CPU_FORMAT),
    );
  }
  if (pk('machine') !== undefined) {
    // A bare family (`q35`) is met by the type PVE pinned for a Windows guest (`pc-q35-10.1`): never unpin it.
    const liveType = prop(live.machine, QEMU_MACHINE_FORMAT, 'type');
    const keep = p.machine !== null && liveType !== undefined && machineSatisfies(String(p.machine), liveType);
    if (!keep)
      c.put(
        'machine',
        p.machine === null ? null : mergeProps(live.machine, QEMU_MACHINE_FORMAT, { type: String(p.machine) }, 'machine'),
        live.machine,
        propsEqual(QEMU_MACHINE_FORMAT),
      );
  }
  if (pk('bios') !== undefined) c.put('bios', p.bios === 'seabios' && live.bios === undefined ? null : (text(p.bios) ?? null), live.bios);
  if (pk('ostype') !== undefined) c.put('ostype', text(p.ostype) ?? null, live.ostype);
  if (pk('scsi_hardware') !== undefined)
    c.put('scsihw', p.scsi_hardware === 'lsi' && live.scsihw === undefined ? null : (text(p.scsi_hardware) ?? null), live.scsihw);
  if (pk('agent') !== undefined) {
    const enabled = p.agent === true;
    const current = boolOf(prop(live.agent, QEMU_AGENT_FORMAT, 'enabled'), false);
    if (enabled !== current) c.set.agent = mergeProps(live.agent, QEMU_AGENT_FORMAT, { enabled: pveBool(enabled) }, 'agent');
  }
  putFlags(c, p, live, ['onboot', 'protection']);

  writeDisks(c, p.disks, live, typeof p.vmid === 'number' ? p.vmid : undefined);
  putSlots(c, p.networks, live, slotsOf(live, /^net\d+$/), QEMU_NET_FORMAT, (net, isNew) => netFields(net, isNew));
  putSlots(c, p.usb, live, slotsOf(live, /^usb\d+$/), QEMU_USB_FORMAT, (u) => ({
    host: text(u.host),
    mapping: text(u.mapping),
    usb3: flag(u.usb3),
  }));
  putSlots(c, p.hostpci, live, slotsOf(live, /^hostpci\d+$/), QEMU_HOSTPCI_FORMAT, (h) => ({
    host: text(h.host),
    mapping: text(h.mapping),
    pcie: flag(h.pcie),
    rombar: flagDefaultOn(h.rombar),
    'x-vga': flag(h.x_vga),
  }));
  writeCloudInit(c, p, live, prior);
  return c;
}

function writeDisks(c: ConfigChanges, planned: Value | undefined, live: PveConfig, ownVmid: number | undefined): void {
  if (!isValueMap(planned)) return;
  const liveSlots = liveDiskSlots(live, ownVmid);
  for (const [slot, d] of Object.entries(planned)) {
    if (!isValueMap(d)) continue;
    if (liveSlots.includes(slot)) {
      const format = qemuDiskFormat(slot);
      c.put(slot, mergeProps(live[slot], format, diskOptions(d), slot), live[slot], propsEqual(format));
    } else {
      const value = newDiskValue(slot, d);
      if (value !== undefined) c.set[slot] = value;
    }
  }
  for (const slot of removedSlots(liveSlots, planned)) c.delete.add(slot);
}

function writeCloudInit(c: ConfigChanges, p: Attributes, live: PveConfig, prior: Attributes | null): void {
  const ci = p.cloud_init;
  if (!isValueMap(ci)) return;
  if (known(ci.user)) c.put('ciuser', ci.user === null ? null : String(ci.user), live.ciuser);
  if (known(ci.password)) {
    const before = sub(prior?.cloud_init)?.password;
    if (ci.password === null) c.put('cipassword', null, live.cipassword);
    else if (live.cipassword === undefined || before !== ci.password) c.set.cipassword = String(ci.password);
  }
  if (Array.isArray(ci.ssh_keys)) {
    const keys = ci.ssh_keys.filter((k): k is string => typeof k === 'string');
    c.put(
      'sshkeys',
      keys.length > 0 ? encodeSshKeys(keys) : null,
      live.sshkeys,
      (a, b) => decodeSshKeys(a).join('\n') === decodeSshKeys(b).join('\n'),
    );
  }
  putSlots(c, ci.ipconfig, live, slotsOf(live, /^ipconfig\d+$/), QEMU_IPCONFIG_FORMAT, (ip) => ({
    ip: text(ip.ip),
    gw: text(ip.gw),
    ip6: text(ip.ip6),
    gw6: text(ip.gw6),
  }));
  if (known(ci.nameserver)) c.put('nameserver', ci.nameserver === null ? null : String(ci.nameserver), live.nameserver);
  if (known(ci.searchdomain)) c.put('searchdomain', ci.searchdomain === null ? null : String(ci.searchdomain), live.searchdomain);
  if (!cloudinitDriveSlot(live)) {
    const storage = known(ci.storage) && typeof ci.storage === 'string' ? ci.storage : firstDiskStorage(p.disks, live);
    const slot = CLOUDINIT_DRIVE_SLOTS.find((s) => live[s] === undefined && c.set[s] === undefined);
    if (storage && slot) c.set[slot] = `${storage}:cloudinit`;
  }
}

function firstDiskStorage(disks: Value | undefined, live: PveConfig): string | undefined {
  if (isValueMap(disks)) {
    for (const d of Object.values(disks)) if (isValueMap(d) && typeof d.storage === 'string') return d.storage;
  }
  for (const slot of liveDiskSlots(live)) {
    const s = storageOfVolume(safeParse(live[slot], qemuDiskFormat(slot)).file);
    if (s) return s;
  }
  return undefined;
}

/** Disks to grow: planned size above the live size (`PUT .../resize`). Shrinks are returned too. */
export function vmDiskResizes(planned: Value | undefined, live: PveConfig): VolumeResize[] {
  if (!isValueMap(planned)) return [];
  return liveDiskSlots(live)
    .map((slot) => volumeResize(slot, planned[slot], live[slot], qemuDiskFormat(slot)))
    .filter((r): r is VolumeResize => r !== undefined);
}
