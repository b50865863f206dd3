/**
 * A migration's storage map (`targetstorage` of a VM, `target-storage` of a container): a
 * `storage-pair-list` read as pve-common `src/PVE/JSONSchema.pm` parse_idmap reads it — `1`
 * (each storage to itself), one storage ID (every source storage to it), `src:dst` pairs, or a
 * default plus pairs — and applied as map_id applies it.
 */
import { splitList } from './string-formats.js';

export interface StorageMap {
  identity?: true;
  default?: string;
  entries: Record<string, string>;
}

const STORAGE_ID_RE = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;

/** The map, or an Error with parse_idmap's message (the handler reports it as PVE does). */
export function parseStorageMap(text: string): StorageMap {
  const map: StorageMap = { entries: {} };
  let hasEntries = false;
  for (const entry of splitList(text)) {
    if (entry === '1') {
      map.identity = true;
      continue;
    }
    const pair = /^([^:]+):([^:]+)$/.exec(entry);
    if (pair) {
      const [, source, target] = pair as unknown as [string, string, string];
      for (const id of [source, target]) {
        if (!STORAGE_ID_RE.test(id))
          throw new Error(`entry '${entry}' contains invalid ID - storage ID '${id}' contains illegal characters`);
      }
      if (map.entries[source] !== undefined) throw new Error(`duplicate mapping for source '${source}'`);
      map.entries[source] = target;
      hasEntries = true;
      continue;
    }
    if (!STORAGE_ID_RE.test(entry))
      throw new Error(`entry '${entry}' contains invalid ID - storage ID '${entry}' contains illegal characters`);
    if (map.default !== undefined) throw new Error('default target ID can only be provided once');
    map.default = entry;
  }
  if (map.identity && (map.default !== undefined || hasEntries)) throw new Error('identity mapping cannot be combined with other mappings');
  return map;
}

/** The target storage of `source` (map_id): its pair, else the default, else itself. */
export function mapStorage(map: StorageMap | undefined, source: string): string {
  if (!map) return source;
  return map.entries[source] ?? map.default ?? source;
}

/** Every target storage the map names (the ones the API checks on the target). */
export function mappedTargets(map: StorageMap): string[] {
  return [...new Set([...Object.values(map.entries), ...(map.default !== undefined ? [map.default] : [])])];
}
