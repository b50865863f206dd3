/**
 * What torture runs apply against: a config of `chains` dependency chains of `depth`
 * resources each (every link refers to the previous one's id), and a look into the
 * provider's world to list the objects hl made there, by the id state records for them.
 *
 * - `fake`: the fake provider; its world is `.hl/providers/fake/fake-world.jsonl`.
 * - `proxmox`: Proxmox containers on the PVE emulator, either embedded in hl (`emulated:
 *   true`, world in `.hl/providers/proxmox/proxmox-world.json`) or a standalone emulator the
 *   torture run starts (with fault injection), reached over loopback http.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeWorld } from '../../providers/fake/fake-world.js';
import type { StateStore, StateStoreOptions } from '../../src/state/state-store.js';
import type { Random } from './random.js';

export interface TortureTarget {
  readonly name: string;
  /** The project's `homelab.yaml`. */
  config(chains: number, depth: number): string;
  /**
   * The config of generation `generation` (1, 2, ...) with create_before_destroy on every
   * resource: each generation replaces every object of the one before. For crash trials of
   * replacements; only targets that support them have it.
   */
  replaceConfig?(chains: number, depth: number, generation: number): string;
  /** Ids (as state records them) of every object in the provider's world that hl made or should manage. */
  objects(dir: string): string[];
  /** The id the object a create intent reserved `identity` for would have (undefined: cannot tell). */
  idOfIdentity(identity: Record<string, unknown>): string | undefined;
  /** `--parallelism` of its applies (hl's default when absent). */
  parallelism?: number;
  /** Environment of its hl runs (the state backend's settings, say). */
  env?: Record<string, string>;
  /** Opens its state as hl would; without it, the state file in the project directory. */
  readState?(opts: StateStoreOptions): Promise<{ store: StateStore; close(): Promise<void> }>;
  /** Where its state is kept when not in the project directory, for the details of a failed trial. */
  stateLocation?: string;
}

/** How to run hl for `target` in `dir`. */
export function hlRun(
  target: TortureTarget,
  dir: string,
  timeoutMs: number,
): { cwd: string; timeoutMs: number; env?: Record<string, string> } {
  return { cwd: dir, timeoutMs, ...(target.env ? { env: target.env } : {}) };
}

/** The `hl apply` command line for `target`. */
export function applyArgs(target: TortureTarget): string[] {
  return ['apply', '--auto-approve', ...(target.parallelism ? ['--parallelism', String(target.parallelism)] : [])];
}

/** `setup` with its applies limited to `parallelism` concurrent operations. */
export function withParallelism<S extends TargetSetup>(setup: S, parallelism: number): S {
  return {
    ...setup,
    name: `${setup.name} (parallelism ${parallelism})`,
    setup: async (random) => {
      const { target, close } = await setup.setup(random);
      return { target: { ...target, parallelism }, close };
    },
  };
}

/** A target set up afresh for each trial (a standalone emulator with a new world, say). */
export interface TargetSetup {
  name: string;
  setup(random: Random): Promise<{ target: TortureTarget; close(): Promise<void>; calm?(): Promise<void> }>;
}

/** A target that needs no setup: its world lives in each trial's project directory. */
export function fixedTarget(target: TortureTarget, name = target.name): TargetSetup {
  return { name, setup: async () => ({ target, close: async () => undefined }) };
}

export interface FakeOptions {
  latencyMs: number;
  failRate?: number;
  lostReplyRate?: number;
}

export function fakeTarget(opts: FakeOptions): TortureTarget {
  return {
    name: 'fake',
    config: (chains, depth) => fakeConfig(chains, depth, opts),
    replaceConfig: (chains, depth, generation) => fakeConfig(chains, depth, { ...opts, generation }),
    objects: (dir) => {
      const file = join(dir, '.hl', 'providers', 'fake', 'fake-world.jsonl');
      if (!existsSync(file)) return [];
      const world = new FakeWorld(file);
      const ids = world.list().map((o) => o.id);
      world.close();
      return ids;
    },
    idOfIdentity: (identity) => (typeof identity.id === 'string' ? identity.id : undefined),
  };
}

/** `generation`: names carry it (a new generation replaces every object), and every resource is create_before_destroy. */
export function fakeConfig(chains: number, depth: number, opts: FakeOptions & { generation?: number }): string {
  const settings = [`latency_ms: ${opts.latencyMs}`];
  if (opts.failRate) settings.push(`fail_rate: ${opts.failRate}`);
  if (opts.lostReplyRate) settings.push(`lost_reply_rate: ${opts.lostReplyRate}`);
  const suffix = opts.generation !== undefined ? `-g${opts.generation}` : '';
  let y = `providers:\n  fake: { ${settings.join(', ')} }\nresources:\n`;
  for (let c = 0; c < chains; c++) {
    for (let d = 0; d < depth; d++) {
      y += `  fake_resource.c${c}_${d}:\n    name: c${c}-${d}${suffix}\n`;
      if (d > 0) y += `    value: "\${fake_resource.c${c}_${d - 1}.id}"\n`;
      if (opts.generation !== undefined) y += '    lifecycle: { create_before_destroy: true }\n';
    }
  }
  return y;
}

/** Where hl's proxmox provider finds the PVE API. */
export type ProxmoxEndpoint =
  | { kind: 'embedded' }
  | { kind: 'standalone'; url: string; tokenId: string; tokenSecret: string; worldFile: string };

const HOSTNAME_PREFIX = 'torture-';

export function proxmoxTarget(endpoint: ProxmoxEndpoint): TortureTarget {
  return {
    name: 'proxmox',
    config: (chains, depth) => proxmoxConfig(chains, depth, endpoint),
    objects: (dir) => {
      const file = endpoint.kind === 'embedded' ? join(dir, '.hl', 'providers', 'proxmox', 'proxmox-world.json') : endpoint.worldFile;
      return existsSync(file) ? managedGuests(readFileSync(file, 'utf8')) : [];
    },
    idOfIdentity: (identity) =>
      typeof identity.node === 'string' && typeof identity.vmid === 'number' ? `${identity.node}/${identity.vmid}` : undefined,
  };
}

function proxmoxConfig(chains: number, depth: number, endpoint: ProxmoxEndpoint): string {
  const block =
    endpoint.kind === 'embedded'
      ? '{ emulated: true }'
      : `{ endpoint: "${endpoint.url}", token_id: "${endpoint.tokenId}", token_secret: "${endpoint.tokenSecret}" }`;
  let y = `providers:\n  proxmox: ${block}\nresources:\n`;
  for (let c = 0; c < chains; c++) {
    for (let d = 0; d < depth; d++) {
      y += `  proxmox_lxc.c${c}_${d}:\n`;
      y += `    node: pve\n    hostname: ${HOSTNAME_PREFIX}c${c}-${d}\n`;
      y += '    ostemplate: local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz\n';
      y += '    rootfs: { storage: local-lvm, size: 1G }\n    memory: 256\n    started: false\n';
      if (d > 0) y += `    description: "after \${proxmox_lxc.c${c}_${d - 1}.id}"\n`;
    }
  }
  return y;
}

/** `node/vmid` of every guest of an emulator world file that hl made (its marker) or that is ours by name. */
export function managedGuests(worldJson: string): string[] {
  const world = JSON.parse(worldJson) as { guests: Record<string, { vmid: number; node: string; config: string }> };
  return Object.values(world.guests)
    .filter((g) => g.config.includes('Managed by hl') || new RegExp(`^(hostname|name): ${HOSTNAME_PREFIX}`, 'm').test(g.config))
    .map((g) => `${g.node}/${g.vmid}`);
}
