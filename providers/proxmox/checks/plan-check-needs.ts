/**
 * What a planned create or update of a guest needs from the live cluster (pure): its node up,
 * its VMID free, the storages its new volumes go on (with the content type PVE requires of
 * them), the bridges of its new or changed NICs, its container template, its clone source.
 * Values still unknown at plan time are skipped. An update needs only what it adds: a new
 * disk or mount point, a NIC on a different bridge; one that moves the guest to another node
 * also all its bridges there.
 */
import { isUnknown, isValueMap, type Attributes, type Path, type Value, type ValueMap } from '../../../src/core/value.js';
import type { PlannedChange } from '../../../src/provider/contract.js';

/** The content a storage must allow: `images` for VM disks, `rootdir` for container volumes. */
export type VolumeContent = 'images' | 'rootdir';

export interface VolumeNeed {
  path: Path;
  storage: string;
  content: VolumeContent;
  /** Why this storage, when the config does not name it (a default of PVE's). */
  defaulted?: string;
}

export interface BridgeNeed {
  path: Path;
  bridge: string;
}

export interface TemplateNeed {
  path: Path;
  /** `local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst` */
  volid: string;
  storage: string;
}

export interface CloneNeed {
  path: Path;
  source: number | string;
  full: boolean;
}

export interface ChangeNeeds {
  change: PlannedChange;
  /** The node the guest is (to be) on, when known. */
  node?: string;
  /** A create: the node must exist and be online. */
  create: boolean;
  /** A create with a VMID set in config. */
  vmid?: number;
  volumes: VolumeNeed[];
  bridges: BridgeNeed[];
  template?: TemplateNeed;
  clone?: CloneNeed;
}

const VOLID_RE = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i;

function map(v: Value | undefined): ValueMap | undefined {
  return isValueMap(v) ? v : undefined;
}

function str(v: Value | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Slots of a keyed map (`disks`, `mount_points`, `networks`) that are new, or all of them for a create. */
function newSlots(planned: ValueMap | undefined, prior: ValueMap | undefined, create: boolean): [string, ValueMap][] {
  if (!planned) return [];
  return Object.entries(planned)
    .filter(([slot]) => create || !prior || !isValueMap(prior[slot]))
    .filter((e): e is [string, ValueMap] => isValueMap(e[1]));
}

function volumeNeeds(change: PlannedChange, create: boolean): VolumeNeed[] {
  const { planned, prior } = change;
  const out: VolumeNeed[] = [];
  const add = (path: Path, storage: string | undefined, content: VolumeContent, defaulted?: string): void => {
    if (storage) out.push({ path, storage, content, ...(defaulted ? { defaulted } : {}) });
  };
  if (change.type === 'proxmox_vm') {
    for (const [slot, disk] of newSlots(map(planned.disks), map(prior?.disks), create))
      add(['disks', slot, 'storage'], str(disk.storage), 'images');
    const ci = map(planned.cloud_init);
    const ciStorage = str(ci?.storage);
    if (ciStorage && (create || ciStorage !== str(map(prior?.cloud_init)?.storage))) add(['cloud_init', 'storage'], ciStorage, 'images');
  } else {
    // A rootfs left out of the create is allocated by PVE on the create's `storage` parameter,
    // whose default is `local` (4 GiB; pve-container src/PVE/API2/LXC.pm): checked as such.
    const storage = map(planned.rootfs)?.storage ?? null;
    if (create && !isUnknown(storage)) {
      const named = str(storage);
      add(
        ['rootfs', 'storage'],
        named ?? 'local',
        'rootdir',
        named ? undefined : 'rootfs.storage is not set, so PVE puts the root file system on storage "local"; set rootfs.storage',
      );
    }
    for (const [slot, mp] of newSlots(map(planned.mount_points), map(prior?.mount_points), create)) {
      if (!str(mp.host_path)) add(['mount_points', slot, 'storage'], str(mp.storage), 'rootdir');
    }
  }
  return out;
}

function bridgeNeeds(change: PlannedChange, create: boolean): BridgeNeed[] {
  const planned = map(change.planned.networks);
  const prior = map(change.prior?.networks);
  const out: BridgeNeed[] = [];
  for (const [slot, nic] of Object.entries(planned ?? {})) {
    if (!isValueMap(nic)) continue;
    const bridge = str(nic.bridge);
    if (!bridge) continue;
    if (!create && bridge === str(map(prior?.[slot])?.bridge)) continue;
    out.push({ path: ['networks', slot, 'bridge'], bridge });
  }
  return out;
}

function templateNeed(planned: Attributes): TemplateNeed | undefined {
  const volid = str(planned.ostemplate);
  const m = volid ? VOLID_RE.exec(volid) : null;
  // an absolute path on the host (root only) is not a storage volume: nothing to list
  return volid && m ? { path: ['ostemplate'], volid, storage: m[1]! } : undefined;
}

function cloneNeed(planned: Attributes): CloneNeed | undefined {
  const clone = map(planned.clone);
  const source = clone?.source;
  if (typeof source !== 'number' && !str(source)) return undefined;
  return { path: ['clone', 'source'], source: source as number | string, full: clone?.full !== false };
}

/** What `change` needs checked; only proxmox_vm and proxmox_lxc changes are asked. */
export function needsOf(change: PlannedChange): ChangeNeeds {
  const create = change.action === 'create';
  const node = str(change.planned.node) ?? str(change.prior?.node);
  const vmid = create && typeof change.planned.vmid === 'number' ? change.planned.vmid : undefined;
  return {
    change,
    ...(node !== undefined ? { node } : {}),
    create,
    ...(vmid !== undefined ? { vmid } : {}),
    volumes: volumeNeeds(change, create),
    // A guest moving to another node needs every bridge of its NICs there.
    bridges: bridgeNeeds(change, create || (change.prior !== null && str(change.prior.node) !== node)),
    ...(create && change.type === 'proxmox_lxc' && templateNeed(change.planned) ? { template: templateNeed(change.planned)! } : {}),
    ...(create && change.type === 'proxmox_vm' && cloneNeed(change.planned) ? { clone: cloneNeed(change.planned)! } : {}),
  };
}
