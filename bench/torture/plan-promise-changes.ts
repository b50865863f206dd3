/**
 * The random changes of the plan-promise torture part: what a trial does to an applied
 * config before planning again. Each kind changes the config (a copy) and may add planning
 * flags (`--replace ADDR`) or `hl import` commands to run first, with what the import must do.
 *
 * Kinds:
 * - `edit`: in-place attribute edits (memory, cores, description, value, tags)
 * - `add`: new blocks
 * - `remove`: blocks removed from the config (their objects are destroyed)
 * - `replace-attr`: edits that force a replacement (an LXC's ostemplate or node, a guest's
 *   vmid, a fake resource's name)
 * - `cbd`: create_before_destroy set or unset on a block, with a forced replacement of it
 *   (with a fixed vmid this can never apply, and must be refused at plan time)
 * - `replace-flag`: `hl plan --replace ADDR`
 * - `bad-ref`: a create, new or the create half of a replacement, pointing at a storage,
 *   bridge, template, node that does not exist, an offline node, or a VMID in use
 * - `import`: `hl import` of a seed container at its declared address (then maybe
 *   `--replace` of it: hl knows no template to create it again from), at an address the
 *   config does not declare, at a `for_each` block without its key, or of an id state
 *   already manages at another address
 * - `running`: not a change but a property of the starting config: some guests run, so
 *   their deletes and replacements must stop them first
 */
import {
  addressesOf,
  cloneConfig,
  freeVmid,
  NAME_PREFIX,
  newBlock,
  NODES,
  OSTEMPLATES,
  SEED_CONTAINERS,
  type PromiseConfig,
  type ResourceBlock,
} from './plan-promise-config.js';
import type { Random } from './random.js';

