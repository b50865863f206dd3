/**
 * Host devices of a guest as a node sees them at start and at config time:
 *
 * - `checkGuestDevicesAtStart`: what makes a start fail on a real node, with PVE's messages:
 *   a `hostpciN` whose device is gone (`no PCI device found for '0000:04:00.0'`), `pcie=1`
 *   without a q35 machine, a USB or PCI mapping that is missing or no longer matches the
 *   hardware (`USB Mapping invalid (hardware probably changed): ...`), a container `devN` whose
 *   device node is gone (`Device /dev/apex_0 does not exist`). A `usbN: host=...` never fails
 *   a start (QEMU attaches the device when it appears).
 * - `initializeCoralsUsedBy`: after a start, each uninitialized USB Coral the guest uses
 *   (by port, by id, through a mapping, through a container `devN` or a raw
 *   `lxc.mount.entry` of /dev/bus/usb) flips to 18d1:9302 with a new device number, as the
 *   first inference does.
 * - `assertDeviceNodesExist`: pve-container checks a `devN` path when it is set.
 * - `rawLxcEntries`: raw `lxc.*` keys (which only root can write, by editing the file on the
 *   host) as GET config answers them: `lxc: [[key, value], ...]`.
 */
import { LXC_DEV_FORMAT, parsePropertyString, QEMU_HOSTPCI_FORMAT, QEMU_MACHINE_FORMAT, QEMU_USB_FORMAT } from '../property-string.js';
import { fail } from './api-error.js';
import type { ConfigSection } from './config-text.js';
import { hostDeviceNodes, initializeCoralUsb, isCoralUsb, isModelledDeviceNode, usbDeviceNode, usbPortPath } from './coral-hardware.js';
import { assertPciMapValid, assertUsbMapValid, nodeMapEntries } from './resource-mappings.js';
import { findNode, guestConfig, type GuestState, type NodeState, type UsbDevice, type World } from './world.js';

function tryParse(text: string, format: Parameters<typeof parsePropertyString>[1]): Record<string, string> | undefined {
  try {
    return parsePropertyString(text, format);
  } catch {
    return undefined;
  }
}

function slots(main: ConfigSection, re: RegExp): [string, string][] {
  return Object.entries(main).filter(([k]) => re.test(k));
}

/** `04:00.0` → `0000:04:00.0`; a path without function means function 0 must exist. */
function fullPciId(id: string): string {
  const withDomain = /^[a-f0-9]{4,}:/i.test(id) && id.split(':').length === 3 ? id : `0000:${id}`;
  return /\.[a-f0-9]$/i.test(withDomain) ? withDomain.toLowerCase() : `${withDomain.toLowerCase()}.0`;
}

function isQ35(main: ConfigSection): boolean {
  const m = main.machine ? tryParse(main.machine, QEMU_MACHINE_FORMAT) : undefined;
  return /(^|-)q35/.test(m?.type ?? '');
}

function resolveUsbMapping(world: World, node: NodeState, mapping: string): Record<string, string> {
  const entries = nodeMapEntries(world, 'usb', mapping, node.name);
  if (!entries || entries.length === 0) throw new Error(`USB device mapping not found for '${mapping}'`);
  if (entries.length > 1) throw new Error('More than one USB mapping per host not supported');
  const entry = entries[0] as Record<string, string>;
  try {
    assertUsbMapValid(mapping, entry, node);
  } catch (e) {
    throw new Error(`USB Mapping invalid (hardware probably changed): ${(e as Error).message}`);
  }
  return entry;
}

function checkQemu(world: World, node: NodeState, main: ConfigSection): void {
  for (const [, value] of slots(main, /^usb\d+$/)) {
    const u = tryParse(value, QEMU_USB_FORMAT);
    if (u?.mapping) resolveUsbMapping(world, node, u.mapping);
  }
  for (const [, value] of slots(main, /^hostpci\d+$/)) {
    const h = tryParse(value, QEMU_HOSTPCI_FORMAT);
    if (!h) continue;
    let paths: string[];
    if (h.mapping) {
      const entries = nodeMapEntries(world, 'pci', h.mapping, node.name);
      if (!entries || entries.length === 0) throw new Error(`PCI device mapping not found for '${h.mapping}'`);
      for (const e of entries) {
        try {
          assertPciMapValid(h.mapping, e, node);
        } catch (err) {
          throw new Error(`PCI device mapping invalid (hardware probably changed): ${(err as Error).message}`);
        }
      }
      paths = (entries[0]?.path ?? '').split(';');
    } else {
      paths = (h.host ?? '').split(';');
    }
    for (const p of paths.filter(Boolean)) {
      if (!node.pci.some((d) => d.id.toLowerCase() === fullPciId(p))) throw new Error(`no PCI device found for '${p}'`);
    }
    if (h.pcie === '1' && !isQ35(main)) throw new Error('q35 machine model is not enabled');
  }
}

