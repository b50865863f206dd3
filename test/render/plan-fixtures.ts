/** Small hand-built plans for the renderer tests. */
import { UNKNOWN, type Attributes } from '../../src/core/value.js';
import { warning } from '../../src/core/diagnostic.js';
import { summarizeChanges } from '../../src/plan/plan-summary.js';
import type { OutputChange, Plan, ResourceChange } from '../../src/plan/plan-types.js';

/** A secret that must never appear in any rendered output. */
export const SECRET = 'hunter2-s3cr3t';
export const NESTED_SECRET = 'nested-pa55word';

export function change(address: string, action: ResourceChange['action'], before: Attributes | null, after: Attributes | null, extra: Partial<ResourceChange> = {}): ResourceChange {
  const m = /^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(.+)\])?$/.exec(address);
  if (!m) throw new Error(`bad test address ${address}`);
  const index = m[4] === undefined ? null : m[4].startsWith('"') ? (JSON.parse(m[4]) as string) : Number(m[4]);
  return {
    address,
    block: `${m[1] ?? ''}${m[2]}.${m[3]}`,
    mode: m[1] ? 'data' : 'managed',
    type: m[2]!,
    name: m[3]!,
    index,
    provider: m[2]!.split('_')[0]!,
    action,
    id: before && typeof before['id'] === 'string' ? before['id'] : null,
    before,
    after,
    beforeSensitive: [],
    afterSensitive: [],
    replacePaths: [],
    notes: [],
    dependencies: [],
    createBeforeDestroy: action === 'create-delete',
    preventDestroy: false,
    ...extra,
  };
}

export function makePlan(parts: Partial<Plan> & { changes: ResourceChange[] }): Plan {
  const drift = parts.drift ?? [];
  const outputChanges = parts.outputChanges ?? [];
  const summary = summarizeChanges(parts.changes);
  return {
    formatVersion: 1,
    hlVersion: '0.1.0',
    mode: 'normal',
    state: { lineage: '00000000-0000-4000-8000-000000000000', serial: 3 },
    configHash: 'abc',
    configuration: { files: [], root: '/tmp/hl' },
    variables: {},
    options: { targets: [], replace: [], refresh: true },
    outputChanges,
    diagnostics: [],
    summary,
    hasChanges:
      summary.add + summary.change + summary.replace + summary.destroy + summary.read > 0 || drift.length > 0 || outputChanges.some((o) => o.action !== 'no-op'),
    data: [],
    ...parts,
    drift,
    deposed: parts.deposed ?? [],
  };
}

export const k3sPve: Attributes = {
  id: 'pve/qemu/107',
  node: 'pve',
  vmid: 107,
  name: 'k3s-vm-pve',
  memory: 4096,
  cores: 4,
  tags: ['k3s', 'prod'],
  networks: { net0: { model: 'virtio', bridge: 'vmbr0', firewall: true }, net1: { model: 'virtio', bridge: 'vmbr1', firewall: false } },
  description: 'k3s server\nmanaged by hl\nowner: ops\n',
};

/** A plan with one of each action, drift, outputs, sensitive values and a warning. */
export function samplePlan(): Plan {
  const update = change(
    'proxmox_vm.k3s["pve"]',
    'update',
    { ...k3sPve, cloud_init: { user: 'ubuntu', password: NESTED_SECRET } },
    {
      ...k3sPve,
      memory: 8192,
      networks: { net0: { model: 'virtio', bridge: 'vmbr2', firewall: true }, net1: { model: 'virtio', bridge: 'vmbr1', firewall: false } },
      description: 'k3s server\nmanaged by hl\nowner: platform\n',
      cloud_init: { user: 'ubuntu', password: `${NESTED_SECRET}-rotated` },
    },
    {
      beforeSensitive: [['cloud_init', 'password']],
      afterSensitive: [['cloud_init', 'password']],
      notes: ['memory change needs a reboot (reboot policy: never)'],
    },
  );
  const create = change('proxmox_vm.k3s["pumped-piglet"]', 'create', null, {
    id: UNKNOWN,
    node: 'pumped-piglet',
    vmid: 120,
    name: 'k3s-vm-pumped-piglet',
    memory: 16384,
    ipv4: UNKNOWN,
    token: SECRET,
    description: null,
  }, { afterSensitive: [['token']] });
  const replace = change(
    'proxmox_lxc.dns',
    'delete-create',
    { id: 'pve/lxc/200', vmid: 200, hostname: 'dns', ostemplate: 'debian-11', memory: 512 },
    { id: UNKNOWN, vmid: 200, hostname: 'dns', ostemplate: 'debian-12', memory: 512 },
    { reason: 'replace_because_cannot_update', replacePaths: [{ path: ['ostemplate'], reason: 'ostemplate cannot change in place' }] },
  );
  const destroy = change('kuma_monitor.old', 'delete', { id: '17', name: 'old-api', url: 'https://old.maas', interval: 60 }, null, {
    reason: 'delete_because_no_resource_config',
  });
  const read = change('data.maas_machine.gpu', 'read', null, { hostname: 'gpu', system_id: UNKNOWN }, { reason: 'read_because_config_unknown' });
  const noop = change('proxmox_vm.k3s["still"]', 'no-op', { id: 'x', memory: 1 }, { id: 'x', memory: 1 });
  const driftUpdate = change('proxmox_vm.k3s["pve"]', 'update', { ...k3sPve, cores: 4 }, { ...k3sPve, cores: 6 });
  const driftDelete = change('kuma_monitor.gone', 'delete', { id: '9', name: 'gone-monitor', url: 'https://gone.maas' }, null);
  const outputs: OutputChange[] = [
    { name: 'k3s_names', action: 'update', before: ['k3s-vm-pve'], after: ['k3s-vm-pve', 'k3s-vm-pumped-piglet'], sensitive: false },
    { name: 'admin_token', action: 'create', before: null, after: SECRET, sensitive: true },
    { name: 'gpu_ip', action: 'create', before: null, after: UNKNOWN, sensitive: false },
  ];
  return makePlan({
    changes: [noop, update, create, replace, destroy, read],
    drift: [driftUpdate, driftDelete],
    outputChanges: outputs,
    diagnostics: [warning('proxmox_vm.k3s["pve"]: balloon is ignored when memory is fixed', { file: 'homelab.yaml', line: 3, col: 5 })],
    configuration: { files: [{ path: 'homelab.yaml', text: 'resources:\n  proxmox_vm.k3s:\n    balloon: 0\n' }], root: '/tmp/hl' },
    variables: { domain: { value: 'maas', sensitive: false }, pve_token_secret: { sensitive: true } },
  });
}
