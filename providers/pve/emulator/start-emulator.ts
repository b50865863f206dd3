/**
 * Entry point of the Proxmox VE emulator: a real HTTP(S) server on loopback answering the PVE 9
 * API under `/api2/json` for the endpoints hl's provider uses, with PVE's status codes, messages,
 * tasks, locks, pending changes and digests, over a world that can persist in a JSON file.
 *
 *   const emu = await startProxmoxEmulator({ port: 0, worldFile: '.hl/pve-world.json' });
 *   // token: DEFAULT_TOKEN_ID / DEFAULT_TOKEN_SECRET, base URL: emu.url (+ /api2/json)
 *   await emu.close();
 *
 * Nothing runs at import time.
 */
import type { AddressInfo } from 'node:net';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET, Authenticator, type TokenConfig, type UserConfig } from './auth.js';
import { EmulatorCore } from './emulator-core.js';
import type { FaultConfig } from './faults.js';
import type { ServerStats } from './request-workers.js';
import { accessRoutes, UNAUTHENTICATED } from './handlers/access.js';
import { AGENT_ROUTES } from './handlers/agent.js';
import { CEPH_ROUTES } from './handlers/ceph.js';
import { CLUSTER_ROUTES } from './handlers/cluster.js';
import { CLUSTER_OPTIONS_ROUTES } from './handlers/cluster-options.js';
import { HARDWARE_ROUTES } from './handlers/hardware.js';
import { LXC_ROUTES } from './handlers/lxc.js';
import { LXC_MIGRATE_ROUTES } from './handlers/lxc-migrate.js';
import { MAPPING_ROUTES } from './handlers/mapping.js';
import { QEMU_ROUTES } from './handlers/qemu.js';
import { QEMU_MIGRATE_ROUTES } from './handlers/qemu-migrate.js';
import { REPLICATION_ROUTES } from './handlers/replication.js';
import { SNAPSHOT_CONFIG_ROUTES } from './handlers/snapshot-config.js';
import { NETWORK_ROUTES } from './handlers/network.js';
import { STORAGE_ROUTES } from './handlers/storage.js';
import { TASK_ROUTES } from './handlers/task-endpoints.js';
import { createApiServer, type RecordedRequest } from './http-server.js';
import type { OrphanedCreates } from './tasks.js';
import { Router, type RouteDef } from './router.js';
import type { PveVersion } from './pve-profile.js';
import { PVESTATD_INTERVAL_MS } from './pvestatd-rrd.js';
import type { SeedKind } from './seed.js';
import { findNode, type NodeState, type World } from './world.js';

export { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from './auth.js';
export type { TokenConfig, UserConfig } from './auth.js';
export type { FaultConfig, TaskFailureRule } from './faults.js';
export type { RecordedRequest } from './http-server.js';
export type { ServerStats } from './request-workers.js';
export type { SeedKind } from './seed.js';
export { DEFAULT_PVE_VERSION, PVE_VERSIONS, isPveVersion, type PveVersion } from './pve-profile.js';
export type { MappingEntry, ResourceMappings } from './resource-mappings.js';
export type {
  CephPoolState,
  ContentType,
  GuestState,
  GuestType,
  NodeState,
  PciDevice,
  PoolState,
  ReplicationJobState,
  StorageState,
  StorageType,
  TaskRecord,
  UsbDevice,
  VolumeState,
  World,
} from './world.js';

export interface ProxmoxEmulatorOptions {
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** JSON file holding the world: loaded at start when it exists, saved after every change. */
  worldFile?: string;
  /** World to create when there is no world file (default `homelab`). */
  seed?: SeedKind;
  /** Accepted API tokens (default: the homelab token `hl@pve!hl`). */
  tokens?: TokenConfig[];
  /** Users that may log in with a password (`POST /access/ticket`). */
  users?: UserConfig[];
  /** Default task duration in ms (default 100). */
  taskDurationMs?: number;
  /** Default latency added to each API call in ms (default 0). */
  latencyMs?: number;
  /**
   * Fault settings at start, the latency model's among them: `latencyMs` (and
   * `latencyJitterMs`) per request, `workers` (requests served at once, PVE's pveproxy: 3),
   * `taskDurationMs`; see latency-profile.ts for the `hl emulate proxmox` form.
   */
  faults?: FaultConfig;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string; key: string };
  /** What a create/clone left running by a vanished emulator leaves behind (default `keep-locked`, as PVE). */
  orphanedCreates?: OrphanedCreates;
  /** The Proxmox VE release to behave as: `8.0`, `8.4` or `9.1` (default). See pve-profile.ts. */
  pveVersion?: PveVersion;
  /**
   * How often pvestatd samples guests, nodes and storages for the listings (`/cluster/resources`,
   * `GET /nodes`), in ms (default 10000, as PVE). Tests may shorten it; it is never live (> 0).
   */
  rrdIntervalMs?: number;
  /**
   * Factor applied to a migration's modelled duration (volumes copied at the profile's
   * `migrationBytesPerSecond`, plus its overhead): 0 < f <= 1, default 1 (as long as on the
   * homelab). Tests and an embedded emulator may shorten migrations; they never run longer.
   */
  migrationTimeScale?: number;
}

