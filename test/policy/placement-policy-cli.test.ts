/**
 * Placement through the CLI, in real processes, with the fake provider's cluster: `node: auto`
 * and the capacity table in the plan, a node rule that fails exiting 3 (its limit also the
 * capacity warning's), and the table kept in a saved plan for `hl show` and `hl show --json`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const GiB = 1024 ** 3;
const node = (name: string, cores: number, memGiB: number, cpuLoad: number) =>
  `{ name: ${name}, online: true, cores: ${cores}, cpuLoad: ${cpuLoad}, memoryBytes: ${Math.round(memGiB * GiB)}, memoryUsedBytes: 0, storages: [] }`;

const CONFIG = (policy: string) => `
providers:
  fake:
    cluster:
      nodes:
        - ${node('pve', 4, 15.36, 0.265)}
        - ${node('pumped-piglet', 12, 62.39, 0.098)}
        - ${node('chief-horse', 4, 7.66, 0.177)}
      objects:
        - { id: pumped-piglet/200, type: fake_guest, node: pumped-piglet, memoryBytes: ${8 * GiB}, vcpus: 4, cpuLoad: 0, running: true }
resources:
  fake_guest.big: { name: big, node: auto, memory: 8192, cores: 4 }
${policy}`;

let dir: string;
const hl = (args: string[]) => runHl(args, { cwd: dir });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl-placement-'));
});

describe('placement in hl plan', () => {
  it('node: auto says why, the plan ends with the capacity table; a node rule that passes exits as the plan', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), CONFIG('policies:\n  - { rule: node-memory, max_percent: 90 }\n'));
    const r = await hl(['plan', '--detailed-exitcode']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('  # node: auto chose pumped-piglet: 46.4 GiB of 62.4 GiB free after this guest, CPU 9.8 % of 12 cores\n');
    expect(r.stdout).toContain('    pumped-piglet  8 GiB -> 16 GiB of 62.4 GiB (25.6 %)  4 -> 8 on 12 cores  9.8 %\n');
    expect(r.stdout).toContain('✓ node-memory (max 90 %): No node is pushed past 90 % memory committed by this plan (3 checked)');
  });

  it('a node rule the plan breaks exits 3, and its limit is the capacity warning\'s', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), CONFIG('policies:\n  - { rule: node-memory, max_percent: 20 }\n'));
    const r = await hl(['plan', '--detailed-exitcode']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('✗ node-memory (max 20 %): node pumped-piglet: 16 GiB of 62.4 GiB committed after this plan (25.6 %, was 8 GiB), more than 20 %');
    expect(r.stdout).toContain('memory 20 %, 4 vCPUs per core, CPU 80 %');
    expect(`${r.stdout}${r.stderr}`).toContain('Node pumped-piglet (fake) is pushed past a threshold by this plan: memory committed 16 GiB of 62.4 GiB (25.6 %, past 20 %)');
  });

  it('a saved plan keeps the table for hl show and hl show --json', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), CONFIG(''));
    expect((await hl(['plan', '--out', 'plan.bin'])).code).toBe(0);
    const shown = await hl(['show', 'plan.bin']);
    expect(shown.stdout).toContain('Placement: memory and vCPUs committed on each node');
    const json = JSON.parse((await hl(['show', '--json', 'plan.bin'])).stdout);
    expect(json.hl_placement.auto_nodes[0]).toMatchObject({ address: 'fake_guest.big', node: 'pumped-piglet' });
    expect(json.hl_placement.clusters[0].nodes.map((n: { node: string }) => n.node)).toEqual(['chief-horse', 'pumped-piglet', 'pve']);
    expect(json.resource_changes[0].change.after.node).toBe('pumped-piglet');
  });
});
