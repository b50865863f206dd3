/**
 * Oxide's rules and forbidden transitions, refused at plan time (pure: no server) with a clear
 * message: table-driven on the provider's validateResource/planResource, then once through the
 * engine's planner to show how a refusal reaches the user (an error diagnostic at the line).
 */
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { projectFromFiles } from '../../src/engine/project.js';
import { makePlan } from '../../src/plan/planner.js';
import { emptyState, type State } from '../../src/state/state-types.js';
import { CrucibleProvider } from '../../providers/crucible/index.js';

const provider = new CrucibleProvider();
const PVE = { node: 'pve', storage: 'local-lvm' };
const DISK = 'disk/100000/3f9a2c1b7d04e5f6a7b8';
const DISK2 = 'disk/100001/0123456789abcdef0123';
const SNAP = 'snapshot/100000/hl-5abebd39e81c/10G';

function problems(type: string, prior: Attributes | null, config: Attributes): string[] {
  const v = provider.validateResource({ type, config, providerConfig: {} });
  const p = provider.planResource({ type, prior, config, providerConfig: {} });
  return [...v, ...p.problems].map((x) => x.message);
}

const priorDisk: Attributes = {
  id: DISK,
  name: 'k3s-data',
  description: '',
  size: '10G',
  block_size: 512,
  source: { type: 'blank' },
  read_only: false,
  placement: PVE,
  redundancy: { mode: 'none' },
  state: 'ready',
  volume_id: 'local-lvm:vm-100000-disk-0',
  device_serial: '3f9a2c1b7d04e5f6a7b8',
  holder_vmid: 100000,
};
const diskConfig = { name: 'k3s-data', size: '10G', placement: PVE };

interface Case {
  reason: string;
  type: string;
  prior?: Attributes;
  config: Attributes;
  message: RegExp;
}

