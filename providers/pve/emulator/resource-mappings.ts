/**
 * Cluster resource mappings (`/etc/pve/mapping/usb.cfg`, `pci.cfg`), after pve-guest-common's
 * PVE::Mapping::USB and ::PCI: a named logical device with one `map` entry per node
 * (`node=fun-bedbug,path=2-1,id=1a6e:089a`), so that users without root (API tokens) can pass
 * host devices through with `usbN: mapping=<id>` / `hostpciN: mapping=<id>`.
 *
 * At guest start PVE checks the entry for the node against the live hardware (`assert_valid`):
 * a USB entry with a path must find a device at that path whose vendor:device equals `id`
 * (which breaks once a Coral has flipped from 1a6e:089a to 18d1:9302), one without a path a
 * device with that id; a PCI entry must find the device and match id, IOMMU group and
 * subsystem id. The messages are PVE's.
 */
import { createHash } from 'node:crypto';
import { parsePropertyString, PropertyStringError, type PropertyStringFormat } from '../property-string.js';
import { usbPortPath } from './coral-hardware.js';
import type { NodeState, World } from './world.js';

export type MappingKind = 'usb' | 'pci';

export interface MappingEntry {
  description?: string;
  /** `node=...,id=...,path=...` strings, one per node (or several per node for PCI). */
  map: string[];
  mdev?: boolean;
  'live-migration-capable'?: boolean;
}

export interface ResourceMappings {
  usb: Record<string, MappingEntry>;
  pci: Record<string, MappingEntry>;
}

const ID_RE = /^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$/;
const USB_PATH_RE = /^(\d+)-(\d+(\.\d+)*)$/;
const PCI_ONE = '[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(?:\\.[a-f0-9])?';
const PCI_PATH_RE = new RegExp(`^(?:${PCI_ONE};)*${PCI_ONE}$`);

export const USB_MAP_FORMAT: PropertyStringFormat = {
  keys: {
    node: { type: 'string' },
    id: { type: 'string', pattern: ID_RE },
    path: { type: 'string', pattern: USB_PATH_RE },
    description: { type: 'string' },
  },
};

export const PCI_MAP_FORMAT: PropertyStringFormat = {
  keys: {
    node: { type: 'string' },
    id: { type: 'string', pattern: ID_RE },
    path: { type: 'string', pattern: PCI_PATH_RE },
    iommugroup: { type: 'integer' },
    'subsystem-id': { type: 'string', pattern: ID_RE },
    description: { type: 'string' },
  },
};

export function mappingFormat(kind: MappingKind): PropertyStringFormat {
  return kind === 'usb' ? USB_MAP_FORMAT : PCI_MAP_FORMAT;
}

/** The world's mappings, created empty when the world has none yet. */
export function mappingsOf(world: World): ResourceMappings {
  world.mappings ??= { usb: {}, pci: {} };
  world.mappings.usb ??= {};
  world.mappings.pci ??= {};
  return world.mappings;
}

/** The problem with one `map` entry, as PVE's parameter check words it, or undefined. */
export function mapEntryProblem(kind: MappingKind, text: string): string | undefined {
  let entry: Record<string, string>;
  try {
    entry = parsePropertyString(text, mappingFormat(kind));
  } catch (e) {
    return e instanceof PropertyStringError ? e.message : String(e);
  }
  const keys = mappingFormat(kind).keys ?? {};
  for (const [k, v] of Object.entries(entry)) {
    const spec = keys[k];
    if (!spec) return `invalid format - property '${k}' not defined`;
    if (spec.pattern && !new RegExp(`^(?:${spec.pattern.source})$`).test(v))
      return `invalid format - ${k}: value does not match the regex pattern`;
    if (spec.type === 'integer' && !/^-?\d+$/.test(v)) return `invalid format - ${k}: type check ('integer') failed - got '${v}'`;
  }
  for (const required of kind === 'usb' ? ['node', 'id'] : ['node', 'id', 'path']) {
    if (entry[required] === undefined) return `invalid format - ${required}: property is missing and it is not optional`;
  }
  return undefined;
}