export const CHANGE_KINDS = ['edit', 'add', 'remove', 'replace-attr', 'cbd', 'replace-flag', 'bad-ref', 'import', 'running'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface ImportStep {
  address: string;
  id: string;
  /** Whether hl must accept the import, and why not when it must refuse. */
  expect: { accept: true } | { accept: false; because: string };
}

export interface TrialChange {
  config: PromiseConfig;
  planArgs: string[];
  imports: ImportStep[];
  /** What was done, for the report. */
  description: string[];
}

/** Applies 1 or 2 random changes of `kinds` (`running` excluded: it shapes the start config) to a copy of `config`. */
export function randomChange(random: Random, config: PromiseConfig, kinds: readonly ChangeKind[]): TrialChange {
  const change: TrialChange = { config: cloneConfig(config), planArgs: [], imports: [], description: [] };
  const usable = kinds.filter((k) => k !== 'running');
  if (usable.length === 0) throw new Error('no change kinds to choose from');
  const count = random.next() < 0.35 ? 2 : 1;
  for (let i = 0; i < count; i++) CHANGERS[random.pick(usable)](random, change, kinds.includes('running'));
  if (change.description.length === 0) change.description.push('no change');
  return change;
}

type Changer = (random: Random, change: TrialChange, running: boolean) => void;

const CHANGERS: Record<Exclude<ChangeKind, 'running'>, Changer> = {
  edit: (random, c) => {
    const b = pickBlock(random, c.config);
    if (!b) return;
    const a = b.attrs;
    switch (b.type) {
      case 'fake_resource':
        a['value'] = `v${random.int(10, 99)}`;
        if (random.next() < 0.5) a['description'] = `d${random.int(10, 99)}`;
        break;
      case 'proxmox_lxc':
      case 'proxmox_vm':
        a['memory'] = (a['memory'] as number) === 512 ? 1024 : 512;
        if (random.next() < 0.5) a['cores'] = random.pick([1, 2, 3]);
        if (random.next() < 0.5) a['tags'] = [`t${random.int(1, 9)}`];
        if (random.next() < 0.3) a['description'] = `edited ${random.int(1, 99)}`;
        break;
      case 'maas_device':
        a['description'] = `d${random.int(10, 99)}`;
        break;
      case 'maas_dns_record':
        a['data'] = [`192.168.4.${random.int(100, 140)}`];
        break;
    }
    c.description.push(`edit ${b.type}.${b.name}`);
  },

  add: (random, c, running) => {
    const b = newBlock(random, c.config, { running });
    c.config.blocks.push(b);
    c.description.push(`add ${b.type}.${b.name}`);
  },

  remove: (random, c) => {
    const n = Math.min(c.config.blocks.length, random.int(1, 2));
    for (let i = 0; i < n; i++) {
      const b = pickBlock(random, c.config);
      if (!b) return;
      c.config.blocks = c.config.blocks.filter((x) => x !== b);
      c.description.push(`remove ${b.type}.${b.name}`);
    }
  },

  'replace-attr': (random, c) => {
    const b = pickBlock(random, c.config, (x) => x.type !== 'maas_device' && x.type !== 'maas_dns_record');
    if (!b) return;
    c.description.push(`${forceReplacement(random, c.config, b)} of ${b.type}.${b.name}`);
  },

  cbd: (random, c) => {
    // half the time a guest whose vmid the config fixes (kept: the new object would need the old one's vmid)
    const fixed = random.next() < 0.5 ? pickBlock(random, c.config, (x) => x.attrs['vmid'] !== undefined && !x.forEach) : undefined;
    const b = fixed ?? pickBlock(random, c.config, (x) => x.type !== 'maas_device' && x.type !== 'maas_dns_record');
    if (!b) return;
    b.createBeforeDestroy = !b.createBeforeDestroy;
    const what = forceReplacement(random, c.config, b, { keepVmid: true });
    c.description.push(
      `${b.createBeforeDestroy ? 'set' : 'unset'} create_before_destroy on ${b.type}.${b.name}${b.attrs['vmid'] !== undefined ? ` (fixed vmid ${String(b.attrs['vmid'])})` : ''}, ${what}`,
    );
  },

  'replace-flag': (random, c) => {
    const b = pickBlock(random, c.config);
    if (!b) return;
    const address = random.pick(addressesOf(b));
    c.planArgs.push('--replace', address);
    c.description.push(`--replace ${address}`);
  },

  'bad-ref': (random, c, running) => {
    // on a new block (a create that cannot succeed) or on an existing one (the create half of its replacement)
    const existing =
      random.next() < 0.5 ? pickBlock(random, c.config, (x) => x.type === 'proxmox_lxc' || x.type === 'proxmox_vm') : undefined;
    const b = existing ?? newBlock(random, c.config, { running }, random.pick(['proxmox_lxc', 'proxmox_vm'] as const));
    if (!existing) c.config.blocks.push(b);
    const a = b.attrs;
    const isLxc = b.type === 'proxmox_lxc';
    const options: [string, () => void][] = [
      [
        'storage that does not exist',
        () => {
          if (isLxc) a['rootfs'] = { storage: 'nosuch-store', size: '1G' };
          else {
            a['disks'] = { scsi0: { storage: 'nosuch-store', size: '2G' } };
            delete a['clone'];
          }
        },
      ],
      [
        'storage without guest content ("local")',
        () => {
          if (isLxc) a['rootfs'] = { storage: 'local', size: '1G' };
          else {
            a['disks'] = { scsi0: { storage: 'local', size: '2G' } };
            delete a['clone'];
          }
        },
      ],
      [
        'bridge that does not exist',
        () =>
          (a['networks'] = isLxc
            ? { net0: { name: 'eth0', bridge: 'vmbr9', ip: 'dhcp' } }
            : { net0: { model: 'virtio', bridge: 'vmbr9' } }),
      ],
      [
        'template that does not exist',
        () => {
          if (isLxc) a['ostemplate'] = 'local:vztmpl/nosuch-1.0_amd64.tar.zst';
          else {
            a['clone'] = { source: 8999, full: true };
            delete a['disks'];
          }
        },
      ],
      ['node that does not exist', () => (a['node'] = 'nosuch-node')],
      [
        'offline node',
        () => {
          a['node'] = 'still-fawn';
          if (isLxc) a['rootfs'] = { storage: 'local-lvm', size: '1G' };
          else {
            delete a['clone'];
            a['disks'] = { scsi0: { storage: 'local-lvm', size: '2G' } };
          }
        },
      ],
      ['VMID in use (101)', () => (a['vmid'] = 101)],
    ];
    const [what, apply] = random.pick(options);
    apply();
    c.description.push(`${existing ? 'existing' : 'new'} ${b.type}.${b.name} pointed at a ${what}`);
  },

  import: (random, c) => {
    const seed = random.pick(SEED_CONTAINERS);
    const id = `pve/${seed.vmid}`;
    const variant = random.pick(['declared', 'declared, then --replace', 'undeclared', 'for_each without key', 'already managed'] as const);
    const n = c.config.next++;
    const block: ResourceBlock = {
      type: 'proxmox_lxc',
      name: `imp${n}`,
      attrs: { node: 'pve', vmid: seed.vmid, hostname: seed.hostname, memory: seed.memory },
    };
    switch (variant) {
      case 'declared':
      case 'declared, then --replace':
        c.config.blocks.push(block);
        c.imports.push({ address: `proxmox_lxc.imp${n}`, id, expect: { accept: true } });
        // hl does not know the imported container's template: its re-create cannot succeed
        if (variant !== 'declared') c.planArgs.push('--replace', `proxmox_lxc.imp${n}`);
        break;
      case 'undeclared':
        c.imports.push({
          address: `proxmox_lxc.imp${n}`,
          id,
          expect: { accept: false, because: 'the config does not declare the address' },
        });
        break;
      case 'for_each without key':
        c.config.blocks.push({ ...block, forEach: ['a'], attrs: newContainerAttrs(`imp${n}-\${each.key}`) });
        c.imports.push({
          address: `proxmox_lxc.imp${n}`,
          id,
          expect: { accept: false, because: 'a for_each block needs its instance key' },
        });
        break;
      case 'already managed': {
        const other: ResourceBlock = { ...block, name: `imp${n}b`, attrs: newContainerAttrs(`imp${n}b`) };
        c.config.blocks.push(block, other);
        c.imports.push({ address: `proxmox_lxc.imp${n}`, id, expect: { accept: true } });
        c.imports.push({
          address: `proxmox_lxc.imp${n}b`,
          id,
          expect: { accept: false, because: `state already manages ${id} at proxmox_lxc.imp${n}` },
        });
        break;
      }
    }
    c.description.push(`import ${id} (${variant})`);
  },
};

/** A valid new container on pve (no fixed vmid), named `pp-<name>`. */
function newContainerAttrs(name: string): Record<string, unknown> {
  return {
    node: 'pve',
    hostname: `${NAME_PREFIX}${name}`,
    ostemplate: OSTEMPLATES[0],
    rootfs: { storage: 'local-lvm', size: '1G' },
    memory: 256,
    started: false,
  };
}

/** Changes `b` so that its object must be replaced; says how. */
function forceReplacement(random: Random, config: PromiseConfig, b: ResourceBlock, opts: { keepVmid?: boolean } = {}): string {
  const a = b.attrs;
  const choices: [string, () => void][] = [];
  if (b.type === 'fake_resource') choices.push(['new name', () => (a['name'] = `${String(a['name'])}x`)]);
  if (b.type === 'proxmox_lxc') {
    choices.push(['new ostemplate', () => (a['ostemplate'] = random.pick(OSTEMPLATES.filter((t) => t !== a['ostemplate'])))]);
    if (!b.forEach) {
      choices.push([
        'moved to another node',
        () => {
          const node = random.pick(Object.keys(NODES).filter((x) => x !== a['node']));
          a['node'] = node;
          a['rootfs'] = { storage: NODES[node]!.storage, size: '1G' };
        },
      ]);
    }
  }
  if ((b.type === 'proxmox_lxc' || b.type === 'proxmox_vm') && !b.forEach && !opts.keepVmid)
    choices.push(['new vmid', () => (a['vmid'] = freeVmid(random, config))]);
  if (b.type === 'proxmox_vm') {
    choices.push([
      'moved to another node',
      () => {
        const node = random.pick(Object.keys(NODES).filter((x) => x !== a['node']));
        a['node'] = node;
        delete a['clone'];
        a['disks'] = { scsi0: { storage: NODES[node]!.storage, size: '2G' } };
      },
    ]);
  }
  if (choices.length === 0) return 'nothing forcing a replacement';
  const [what, apply] = random.pick(choices);
  apply();
  return what;
}

function pickBlock(random: Random, config: PromiseConfig, filter: (b: ResourceBlock) => boolean = () => true): ResourceBlock | undefined {
  const candidates = config.blocks.filter(filter);
  return candidates.length === 0 ? undefined : random.pick(candidates);
}
