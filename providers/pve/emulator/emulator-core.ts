/**
 * The emulator's live state: the world, its file, the fault settings, the API workers, the
 * config locks and the task runner. Handlers receive it; it is created by startProxmoxEmulator.
 */
import { randomBytes } from 'node:crypto';
import { FaultController, type FaultConfig } from './faults.js';
import { ConfigLocks } from './locks.js';
import { fileSignature, loadWorldFile, saveWorldFile, type FileSignature } from './persistence.js';
import { pveProfile, type PveProfile, type PveVersion } from './pve-profile.js';
import { RrdCache } from './pvestatd-rrd.js';
import { RequestWorkers } from './request-workers.js';
import { seedWorld, type SeedKind } from './seed.js';
import { settleOrphanedTasks, TaskRunner, type OrphanedCreates } from './tasks.js';
import type { World } from './world.js';

export interface EmulatorCoreOptions {
  worldFile?: string;
  seed: SeedKind;
  taskDurationMs: number;
  latencyMs: number;
  faults?: FaultConfig;
  /** What a create/clone left running by a vanished emulator leaves behind (default `keep-locked`). */
  orphanedCreates?: OrphanedCreates;
  /** The Proxmox VE release to behave as (default the newest profile). */
  pveVersion?: PveVersion;
  /**
   * Factor (0 < f <= 1, default 1) applied to a migration's modelled duration: tests and an
   * embedded emulator may shorten migrations, never lengthen them.
   */
  migrationTimeScale?: number;
}

export class EmulatorCore {
  world: World;
  readonly faults: FaultController;
  locks: ConfigLocks;
  tasks: TaskRunner;
  /** What the emulated release does differently (pve-profile.ts). */
  readonly profile: PveProfile;
  /** pvestatd's last status lines, the source of the listings (pvestatd-rrd.ts). */
  readonly rrd = new RrdCache();
  /** The API workers serving requests, limited as the fault settings' `workers` say (request-workers.ts). */
  readonly workers: RequestWorkers;
  private signature: FileSignature | undefined;

  constructor(readonly options: EmulatorCoreOptions) {
    this.faults = new FaultController({ taskDurationMs: options.taskDurationMs, latencyMs: options.latencyMs }, options.faults);
    this.workers = new RequestWorkers(() => this.faults.workers());
    this.locks = new ConfigLocks(this.faults);
    this.tasks = new TaskRunner(this);
    this.profile = pveProfile(options.pveVersion);
    const loaded = options.worldFile ? loadWorldFile(options.worldFile) : undefined;
    if (loaded) {
      settleOrphanedTasks(loaded, Math.floor(this.now() / 1000), options.orphanedCreates ?? 'keep-locked');
      this.world = loaded;
      this.signature = options.worldFile ? fileSignature(options.worldFile) : undefined;
    } else {
      this.world = seedWorld(options.seed, this.now());
      this.signature = undefined;
    }
    if (!this.signature || this.world.pveVersion !== this.profile.managerVersion) {
      // The release the world was last served as is recorded in it (an upgrade rewrites it).
      this.world.pveVersion = this.profile.managerVersion;
      this.persist();
    }
    this.statusRound();
  }

  /** One round of pvestatd: the listings show the world as it is now until the next one. */
  statusRound(): void {
    this.rrd.round(this);
  }

  now(): number {
    return Date.now();
  }

  /** How long a migration modelled to take `modelledMs` runs here (the time scale applied). */
  migrationDelayMs(modelledMs: number): number {
    return Math.round(modelledMs * (this.options.migrationTimeScale ?? 1));
  }

  /** Random bytes for MAC addresses, UUIDs and secrets. */
  randomBytes(n: number): Buffer {
    return randomBytes(n);
  }

  /** Saves the world when a world file is configured. */
  persist(): void {
    if (!this.options.worldFile) return;
    this.signature = saveWorldFile(this.options.worldFile, this.world);
  }

  /** Reloads the world when another process changed the file since we last read or wrote it. */
  syncFromDisk(): void {
    const file = this.options.worldFile;
    if (!file) return;
    const sig = fileSignature(file);
    if (sig === undefined || sig === this.signature) return;
    const loaded = loadWorldFile(file);
    if (loaded) this.world = loaded;
    this.signature = sig;
  }

  /** Replaces the world with a fresh seed; running tasks are abandoned. */
  reset(seed: SeedKind = this.options.seed): void {
    this.tasks.close();
    this.locks.close();
    this.locks = new ConfigLocks(this.faults);
    this.tasks = new TaskRunner(this);
    this.world = seedWorld(seed, this.now());
    this.world.pveVersion = this.profile.managerVersion;
    this.persist();
    this.rrd.clear();
    this.statusRound();
  }

  close(): void {
    this.tasks.close();
    this.locks.close();
  }
}
