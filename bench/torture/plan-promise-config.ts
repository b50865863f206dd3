/**
 * The configs of the plan-promise torture part: a list of resource blocks (Proxmox
 * containers and VMs on the PVE emulator, fake resources, MAAS devices and DNS records on
 * the embedded MAAS emulator) that a trial generates at random, changes at random
 * (plan-promise-changes.ts) and renders to `homelab.yaml`. Everything hl makes is named
 * `pp-...`, so the world snapshot (plan-promise-world.ts) can tell it from the seed's guests.
 */
import type { Random } from './random.js';
import type { ProxmoxEndpoint } from './targets.js';

export type PromiseResourceType = 'fake_resource' | 'proxmox_lxc' | 'proxmox_vm' | 'maas_device' | 'maas_dns_record';

export interface ResourceBlock {
  type: PromiseResourceType;
  name: string;
  /** Attribute values, rendered as JSON (which YAML reads as is). */
  attrs: Record<string, unknown>;
  createBeforeDestroy?: boolean;
  /** `for_each` over these keys (a list of strings); attributes may use `${each.key}`. */
  forEach?: string[];
}

export interface PromiseConfig {
  endpoint: ProxmoxEndpoint;
  blocks: ResourceBlock[];
  /** The next number for a new block's names (unique over a trial). */
  next: number;
}

/** The prefix of every name hl makes in the trials' worlds. */
export const NAME_PREFIX = 'pp-';

/** The online nodes of the emulator's homelab seed, their storage for guest disks, and their VM template. */
export const NODES: Record<string, { storage: string; template?: number }> = {
  pve: { storage: 'local-lvm', template: 9000 },
  'pumped-piglet': { storage: 'local-zfs', template: 9001 },
  'chief-horse': { storage: 'local-lvm', template: 9002 },
  'fun-bedbug': { storage: 'local-lvm' },
};

export const OSTEMPLATES = [
  'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz',
  'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
  'local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst',
];

/** Seed guests on `pve` that a trial may import (running, not made by hl). */
export const SEED_CONTAINERS: { vmid: number; hostname: string; memory: number }[] = [
  { vmid: 111, hostname: 'cloudflared', memory: 512 },
  { vmid: 100, hostname: 'docker', memory: 4096 },
];

export interface GenerateOptions {
  /** Give some guests `started: true` (their deletes and replacements must stop them first). */
  running: boolean;
}

/** A random starting config of 3 to 6 blocks. */
export function randomStartConfig(random: Random, endpoint: ProxmoxEndpoint, opts: GenerateOptions): PromiseConfig {
  const config: PromiseConfig = { endpoint, blocks: [], next: 1 };
  const n = random.int(3, 6);
  for (let i = 0; i < n; i++) config.blocks.push(newBlock(random, config, opts));
  if (random.next() < 0.3) config.blocks.push(forEachGroup(random, config));
  return config;
}

const TYPES: readonly PromiseResourceType[] = [
  'fake_resource',
  'proxmox_lxc',
  'proxmox_lxc',
  'proxmox_vm',
  'maas_device',
  'maas_dns_record',
];

