/** Placement in the rendered plan: the migration beside the node line, what node: auto chose, the capacity table (terminal and Markdown). */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { planToShowJson } from '../../src/render/plan-json.js';
import type { PlanPlacement } from '../../src/plan/plan-types.js';
import { renderPlanHuman } from '../../src/render/plan-human.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { change, makePlan } from './plan-fixtures.js';

const GiB = 1024 ** 3;
const ANSI = /\x1b\[/;

const migrated = change(
  'proxmox_lxc.docker',
  'update',
  { id: 'pve/100', node: 'pve', memory: 4096 },
  { id: 'pve/100', node: 'pumped-piglet', memory: 4096 },
  { migration: { path: ['node'], from: 'pve', to: 'pumped-piglet', how: 'online migration, local disks copied to local-lvm' } },
);

const chosen = change('proxmox_vm.big', 'create', null, { node: 'pumped-piglet', memory: 8192 }, {
  placement: {
    node: 'pumped-piglet',
    reason: '46.4 GiB of 62.4 GiB free after this guest, CPU 9.8 % of 12 cores',
    considered: [
      { node: 'chief-horse', verdict: 'too little memory (has 7.7 GiB, needs 8 GiB)' },
      { node: 'pumped-piglet', verdict: '46.4 GiB of 62.4 GiB free after this guest, CPU 9.8 % of 12 cores' },
      { node: 'still-fawn', verdict: 'offline' },
    ],
  },
});

const placement: PlanPlacement = {
  version: 1,
  thresholds: { memoryPercent: 90, vcpusPerCore: 4, cpuLoadPercent: 80 },
  providers: [
    {
      provider: 'proxmox',
      nodes: [
        { node: 'fun-bedbug', online: true, cores: 2, memoryBytes: 8 * GiB, memoryBefore: 4 * GiB, memoryAfter: 4 * GiB, vcpusBefore: 2, vcpusAfter: 2, cpuLoad: 0.85, cpuLoadAfter: 0.85, over: ['cpu-load'] },
        { node: 'pumped-piglet', online: true, cores: 12, memoryBytes: 64 * GiB, memoryBefore: 8 * GiB, memoryAfter: 20 * GiB, vcpusBefore: 4, vcpusAfter: 10, cpuLoad: 0.098, cpuLoadAfter: 0.098, over: [] },
        { node: 'still-fawn', online: false, cores: 8, memoryBytes: 32 * GiB, memoryBefore: 0, memoryAfter: 0, vcpusBefore: 0, vcpusAfter: 0, cpuLoad: 0, cpuLoadAfter: 0, over: [] },
      ],
    },
  ],
};

describe('placement in the human plan', () => {
  it('says how a migration moves the guest on the node line', () => {
    const text = renderPlanHuman(makePlan({ changes: [migrated] }), { color: false });
    expect(text).toContain('      ~ node = "pve" -> "pumped-piglet" (online migration, local disks copied to local-lvm)\n');
    expect(text).toContain('Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy.');
  });

  it('says under a new resource which node auto chose, and why not the others', () => {
    const text = renderPlanHuman(makePlan({ changes: [chosen] }), { color: false });
    expect(text).toContain(
      [
        '  # proxmox_vm.big will be created',
        '  # node: auto chose pumped-piglet: 46.4 GiB of 62.4 GiB free after this guest, CPU 9.8 % of 12 cores',
        '  #   chief-horse: too little memory (has 7.7 GiB, needs 8 GiB)',
        '  #   still-fawn: offline',
        '  + resource "proxmox_vm" "big" {',
      ].join('\n'),
    );
  });

  it('prints the capacity table after the changes, a node past a threshold flagged', () => {
    const text = renderPlanHuman(makePlan({ changes: [migrated], placement }), { color: false });
    const at = text.indexOf('Placement:');
    expect(at).toBeGreaterThan(text.indexOf('Plan: 0 to add'));
    expect(text.slice(at)).toBe(
      [
        'Placement: memory and vCPUs committed on each node, before -> after this plan (thresholds: memory 90 %, 4 vCPUs per core, CPU 80 %)',
        '',
        '  proxmox:',
        '    node           memory committed                    vCPUs                CPU load',
        '    fun-bedbug     4 GiB of 8 GiB (50.0 %)             2 on 2 cores         85.0 %    ! past CPU load',
        '    pumped-piglet  8 GiB -> 20 GiB of 64 GiB (31.3 %)  4 -> 10 on 12 cores  9.8 %',
        '    still-fawn     offline',
        '',
      ].join('\n'),
    );
    const coloured = renderPlanHuman(makePlan({ changes: [migrated], placement }), { color: true });
    expect(coloured).toMatch(ANSI);
    expect(renderPlanHuman(makePlan({ changes: [migrated], placement }), { color: false })).not.toMatch(ANSI);
  });

  it('no table when the plan has none', () => {
    expect(renderPlanHuman(makePlan({ changes: [migrated] }), { color: false })).not.toContain('Placement:');
  });
});

describe('placement in the Markdown plan', () => {
  it('lists migrations and auto choices, and the table with the flagged node', () => {
    const md = renderPlanMarkdown(makePlan({ changes: [migrated, chosen], placement }));
    expect(md).toContain('#### Migrations\n\n- `proxmox_lxc.docker`: `pve` → `pumped-piglet` (online migration, local disks copied to local-lvm)');
    expect(md).toContain(
      '#### Nodes chosen by `node: auto`\n\n- `proxmox_vm.big`: chose pumped-piglet: 46.4 GiB of 62.4 GiB free after this guest, CPU 9.8 % of 12 cores; chief-horse: too little memory (has 7.7 GiB, needs 8 GiB), still-fawn: offline',
    );
    expect(md).toContain(
      [
        '| Node | Memory committed | vCPUs | CPU load | |',
        '| --- | --- | --- | --- | --- |',
        '| `fun-bedbug` | 4 GiB of 8 GiB (50.0 %) | 2 on 2 cores | 85.0 % | ⚠️ past CPU load |',
        '| `pumped-piglet` | 8 GiB → 20 GiB of 64 GiB (31.3 %) | 4 → 10 on 12 cores | 9.8 % |  |',
        '| `still-fawn` | offline |  |  |  |',
      ].join('\n'),
    );
    expect(md).toContain('(online migration, local disks copied to local-lvm)\n');
  });
});

describe('placement in the plan JSON', () => {
  const validate = new Ajv({ allErrors: true, strict: true }).compile(
    JSON.parse(readFileSync(new URL('../../schemas/plan-json.schema.json', import.meta.url), 'utf8')) as object,
  );

  it('carries the table, migrations and choices as hl_placement, valid against the schema, Terraform fields as before', () => {
    const plain = planToShowJson(makePlan({ changes: [migrated, chosen] }), '0.1.0');
    const doc = JSON.parse(JSON.stringify(planToShowJson(makePlan({ changes: [migrated, chosen], placement }), '0.1.0')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.resource_changes).toEqual(JSON.parse(JSON.stringify(plain.resource_changes)));
    expect(doc.hl_placement.thresholds).toEqual({ memory_percent: 90, vcpus_per_core: 4, cpu_load_percent: 80 });
    expect(doc.hl_placement.clusters[0].nodes[0]).toEqual({
      node: 'fun-bedbug',
      online: true,
      cores: 2,
      memory_bytes: 8 * GiB,
      memory_committed_before: 4 * GiB,
      memory_committed_after: 4 * GiB,
      vcpus_before: 2,
      vcpus_after: 2,
      cpu_load: 0.85,
      cpu_load_after: 0.85,
      over: ['cpu-load'],
    });
    expect(doc.hl_placement.migrations).toEqual([{ address: 'proxmox_lxc.docker', from: 'pve', to: 'pumped-piglet', how: 'online migration, local disks copied to local-lvm' }]);
    expect(doc.hl_placement.auto_nodes[0]).toMatchObject({ address: 'proxmox_vm.big', node: 'pumped-piglet' });
  });

  it('no hl_placement in a plan without placement', () => {
    expect(planToShowJson(makePlan({ changes: [] }), '0.1.0')).not.toHaveProperty('hl_placement');
  });
});
