/**
 * Version profiles: what the emulated cluster does differently depending on the Proxmox VE
 * release it plays. A profile is chosen when the emulator starts (`pveVersion`, default the
 * newest) and is a property of the software, not of the world file: the same world can be
 * served as 8.4 one day and 9.1 the next, as after an upgrade.
 *
 * Each fact names where the real behaviour lives; the handlers read the fact, never the
 * version number.
 */

export type PveVersion = '8.0' | '8.4' | '9.1';
export const PVE_VERSIONS: readonly PveVersion[] = ['8.0', '8.4', '9.1'];
export const DEFAULT_PVE_VERSION: PveVersion = '9.1';

export interface PveProfile {
  version: PveVersion;
  /** pve-manager package version, as `/version` and node status report it. */
  managerVersion: string;
  /** Running kernel, as node status reports it. */
  kernel: string;
  /** QEMU version (major, minor) of pve-qemu-kvm: machine versions pinned at create follow it. */
  qemu: readonly [number, number];
  /**
   * The machine version Windows guests are pinned to at create (qemu-server
   * `src/PVE/QemuServer/Machine.pm` latest_installed_machine_version): the QEMU's major.minor plus
   * `+pveN` when that release's `$PVE_MACHINE_VERSION` has revisions for it (9.2: `+pve1`; 10.1:
   * none, so no suffix).
   */
  machineVersion: string;
  /**
   * A container created without `unprivileged` is unprivileged (pve-container 6.0.6+,
   * `src/PVE/API2/LXC.pm` create_vm); before, it is privileged.
   */
  containersUnprivilegedByDefault: boolean;
  /**
   * Creating a privileged container needs `Sys.Modify` on `/` (pve-container 6.0.6+,
   * `src/PVE/API2/LXC.pm` create_vm; pve-container 5.x for PVE 8 has no such check).
   */
  privilegedContainerCreateNeedsSysModify: boolean;
  /**
   * Error answers carry the error text as `message` in the JSON body, beside `data`
   * (libpve-http-server-perl 5.2.0, "fix #6503": `src/PVE/APIServer/Formatter/Standard.pm`
   * prepare_response_data); before, only the reason phrase says what went wrong.
   */
  errorMessageInBody: boolean;
  /**
   * Pools are addressed by a `poolid` parameter: `PUT /pools`, `DELETE /pools` and
   * `GET /pools?poolid=` exist (pve-manager 8.1.0, nested pools, "fix #1148":
   * `PVE/API2/Pool.pm` update_pool / delete_pool / index); before, only `/pools/{poolid}`.
   */
  poolParamApi: boolean;
  /**
   * How fast a migration copies a local volume to the target node, in bytes per second: the
   * homelab's 1 Gbit/s links, which PVE's `storage_migrate` (pve-storage `src/PVE/Storage.pm`,
   * `pvesm export | ssh | pvesm import`) and QEMU's drive mirror (qemu-server
   * `src/PVE/QemuMigrate.pm` phase2) fill at about 110 MB/s. Shared storage copies nothing.
   */
  migrationBytesPerSecond: number;
  /**
   * The fixed part of a migration, in ms: ssh checks, config move, starting the target QEMU and
   * moving the RAM of a small VM (pve-guest-common `src/PVE/AbstractMigrate.pm` migrate's phases).
   */
  migrationOverheadMs: number;
  /** How long a container's shutdown and its start on the target take in a restart migration, in ms. */
  containerRestartMs: number;
  /** CPU load of a running guest, as a share of its vCPUs, unless set per guest (GuestState.cpuLoad). */
  guestCpuLoad: number;
  /** What the migration precondition endpoints answer. */
  migrationPrecondition: {
    /**
     * `mapped-resource-info` in the VM answer (qemu-server 8.4, "api: migration preconditions:
     * return detailed info for mapped-resources", `src/PVE/API2/Qemu.pm` migrate_vm_precondition).
     */
    mappedResourceInfo: boolean;
    /** `has-dbus-vmstate` in the VM answer (qemu-server 9.0, conntrack state migration). */
    dbusVmstate: boolean;
    /** `GET /nodes/{node}/lxc/{vmid}/migrate` exists (pve-container 6.0, `src/PVE/API2/LXC.pm` migrate_vm_precondition). */
    lxc: boolean;
  };
}

/** Facts that do not change between the emulated releases. */
const COMMON = {
  migrationBytesPerSecond: 110 * 1000 * 1000,
  migrationOverheadMs: 4000,
  containerRestartMs: 6000,
  guestCpuLoad: 0.03,
} as const;

const PROFILES: Readonly<Record<PveVersion, PveProfile>> = {
  // The last 8.0 release (pve-manager 8.0.9, before 8.1.0): kept for what changed in 8.1 and 8.4.
  '8.0': {
    version: '8.0',
    managerVersion: '8.0.9',
    kernel: '6.2.16-19-pve',
    qemu: [8, 0],
    machineVersion: '8.0',
    containersUnprivilegedByDefault: false,
    privilegedContainerCreateNeedsSysModify: false,
    errorMessageInBody: false,
    poolParamApi: false,
    ...COMMON,
    migrationPrecondition: { mappedResourceInfo: false, dbusVmstate: false, lxc: false },
  },
  '8.4': {
    version: '8.4',
    managerVersion: '8.4.14',
    kernel: '6.8.12-15-pve',
    qemu: [9, 2],
    machineVersion: '9.2+pve1',
    migrationPrecondition: { mappedResourceInfo: true, dbusVmstate: false, lxc: false },
    containersUnprivilegedByDefault: false,
    privilegedContainerCreateNeedsSysModify: false,
    errorMessageInBody: true,
    poolParamApi: true,
    ...COMMON,
  },
  '9.1': {
    version: '9.1',
    managerVersion: '9.1.3',
    kernel: '6.17.2-2-pve',
    qemu: [10, 1],
    machineVersion: '10.1',
    migrationPrecondition: { mappedResourceInfo: true, dbusVmstate: true, lxc: true },
    containersUnprivilegedByDefault: true,
    privilegedContainerCreateNeedsSysModify: true,
    errorMessageInBody: true,
    poolParamApi: true,
    ...COMMON,
  },
};

export function isPveVersion(v: unknown): v is PveVersion {
  return typeof v === 'string' && (PVE_VERSIONS as readonly string[]).includes(v);
}

/** The profile of a release; throws for a version the emulator does not model (a bug in the caller). */
export function pveProfile(version: PveVersion = DEFAULT_PVE_VERSION): PveProfile {
  const p = PROFILES[version];
  if (!p) throw new Error(`no PVE profile for version '${String(version)}' (known: ${PVE_VERSIONS.join(', ')})`);
  return p;
}