function checkLxc(node: NodeState, main: ConfigSection): void {
  const present = hostDeviceNodes(node);
  for (const [key, value] of slots(main, /^dev\d+$/)) {
    const path = tryParse(value, LXC_DEV_FORMAT)?.path;
    if (path === undefined) throw new Error(`Path is not defined for passthrough device ${key}`);
    if (isModelledDeviceNode(path) && !present.has(path)) throw new Error(`Device ${path} does not exist`);
  }
}

/** Throws an Error with PVE's message when starting `g` would fail because of a host device. */
export function checkGuestDevicesAtStart(world: World, g: GuestState): void {
  const node = findNode(world, g.node);
  if (!node) return;
  const main = guestConfig(g).main;
  if (g.type === 'qemu') checkQemu(world, node, main);
  else checkLxc(node, main);
}

/** The USB devices on `node` that the running guest's config reaches. */
function usbDevicesUsed(world: World, node: NodeState, g: GuestState): UsbDevice[] {
  const main = guestConfig(g).main;
  const used = new Set<UsbDevice>();
  const byPort = (port: string): void => {
    const d = node.usb.find((x) => usbPortPath(x) === port);
    if (d) used.add(d);
  };
  const byId = (id: string): void => {
    const want = id.replace(/0x/g, '').toLowerCase();
    for (const d of node.usb) if (`${d.vendid}:${d.prodid}`.toLowerCase() === want) used.add(d);
  };
  if (g.type === 'qemu') {
    for (const [, value] of slots(main, /^usb\d+$/)) {
      const u = tryParse(value, QEMU_USB_FORMAT);
      if (u?.mapping) {
        const entry = nodeMapEntries(world, 'usb', u.mapping, node.name)?.[0];
        if (entry?.path) byPort(entry.path);
        else if (entry?.id) byId(entry.id);
      } else if (u?.host && /^\d+-\d+(\.\d+)*$/.test(u.host)) byPort(u.host);
      else if (u?.host && /:/.test(u.host)) byId(u.host);
    }
    return [...used];
  }
  for (const [, value] of slots(main, /^dev\d+$/)) {
    const path = tryParse(value, LXC_DEV_FORMAT)?.path;
    for (const d of node.usb) if (path === usbDeviceNode(d)) used.add(d);
  }
  for (const [, value] of rawLxcEntries(main)) {
    const m = /^\/dev\/bus\/usb(?:\/(\d{3}))?\/?\s/.exec(value);
    if (!m) continue;
    for (const d of node.usb) if (m[1] === undefined || Number(m[1]) === d.busnum) used.add(d);
  }
  return [...used];
}

/** After `g` started: the first inference of each uninitialized USB Coral it uses. */
export function initializeCoralsUsedBy(world: World, g: GuestState): void {
  const node = findNode(world, g.node);
  if (!node) return;
  for (const d of usbDevicesUsed(world, node, g)) if (isCoralUsb(d)) initializeCoralUsb(node, d);
}

/** pve-container: a `devN` path must exist on the host when it is set (modelled paths only). */
export function assertDeviceNodesExist(node: NodeState, values: Record<string, string>): void {
  const present = hostDeviceNodes(node);
  for (const [key, value] of Object.entries(values)) {
    if (!/^dev\d+$/.test(key)) continue;
    const path = tryParse(value, LXC_DEV_FORMAT)?.path;
    if (path !== undefined && isModelledDeviceNode(path) && !present.has(path)) fail(`Device ${path} does not exist`);
  }
}

/** Raw `lxc.*` keys of a container config, in the `[[key, value], ...]` form GET config uses. */
export function rawLxcEntries(section: ConfigSection): [string, string][] {
  return Object.entries(section).filter(([k]) => k.startsWith('lxc.'));
}

/** Moves raw `lxc.*` keys of a GET config answer into its `lxc` array, as pve-container does. */
export function foldRawLxcKeys(answer: Record<string, unknown>): void {
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(answer)) {
    if (!k.startsWith('lxc.')) continue;
    entries.push([k, String(v)]);
    delete answer[k];
  }
  if (entries.length) answer.lxc = entries;
}