/** The entries of mapping `id` for `node` (undefined: no such mapping). */
export function nodeMapEntries(world: World, kind: MappingKind, id: string, node: string): Record<string, string>[] | undefined {
  const m = mappingsOf(world)[kind][id];
  if (!m) return undefined;
  const out: Record<string, string>[] = [];
  for (const text of m.map) {
    try {
      const e = parsePropertyString(text, mappingFormat(kind));
      if (e.node === node) out.push(e);
    } catch {
      // PVE warns and skips an unparsable entry
    }
  }
  return out;
}

/** PVE::Mapping::USB::assert_valid; throws Error with PVE's message. */
export function assertUsbMapValid(name: string, entry: Record<string, string>, node: NodeState): void {
  const id = (entry.id ?? '').toLowerCase();
  if (entry.path) {
    const dev = node.usb.find((d) => usbPortPath(d) === entry.path);
    if (!dev) throw new Error(`usb device '${entry.path}' not found`);
    const real = `${dev.vendid}:${dev.prodid}`.toLowerCase();
    if (real !== id) throw new Error(`'id' does not match for '${name}' (${real} != ${entry.id})`);
    return;
  }
  if (!node.usb.some((d) => `${d.vendid}:${d.prodid}`.toLowerCase() === id)) throw new Error(`usb device '${entry.id}' not found`);
}

const bare = (hex: string): string => hex.replace(/^0x/, '').toLowerCase();

/** PVE::Mapping::PCI::assert_valid; throws Error with PVE's message. */
export function assertPciMapValid(name: string, entry: Record<string, string>, node: NodeState): void {
  const paths = (entry.path ?? '').split(';').filter(Boolean);
  paths.forEach((raw, idx) => {
    const path = /\.[a-f0-9]$/i.test(raw) ? raw : `${raw}.0`;
    const info = node.pci.find((d) => d.id.toLowerCase() === path.toLowerCase());
    if (!info) throw new Error(`pci device '${path}' not found`);
    const correct: Record<string, string> = { id: `${bare(info.vendor)}:${bare(info.device)}`, iommugroup: String(info.iommugroup) };
    if (info.subsystem_vendor !== undefined && info.subsystem_device !== undefined) {
      correct['subsystem-id'] = `${bare(info.subsystem_vendor)}:${bare(info.subsystem_device)}`;
    }
    for (const prop of ['id', 'iommugroup', 'subsystem-id']) {
      if (prop === 'iommugroup' && idx > 0) continue;
      const want = correct[prop];
      const have = entry[prop];
      if (want === undefined && have === undefined) continue;
      if (want !== undefined && have === undefined) throw new Error(`no '${prop}' for device '${path}'`);
      if (want === undefined && have !== undefined) throw new Error(`'${prop}' configured but should not be`);
      if (bare(want as string) !== bare(have as string))
        throw new Error(`'${prop}' does not match for '${name}' (${bare(want as string)} != ${bare(have as string)})`);
    }
  });
}

/** The digest PVE answers with a mapping: SHA-1 of the config file as it would be written. */
export function mappingsDigest(world: World, kind: MappingKind): string {
  const ids = mappingsOf(world)[kind];
  let text = '';
  for (const id of Object.keys(ids).sort()) {
    const m = ids[id] as MappingEntry;
    text += `${id}\n`;
    if (m.description !== undefined) text += `\tdescription ${m.description}\n`;
    for (const e of m.map) text += `\tmap ${e}\n`;
    if (m.mdev) text += '\tmdev 1\n';
    if (m['live-migration-capable']) text += '\tlive-migration-capable 1\n';
    text += '\n';
  }
  return createHash('sha1').update(text, 'utf8').digest('hex');
}