const CASES: Case[] = [
  { reason: 'names follow Oxide', type: 'crucible_disk', config: { ...diskConfig, name: 'K3s_data' }, message: /name "K3s_data" is not an Oxide name: it must start with a lower-case letter/ },
  { reason: 'at least 1 GiB', type: 'crucible_disk', config: { ...diskConfig, size: '512M' }, message: /size 512M is below Oxide's minimum of 1 GiB/ },
  { reason: '1 GiB granularity', type: 'crucible_disk', config: { ...diskConfig, size: '1536M' }, message: /size 1536M is not a whole number of GiB: Oxide disks come in 1 GiB steps/ },
  { reason: 'at most 1023 GiB', type: 'crucible_disk', config: { ...diskConfig, size: '1024G' }, message: /size 1024G is above Oxide's maximum of 1023 GiB/ },
  { reason: 'block sizes Proxmox cannot give a guest', type: 'crucible_disk', config: { ...diskConfig, block_size: 4096 }, message: /block_size 4096 cannot be honoured on Proxmox: it has no per-disk logical block size setting.*hl accepts 512 only/ },
  { reason: 'a blank disk has a size', type: 'crucible_disk', config: { name: 'x', placement: PVE }, message: /a blank disk needs a size/ },
  { reason: 'read-only needs a source', type: 'crucible_disk', config: { ...diskConfig, read_only: true }, message: /read_only is only for a disk made from a snapshot or an image/ },
  {
    reason: 'size ≥ the source',
    type: 'crucible_disk',
    config: { ...diskConfig, size: '5G', source: { type: 'snapshot', snapshot_id: SNAP } },
    message: /size 5G is smaller than the source snapshot \(10G\): a disk must be at least as large as its source/,
  },
  {
    reason: 'a read-only disk has its source size',
    type: 'crucible_disk',
    config: { ...diskConfig, size: '20G', read_only: true, source: { type: 'snapshot', snapshot_id: SNAP } },
    message: /a read-only disk has its source's size: the source snapshot is 10G, not 20G/,
  },
  {
    reason: 'a replica goes to another node',
    type: 'crucible_disk',
    config: { ...diskConfig, redundancy: { mode: 'async-zfs', targets: ['pve'] } },
    message: /redundancy target pve is the disk's own node/,
  },
  {
    reason: 'the source never changes',
    type: 'crucible_disk',
    prior: priorDisk,
    config: { ...diskConfig, source: { type: 'snapshot', snapshot_id: SNAP } },
    message: /source cannot change from \{"type":"blank"\} to .*: a disk's contents come from its source once, at creation\. Oxide disks cannot be edited, and replacing this one would destroy its data/,
  },
  { reason: 'read_only never changes', type: 'crucible_disk', prior: priorDisk, config: { ...diskConfig, read_only: true, source: { type: 'blank' } }, message: /read_only cannot change from false to true/ },
  {
    reason: 'a disk does not move',
    type: 'crucible_disk',
    prior: priorDisk,
    config: { ...diskConfig, placement: { node: 'pve', storage: 'local' } },
    message: /placement cannot change .*: moving a disk to another node or storage is not supported \(Proxmox's move_disk renames the volume/,
  },
  { reason: 'disks only grow', type: 'crucible_disk', prior: priorDisk, config: { ...diskConfig, size: '5G' }, message: /^size cannot shrink from 10G to 5G: Proxmox only grows disks$/ },
  {
    reason: 'a snapshot stays with its disk',
    type: 'crucible_snapshot',
    prior: { id: SNAP, name: 's', description: '', disk_id: DISK, consistency: 'crash', state: 'ready', size: '10G', snapname: 'hl-5abebd39e81c', holder_vmid: 100000 },
    config: { name: 's', disk_id: DISK2 },
    message: /disk_id cannot change from .*: a snapshot is one point in time of one disk and cannot be retaken/,
  },
  {
    reason: 'consistency is how it was taken',
    type: 'crucible_snapshot',
    prior: { id: SNAP, name: 's', description: '', disk_id: DISK, consistency: 'crash', state: 'ready', size: '10G', snapname: 'hl-5abebd39e81c', holder_vmid: 100000 },
    config: { name: 's', disk_id: DISK, consistency: 'fs-frozen' },
    message: /consistency cannot change from crash to fs-frozen/,
  },
  {
    reason: 'an image is made once',
    type: 'crucible_image',
    prior: { id: 'image/100002/0123456789abcdef0123/10G', name: 'i', description: '', os: 'ubuntu', version: '24.04', source: { type: 'snapshot', id: SNAP }, storage: 'local-lvm', size: '10G', block_size: 512, volume_id: 'local-lvm:base-100002-disk-0', holder_vmid: 100002 },
    config: { name: 'i', os: 'ubuntu', version: '24.04', source: { type: 'snapshot', id: 'snapshot/100000/hl-000000000000/10G' } },
    message: /source cannot change .*: an image is made once from its snapshot/,
  },
  {
    reason: 'at most 12 disks',
    type: 'crucible_attachment',
    config: { vm: 'pve/107', disks: Array.from({ length: 13 }, (_, i) => ({ slot: i % 12, disk_id: `disk/${100000 + i}/0123456789abcdef0123` })) },
    message: /13 disks listed: Oxide attaches at most 12 disks to an instance/,
  },
  { reason: 'slots 0-11', type: 'crucible_attachment', config: { vm: 'pve/107', disks: [{ slot: 12, disk_id: DISK }] }, message: /slot 12 is not one of 0-11/ },
  {
    reason: 'one disk per slot',
    type: 'crucible_attachment',
    config: { vm: 'pve/107', disks: [{ slot: 1, disk_id: DISK }, { slot: 1, disk_id: DISK2 }] },
    message: /slot 1 is used twice \(disks\[0\] and disks\[1\]\)/,
  },
  {
    reason: 'one slot per disk',
    type: 'crucible_attachment',
    config: { vm: 'pve/107', disks: [{ slot: 1, disk_id: DISK }, { slot: 2, disk_id: DISK }] },
    message: /disk .* is listed twice \(disks\[0\] and disks\[1\]\): a disk has one slot/,
  },
  {
    reason: 'the boot disk is attached',
    type: 'crucible_attachment',
    config: { vm: 'pve/107', disks: [{ slot: 1, disk_id: DISK }], boot_disk_id: DISK2 },
    message: /boot_disk_id .* is not one of the listed disks: the boot disk must be attached/,
  },
  {
    reason: 'the boot disk is not detached',
    type: 'crucible_attachment',
    prior: { id: 'vm/107', vm: 'pve/107', disks: [{ slot: 1, disk_id: DISK }, { slot: 2, disk_id: DISK2 }], boot_disk_id: DISK, vm_status: 'running', devices: {} },
    config: { vm: 'pve/107', disks: [{ slot: 2, disk_id: DISK2 }], boot_disk_id: DISK2 },
    message: /disk disk\/100000\/3f9a2c1b7d04e5f6a7b8 is the boot disk of VM pve\/107 and cannot be detached: first make another disk the boot disk/,
  },
];

describe('crucible: forbidden transitions and Oxide rules are refused at plan time', () => {
  for (const c of CASES) {
    it(`${c.type}: ${c.reason}`, () => {
      const found = problems(c.type, c.prior ?? null, c.config);
      expect(found.some((m) => c.message.test(m)), `problems: ${JSON.stringify(found, null, 1)}`).toBe(true);
    });
  }

  it('plans in place what Oxide lets change or hl adds: name, description, redundancy, a growing size', () => {
    const r = provider.planResource({
      type: 'crucible_disk',
      prior: priorDisk,
      config: { ...diskConfig, name: 'k3s-data2', description: 'x', size: '12G', redundancy: { mode: 'none' } },
      providerConfig: {},
    });
    expect(r.problems).toEqual([]);
    expect(r.requiresReplace).toEqual([]);
    expect(r.notes).toEqual(['size grows from 10G to 12G in place (an hl extension: Oxide disks cannot be resized); a VM using the disk sees the new size at once']);
  });

  it('reaches the user as an error diagnostic at the offending line, through the engine planner', async () => {
    const yaml = [
      'resources:',
      '  crucible_disk.data:',
      '    name: k3s-data',
      '    size: 5G',
      '    placement: { node: pve, storage: local-lvm }',
      '  crucible_disk.fast:',
      '    name: fast',
      '    size: 2G',
      '    block_size: 4096',
      '    placement: { node: pve, storage: local-lvm }',
      '',
    ].join('\n');
    const { project } = await projectFromFiles([{ path: 'main.yaml', text: yaml }], '/tmp', { vars: [], varFiles: [], env: {} });
    const state: State = emptyState('lineage', 'test');
    state.resources.push({
      address: 'crucible_disk.data', mode: 'managed', type: 'crucible_disk', name: 'data', index: null, provider: 'crucible',
      id: DISK, attributes: priorDisk, sensitivePaths: [], dependencies: [], status: 'ready',
    });
    const result = makePlan({
      config: project!.config, graph: project!.graph, variables: project!.variables, state, dataResults: new Map(),
      providers: new Map([['crucible', { schema: provider.getSchema(), providerConfig: {}, planResource: provider.planResource.bind(provider), validateResource: provider.validateResource.bind(provider) }]]),
      mode: 'normal', targets: [], replace: [], refresh: false, hlVersion: 'test', configHash: project!.configHash, paths: project!.paths,
    });
    expect(result.plan).toBeUndefined();
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ summary: d.summary, line: d.location?.line }));
    expect(errors).toEqual([
      { summary: 'crucible_disk.data: size cannot shrink from 10G to 5G: Proxmox only grows disks', line: 4 },
      { summary: expect.stringMatching(/^crucible_disk\.fast: block_size 4096 cannot be honoured on Proxmox/), line: 9 },
    ]);
  });
});