export interface ProxmoxEmulator {
  /** Base URL, e.g. `http://127.0.0.1:40123` (the API is below `/api2/json`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The live world (replaced on reset or reload; read it through this getter). */
  readonly world: World;
  /** Every API request received, in order. */
  readonly requestLog: RecordedRequest[];
  /** Replaces the fault settings. */
  setFaults(f: FaultConfig): void;
  getFaults(): FaultConfig;
  /** What the API workers counted: requests served, the most at once, queue waits (request-workers.ts). */
  stats(): ServerStats;
  /** Starts those counts again. */
  resetStats(): void;
  /** Takes a node on or offline. */
  setNodeOnline(node: string, online: boolean): void;
  /** Sets a guest's CPU load while running, as a share (0..1) of its vCPUs (GuestState.cpuLoad). */
  setGuestCpuLoad(vmid: number, load: number): void;
  /** Replaces the world with a fresh seed. */
  reset(seed?: SeedKind): void;
  /** Runs one pvestatd round now, as if its period had just come round (pvestatd-rrd.ts). */
  pvestatdRound(): void;
  /** Resolves when all tasks started so far have finished (not after close). */
  idle(): Promise<void>;
  /** Saves the world file now (after editing `world` directly, behind the API's back). */
  save(): void;
  /** Stops the server (open connections are closed) and saves the world. */
  close(): Promise<void>;
}

/** Every endpoint the emulator answers. */
export function emulatorRoutes(auth: Authenticator): RouteDef[] {
  return [
    ...accessRoutes(auth),
    ...CLUSTER_ROUTES,
    ...CLUSTER_OPTIONS_ROUTES,
    ...REPLICATION_ROUTES,
    ...QEMU_ROUTES,
    ...QEMU_MIGRATE_ROUTES,
    ...SNAPSHOT_CONFIG_ROUTES,
    ...AGENT_ROUTES,
    ...LXC_ROUTES,
    ...LXC_MIGRATE_ROUTES,
    ...STORAGE_ROUTES,
    ...NETWORK_ROUTES,
    ...CEPH_ROUTES,
    ...TASK_ROUTES,
    ...HARDWARE_ROUTES,
    ...MAPPING_ROUTES,
  ];
}

export async function startProxmoxEmulator(opts: ProxmoxEmulatorOptions = {}): Promise<ProxmoxEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const rrdIntervalMs = opts.rrdIntervalMs ?? PVESTATD_INTERVAL_MS;
  if (!(rrdIntervalMs > 0))
    throw new Error(`rrdIntervalMs must be a positive number of ms (got ${rrdIntervalMs}): PVE's listings are never live`);
  const migrationTimeScale = opts.migrationTimeScale ?? 1;
  if (!(migrationTimeScale > 0 && migrationTimeScale <= 1))
    throw new Error(
      `migrationTimeScale must be a number in (0, 1] (got ${migrationTimeScale}): migrations may be shortened, not lengthened`,
    );
  const core = new EmulatorCore({
    migrationTimeScale,
    seed: opts.seed ?? 'homelab',
    taskDurationMs: opts.taskDurationMs ?? 100,
    latencyMs: opts.latencyMs ?? 0,
    ...(opts.worldFile !== undefined ? { worldFile: opts.worldFile } : {}),
    ...(opts.faults !== undefined ? { faults: opts.faults } : {}),
    ...(opts.orphanedCreates !== undefined ? { orphanedCreates: opts.orphanedCreates } : {}),
    ...(opts.pveVersion !== undefined ? { pveVersion: opts.pveVersion } : {}),
  });
  const auth = new Authenticator(
    opts.tokens ?? [{ id: DEFAULT_TOKEN_ID, secret: DEFAULT_TOKEN_SECRET, privsep: false }],
    opts.users ?? [],
    () => core.world.authKey,
    () => core.world.clusterName,
    () => Math.floor(core.now() / 1000),
  );
  const requestLog: RecordedRequest[] = [];
  const server = createApiServer({
    core,
    router: new Router(emulatorRoutes(auth)),
    auth,
    requestLog,
    unauthenticated: UNAUTHENTICATED,
    ...(opts.tls ? { tls: opts.tls } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = opts.tls ? 'https' : 'http';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  const pvestatd = setInterval(() => {
    try {
      core.syncFromDisk();
      core.statusRound();
    } catch {
      // a world file caught mid-write by another process: pvestatd tries again next round
    }
  }, rrdIntervalMs);
  pvestatd.unref();

  return {
    url: `${scheme}://${urlHost}:${port}`,
    host,
    port,
    get world(): World {
      return core.world;
    },
    requestLog,
    setFaults: (f) => core.faults.set(f),
    getFaults: () => core.faults.get(),
    stats: () => core.workers.stats(),
    resetStats: () => core.workers.resetStats(),
    setNodeOnline(node, online) {
      const n: NodeState | undefined = findNode(core.world, node);
      if (!n) throw new Error(`no such node '${node}'`);
      n.online = online;
      core.persist();
    },
    setGuestCpuLoad(vmid, load) {
      const g = core.world.guests[String(vmid)];
      if (!g) throw new Error(`no such guest '${vmid}'`);
      if (!(load >= 0 && load <= 1)) throw new Error(`cpu load must be from 0 to 1 (got ${load})`);
      g.cpuLoad = load;
      core.persist();
    },
    reset: (seed) => core.reset(seed),
    pvestatdRound: () => core.statusRound(),
    idle: () => core.tasks.idle(),
    save: () => core.persist(),
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(pvestatd);
      core.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      core.persist();
    },
  };
}
