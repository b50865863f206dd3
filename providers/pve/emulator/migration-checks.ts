/**
 * The storage checks a migration makes before and in its task, with pve-storage's messages
 * (`src/PVE/Storage.pm` storage_config, storage_check_enabled, storage_check_node). The
 * emulator keeps a storage per node; a storage ID that some node has and another lacks is
 * what `nodes` restricts in a real storage.cfg, and one no node has does not exist.
 */
import { fail, paramFail } from './api-error.js';
import type { EmulatorCore } from './emulator-core.js';
import type { ApiRequest } from './router.js';
import { mappedTargets, parseStorageMap, type StorageMap } from './storage-map.js';
import type { ContentType, NodeState, StorageState, World } from './world.js';

/** storage_config: the storage's definition anywhere in the cluster, or "does not exist". */
function storageDefined(world: World, sid: string): boolean {
  return world.nodes.some((n) => n.storages.some((s) => s.id === sid));
}

/**
 * storage_check_enabled(`sid`, `node`): the storage as `node` has it; throws
 * "storage 'x' does not exist", "storage 'x' is disabled" or
 * "storage 'x' is not available on node 'y'".
 */
export function storageCheckEnabled(world: World, sid: string, node: NodeState): StorageState {
  const s = node.storages.find((x) => x.id === sid);
  if (!s) {
    if (!storageDefined(world, sid)) throw new Error(`storage '${sid}' does not exist`);
    throw new Error(`storage '${sid}' is not available on node '${node.name}'`);
  }
  if (s.disabled) throw new Error(`storage '${sid}' is disabled`);
  return s;
}

/** The content type of a volume id as parse_volname gives it (`iso/…` → iso, `vztmpl/…` → vztmpl, else images). */
export function volumeContentType(volid: string, fallback: ContentType = 'images'): ContentType {
  const name = volid.split(':')[1] ?? '';
  if (name.startsWith('iso/')) return 'iso';
  if (name.startsWith('vztmpl/')) return 'vztmpl';
  if (name.startsWith('snippets/')) return 'snippets';
  if (name.startsWith('import/')) return 'import';
  return fallback;
}

/**
 * The API's `$check_storage_access_migrate` (qemu-server `src/PVE/API2/Qemu.pm`,
 * pve-container `src/PVE/API2/LXC.pm`): a mapped target storage enabled on the target node
 * and holding VM images (`does not support vm images`) or container root dirs
 * (`does not support CT rootdirs`).
 */
export function checkStorageAccessMigrate(world: World, sid: string, target: NodeState, content: 'images' | 'rootdir'): void {
  const s = storageCheckEnabled(world, sid, target);
  if (!s.content.includes(content)) {
    throw new Error(content === 'images' ? `storage '${sid}' does not support vm images` : `storage '${sid}' does not support CT rootdirs`);
  }
}

/**
 * The storage map of a request's `targetstorage` (VM) or `target-storage` (container), checked
 * on the target as migrate_vm checks it: 400 when it does not parse, 500 for a target storage.
 */
export function requestStorageMap(
  emu: EmulatorCore,
  req: ApiRequest,
  param: string,
  target: NodeState,
  content: 'images' | 'rootdir',
): StorageMap | undefined {
  const text = req.params[param] as string | undefined;
  if (text === undefined || text === '') return undefined;
  let map: StorageMap;
  try {
    map = parseStorageMap(text);
  } catch (err) {
    paramFail({ [param]: `failed to parse storage map: ${(err as Error).message}` });
  }
  try {
    for (const sid of mappedTargets(map)) checkStorageAccessMigrate(emu.world, sid, target, content);
  } catch (err) {
    fail((err as Error).message);
  }
  return map;
}
