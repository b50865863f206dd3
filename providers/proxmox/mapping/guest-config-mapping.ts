/**
 * Mapping steps shared by `proxmox_vm` (vm-config-mapping.ts) and `proxmox_lxc`
 * (lxc-config-mapping.ts): what a read gets, the description with hl's marker line and the
 * tags, plain numbers and flags, keyed device slots merged into their live property strings,
 * and volume resizes.
 */
import { isValueMap, type Attributes, type Value, type ValueMap } from '../../../src/core/value.js';
import type { PropertyStringFormat } from '../../pve/property-string.js';
import { type ConfigChanges, known, mergeProps, propsEqual, safeParse, type FieldUpdate } from './config-changes.js';
import { splitMarker, withMarker } from './hl-marker.js';
import { DEFAULT_TAG_STYLE, sameStoredTags, tagsAsRead, type TagStyle } from './pve-tags.js';
import { boolOf, canonSize, formatTags, parseTags, pveBool, sizeBytes, type PveConfig } from './pve-values.js';

/** What the attributes of a live guest are read from. */
export interface GuestReadInput {
  node: string;
  vmid: number;
  config: PveConfig;
  status: string;
  pool: string | null;
  /** Keys with changes waiting for a restart. */
  pending: string[];
  /** The attributes before (state or planned): values PVE does not return (clone, passwords). */
  prior: Attributes | null;
  /** How the cluster stores tags (default: PVE's, lowercased). */
  tagStyle?: TagStyle;
}

/** A volume whose planned size differs from its live size (`PUT .../resize`; shrinks too, to refuse them). */
export interface VolumeResize {
  slot: string;
  from: string;
  to: string;
  shrink: boolean;
}

/** A prior value that is known, else null. */
export function knownOrNull(v: Value | undefined): Value {
  return v === undefined || !known(v) ? null : v;
}

/** Field update for a planned number: its text, null to remove, undefined to leave. */
export function num(v: Value | undefined): FieldUpdate {
  return typeof v === 'number' ? String(v) : v === null ? null : undefined;
}

/** The `tags` of a read: in the prior spelling when the cluster stores that as the live set (pve-tags.ts). */
export function readTags(input: GuestReadInput): string[] {
  return tagsAsRead(parseTags(input.config.tags), input.prior?.tags, input.tagStyle ?? DEFAULT_TAG_STYLE);
}

/** The planned value of `key` when known. */
function knownAttr(planned: Attributes, key: string): Value | undefined {
  return known(planned[key]) ? planned[key] : undefined;
}

/**
 * `description` with hl's marker line kept (or added, for a guest being created with
 * `markerLine`), and `tags` compared as the set the cluster stores under `tagStyle`.
 */
export function putDescriptionAndTags(
  c: ConfigChanges,
  planned: Attributes,
  live: PveConfig,
  markerLine: string | undefined,
  tagStyle: TagStyle = DEFAULT_TAG_STYLE,
): void {
  const current = splitMarker(live.description);
  const line = current.line ?? markerLine;
  if (knownAttr(planned, 'description') !== undefined || (line && !current.line)) {
    const textPart = knownAttr(planned, 'description') !== undefined ? ((planned.description as string | null) ?? null) : current.text;
    const desired = withMarker(textPart, line);
    c.put('description', desired === '' ? null : desired, live.description, (a, b) => a.replace(/\s+$/, '') === b.replace(/\s+$/, ''));
  }
  const tags = knownAttr(planned, 'tags');
  if (Array.isArray(tags)) {
    const list = tags.filter((t): t is string => typeof t === 'string');
    c.put('tags', list.length > 0 ? formatTags(list) : null, live.tags, (a, b) => sameStoredTags(parseTags(a), parseTags(b), tagStyle));
  }
}

/**
 * Plain numeric keys. An absent key reads as PVE's default (given per key, e.g. memory 512):
 * writing the default explicitly is no change.
 */
export function putNumbers(
  c: ConfigChanges,
  planned: Attributes,
  live: PveConfig,
  keys: readonly (readonly [key: string, pveDefault: string | undefined])[],
): void {
  for (const [key, dflt] of keys) {
    const v = num(knownAttr(planned, key));
    if (v !== undefined) c.put(key, v, live[key] ?? (v === dflt ? dflt : undefined), (a, b) => Number(a) === Number(b));
  }
}

/** Boolean keys whose PVE default is false (`onboot`, `protection`, ...). */
export function putFlags(c: ConfigChanges, planned: Attributes, live: PveConfig, keys: readonly string[]): void {
  for (const key of keys) {
    const v = knownAttr(planned, key);
    if (typeof v === 'boolean' && v !== boolOf(live[key], false)) c.set[key] = pveBool(v);
  }
}

/**
 * Writes each entry of a planned slot map (`networks`, `usb`, `dev`, ...) merged into its live
 * property string, and deletes the `liveSlots` it lacks (in their order).
 */
export function putSlots(
  c: ConfigChanges,
  planned: Value | undefined,
  live: PveConfig,
  liveSlots: readonly string[],
  format: PropertyStringFormat,
  fields: (entry: ValueMap, isNew: boolean, slot: string) => Record<string, FieldUpdate>,
): void {
  if (!isValueMap(planned)) return;
  for (const [slot, entry] of Object.entries(planned)) {
    if (!isValueMap(entry)) continue;
    c.put(slot, mergeProps(live[slot], format, fields(entry, live[slot] === undefined, slot), slot), live[slot], propsEqual(format));
  }
  for (const slot of liveSlots) if (!(slot in planned)) c.delete.add(slot);
}

/** The resize of volume `slot` from its live value to the planned size, if they differ. */
export function volumeResize(
  slot: string,
  planned: Value | undefined,
  liveValue: string | undefined,
  format: PropertyStringFormat,
): VolumeResize | undefined {
  if (!isValueMap(planned) || !known(planned.size) || planned.size === null || liveValue === undefined) return undefined;
  const liveSize = safeParse(liveValue, format).size;
  const want = sizeBytes(planned.size);
  const have = sizeBytes(liveSize);
  if (want === undefined || have === undefined || want === have) return undefined;
  return { slot, from: canonSize(liveSize!) as string, to: canonSize(planned.size) as string, shrink: want < have };
}
