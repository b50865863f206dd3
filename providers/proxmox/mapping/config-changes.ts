/**
 * The change set of a config update: keys to set and keys to delete, computed against the
 * live config so that only what really differs is sent (compared canonically, never as raw
 * text). Property strings are merged into their live value field by field, each field compared
 * by its meaning (fieldMeaning): a field whose meaning does not change is left as written, so
 * explicit defaults (`cache=none`, `backup=1`, `iothread=0`, `firewall=0`), a MAC's case and keys
 * hl does not manage (a NIC's `queues`, a disk's `iops`, the CPU `flags`) are kept, and a string
 * none of whose fields change is kept byte for byte. That matters beyond tidiness: a running VM
 * compares drive and NIC fields as text (providers/pve/pve-rules/qemu-hotplug-rules.ts), so rewriting
 * `cache=none` away would leave a pending change, and a MAC's case a replugged NIC.
 *
 * Reads stay tolerant (safeParse: a live value that does not parse reads as empty, so a guest
 * with one broken key can still be refreshed and planned); a write that would merge into such a
 * value fails (LivePropertyError) instead of replacing it with what hl knows.
 */
import { isUnknown, type Value } from '../../../src/core/value.js';
import { ProviderError } from '../../../src/provider/contract.js';
import {
  formatPropertyString,
  LXC_MP_FORMAT,
  parseBoolean,
  LXC_ROOTFS_FORMAT,
  parsePropertyString,
  propertyStringsEqual,
  QEMU_HOSTPCI_FORMAT,
  QEMU_IDE_FORMAT,
  QEMU_SATA_FORMAT,
  QEMU_SCSI_FORMAT,
  QEMU_VIRTIO_FORMAT,
  type PropertyMap,
  type PropertyStringFormat,
} from '../../pve/property-string.js';

/** One field of a property-string update: text to set, null to remove, undefined to leave. */
export type FieldUpdate = string | null | undefined;

export class ConfigChanges {
  readonly set: Record<string, string> = {};
  readonly delete = new Set<string>();

  /** Sets `key` to `desired` (null: delete) unless `live` already equals it. */
  put(key: string, desired: string | null, live: string | undefined, equal: (a: string, b: string) => boolean = (a, b) => a === b): void {
    if (desired === null) {
      if (live !== undefined) this.delete.add(key);
      return;
    }
    if (live !== undefined && equal(desired, live)) return;
    this.set[key] = desired;
  }

  get empty(): boolean {
    return Object.keys(this.set).length === 0 && this.delete.size === 0;
  }

  /** Every key touched. */
  keys(): string[] {
    return [...Object.keys(this.set), ...this.delete].sort();
  }
}

/** Parses a live value for reading; a value that does not parse reads as empty (see above). */
export function safeParse(text: string | undefined, format: PropertyStringFormat): PropertyMap {
  if (text === undefined) return {};
  try {
    return parsePropertyString(text, format);
  } catch {
    return {};
  }
}

/** A live property string hl would have to merge a change into but cannot parse. */
export class LivePropertyError extends ProviderError {
  constructor(
    readonly key: string,
    readonly value: string,
    reason: string,
  ) {
    super(
      `config key ${key} holds "${value}", which is not a valid value (${reason}); hl does not overwrite a value it cannot read — fix or remove it on the Proxmox node, then plan again`,
    );
    this.name = 'LivePropertyError';
  }
}

/**
 * Field defaults that are not "false": what PVE takes when the field is absent (qemu-server
 * Drive.pm: a drive is backed up and replicated unless `backup=0`/`replicate=0`, `cache` absent
 * is no host cache, `discard` absent ignores; PCI.pm: `rombar` defaults to 1; pve-container:
 * volumes are replicated unless `replicate=0`). Every other boolean field defaults to 0.
 */
const DRIVE_DEFAULTS: Record<string, string> = { backup: '1', replicate: '1', cache: 'none', discard: 'ignore' };
const FIELD_DEFAULTS = new Map<PropertyStringFormat, Record<string, string>>([
  [QEMU_SCSI_FORMAT, DRIVE_DEFAULTS],
  [QEMU_VIRTIO_FORMAT, DRIVE_DEFAULTS],
  [QEMU_SATA_FORMAT, DRIVE_DEFAULTS],
  [QEMU_IDE_FORMAT, DRIVE_DEFAULTS],
  [QEMU_HOSTPCI_FORMAT, { rombar: '1' }],
  [LXC_ROOTFS_FORMAT, { replicate: '1' }],
  [LXC_MP_FORMAT, { replicate: '1' }],
]);

/**
 * What a field's text means, for comparing: absent is its default, booleans and numbers are
 * compared by value, MAC addresses without case. Undefined: absent without a known default.
 */
export function fieldMeaning(format: PropertyStringFormat, key: string, text: string | undefined): string | undefined {
  const spec = format.keys?.[key];
  const value = text ?? FIELD_DEFAULTS.get(format)?.[key] ?? (spec?.type === 'boolean' ? '0' : undefined);
  if (value === undefined || !spec) return value;
  if (spec.type === 'boolean') {
    const b = parseBoolean(value);
    return b === undefined ? value : b ? '1' : '0';
  }
  if ((spec.type === 'integer' || spec.type === 'number') && value.trim() !== '' && Number.isFinite(Number(value)))
    return String(Number(value));
  if (spec.format === 'mac-addr') return value.toUpperCase();
  return value;
}

/**
 * `live` (the value of config key `key`) with `updates` applied, each only when it changes the
 * field's meaning. Unchanged: `live` itself, byte for byte; changed: printed as PVE prints it.
 * Throws LivePropertyError when `live` does not parse.
 */
export function mergeProps(
  live: string | undefined,
  format: PropertyStringFormat,
  updates: Record<string, FieldUpdate>,
  key: string,
): string {
  let map: Record<string, string> = {};
  if (live !== undefined) {
    try {
      map = { ...parsePropertyString(live, format) };
    } catch (e) {
      throw new LivePropertyError(key, live, e instanceof Error ? e.message : String(e));
    }
  }
  let changed = live === undefined;
  for (const [k, v] of Object.entries(updates)) {
    if (v === undefined) continue;
    if (fieldMeaning(format, k, map[k]) === fieldMeaning(format, k, v ?? undefined)) continue;
    if (v === null) delete map[k];
    else map[k] = v;
    changed = true;
  }
  return changed ? formatPropertyString(map, format) : (live as string);
}

export function propsEqual(format: PropertyStringFormat): (a: string, b: string) => boolean {
  return (a, b) => propertyStringsEqual(a, b, format);
}

/** Field update for a planned value: unknown values leave the field alone. */
export function text(v: Value | undefined): FieldUpdate {
  if (v === undefined || isUnknown(v)) return undefined;
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  return undefined;
}

/** A boolean whose PVE default is false: true → `1`, false → removed. */
export function flag(v: Value | undefined): FieldUpdate {
  if (v === undefined || isUnknown(v)) return undefined;
  return v === true ? '1' : null;
}

/** A boolean whose PVE default is true: false → `0`, true → removed. */
export function flagDefaultOn(v: Value | undefined): FieldUpdate {
  if (v === undefined || isUnknown(v)) return undefined;
  return v === false ? '0' : null;
}

/** Known (not unknown, not undefined). */
export function known(v: Value | undefined): v is Value {
  return v !== undefined && !isUnknown(v);
}