/** A new block of a random type, valid against the emulators' seeds. */
export function newBlock(
  random: Random,
  config: PromiseConfig,
  opts: GenerateOptions,
  type: PromiseResourceType = random.pick(TYPES),
): ResourceBlock {
  const n = config.next++;
  switch (type) {
    case 'fake_resource':
      return {
        type,
        name: `f${n}`,
        attrs: { name: `${NAME_PREFIX}f${n}`, value: `v${random.int(1, 9)}`, description: `d${random.int(1, 9)}` },
      };
    case 'proxmox_lxc': {
      const node = random.pick(Object.keys(NODES));
      const attrs: Record<string, unknown> = {
        node,
        hostname: `${NAME_PREFIX}ct${n}`,
        ostemplate: random.pick(OSTEMPLATES),
        rootfs: { storage: NODES[node]!.storage, size: '1G' },
        memory: random.pick([256, 512]),
        started: opts.running && random.next() < 0.4,
      };
      if (random.next() < 0.3) attrs['vmid'] = freeVmid(random, config);
      return { type, name: `ct${n}`, attrs };
    }
    case 'proxmox_vm': {
      const node = random.pick(Object.keys(NODES));
      const attrs: Record<string, unknown> = {
        node,
        name: `${NAME_PREFIX}vm${n}`,
        memory: random.pick([512, 1024]),
        cores: random.pick([1, 2]),
        started: opts.running && random.next() < 0.4,
        networks: { net0: { model: 'virtio', bridge: 'vmbr0' } },
      };
      const template = NODES[node]!.template;
      if (template !== undefined && random.next() < 0.5) attrs['clone'] = { source: template, full: true };
      else attrs['disks'] = { scsi0: { storage: NODES[node]!.storage, size: '2G' } };
      if (random.next() < 0.3) attrs['vmid'] = freeVmid(random, config);
      return { type, name: `vm${n}`, attrs };
    }
    case 'maas_device':
      return {
        type,
        name: `dev${n}`,
        attrs: { hostname: `${NAME_PREFIX}dev${n}`, mac_addresses: [mac(n)], description: `d${random.int(1, 9)}` },
      };
    case 'maas_dns_record':
      return {
        type,
        name: `rec${n}`,
        attrs: { type: 'A', name: `${NAME_PREFIX}rec${n}`, domain: 'maas', data: [`192.168.4.${150 + (n % 100)}`] },
      };
  }
}

/** Two containers from one block, `for_each` over keys "a" and "b". */
function forEachGroup(random: Random, config: PromiseConfig): ResourceBlock {
  const n = config.next++;
  return {
    type: 'proxmox_lxc',
    name: `grp${n}`,
    forEach: ['a', 'b'],
    attrs: {
      node: 'pve',
      hostname: `${NAME_PREFIX}grp${n}-\${each.key}`,
      ostemplate: random.pick(OSTEMPLATES),
      rootfs: { storage: 'local-lvm', size: '1G' },
      memory: 256,
      started: false,
    },
  };
}

/** A VMID in 400..899 that no block of `config` uses (the seed's guests are below 400 or 9000+). */
export function freeVmid(random: Random, config: PromiseConfig): number {
  const used = new Set(config.blocks.map((b) => b.attrs['vmid']));
  for (;;) {
    const v = random.int(400, 899);
    if (!used.has(v)) return v;
  }
}

function mac(n: number): string {
  const hex = (x: number) => x.toString(16).padStart(2, '0');
  return `bc:24:11:ee:${hex((n >> 8) & 0xff)}:${hex(n & 0xff)}`;
}

/** The instance addresses a block declares. */
export function addressesOf(b: ResourceBlock): string[] {
  const base = `${b.type}.${b.name}`;
  return b.forEach ? b.forEach.map((k) => `${base}["${k}"]`) : [base];
}

export function renderConfig(config: PromiseConfig): string {
  const e = config.endpoint;
  const proxmox =
    e.kind === 'embedded' ? '{ emulated: true }' : `{ endpoint: "${e.url}", token_id: "${e.tokenId}", token_secret: "${e.tokenSecret}" }`;
  let y = `providers:\n  proxmox: ${proxmox}\n  fake: {}\n  maas: { emulated: true }\nresources:\n`;
  if (config.blocks.length === 0) y = y.replace(/resources:\n$/, 'resources: {}\n');
  for (const b of config.blocks) {
    y += `  ${b.type}.${b.name}:\n`;
    if (b.forEach) y += `    for_each: ${JSON.stringify(b.forEach)}\n`;
    for (const [k, v] of Object.entries(b.attrs)) y += `    ${k}: ${JSON.stringify(v)}\n`;
    if (b.createBeforeDestroy) y += '    lifecycle: { create_before_destroy: true }\n';
  }
  return y;
}

/** A deep copy, for changing a config without touching the one before. */
export function cloneConfig(config: PromiseConfig): PromiseConfig {
  return { endpoint: config.endpoint, next: config.next, blocks: config.blocks.map((b) => structuredClone(b)) };
}
