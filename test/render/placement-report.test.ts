/**
 * The `hl placement` views: the node table, a move whose node is set by an expression (the
 * change says so), memory estimates for a memory overload, a node with nothing to move, a
 * cluster with nothing overloaded, colour only when asked; and the JSON document.
 */
import { describe, expect, it } from 'vitest';
import { reliefMoves, type ClusterPlacement, type ManagedGuest } from '../../src/plan/placement/relief-moves.js';
import type { PlacementFacts } from '../../src/provider/placement.js';
import { printPlacementJson } from '../../src/render/placement-report-json.js';
import { printPlacementReport } from '../../src/render/placement-report.js';
import type { TextOutput } from '../../src/render/text-output.js';

const GiB = 1024 ** 3;
const LVM = [{ id: 'local-lvm', content: ['images', 'rootdir'], shared: false }];

function facts(): PlacementFacts {
  const n = (name: string, cores: number, memGiB: number, cpu: number, online = true) => ({
    name,
    online,
    cores,
    cpuLoad: cpu,
    memoryBytes: memGiB * GiB,
    memoryUsedBytes: 2 * GiB,
    storages: online ? LVM : [],
  });
  return {
    nodes: [n('big', 12, 64, 0.1), n('small', 4, 8, 0.3), n('down', 4, 8, 0, false)],
    objects: [
      { id: 'small/130', type: 'proxmox_vm', node: 'small', name: 'k3s', memoryBytes: 6 * GiB, vcpus: 2, cpuLoad: 0.2, running: true },
      { id: 'small/131', type: 'proxmox_vm', node: 'small', name: 'db', memoryBytes: 2 * GiB, vcpus: 2, cpuLoad: 0.1, running: true },
    ],
  };
}

const guests: ManagedGuest[] = [
  {
    address: 'module.k3s_node["small"].proxmox_vm.this',
    id: 'small/130',
    demand: { node: 'small', nodePath: ['node'], running: true, storages: ['local-lvm'] },
    nodeInConfig: { loc: { file: 'modules/k3s-node/main.yaml', line: 4, col: 5 }, written: '${var.node}', literal: false },
  },
];

function capture(color = false): TextOutput & { text: () => string } {
  let out = '';
  return { out: (t) => (out += t), err: () => undefined, color, text: () => out };
}

function clusters(memory = 0.9): ClusterPlacement[] {
  return [{ provider: 'proxmox', report: reliefMoves({ facts: facts(), guests, bindings: [], thresholds: { cpu: 0.6, memory } }) }];
}

describe('hl placement, for people', () => {
  it('prints the node table, the memory overload, the move of a node set by an expression, and what it changes', () => {
    const t = capture();
    printPlacementReport(t, clusters());
    const text = t.text();
    expect(text).toContain('Cluster of provider "proxmox" (overloaded: CPU load above 60 %, memory committed above 90 %)');
    expect(text).toMatch(/^ {2}NODE +CPU LOAD +MEMORY COMMITTED +MEMORY USED +vCPUs +GUESTS$/m);
    expect(text).toMatch(/^ {2}small +30\.0 % of 4 cores +8 GiB of 8 GiB \(100\.0 %\) +2 GiB \(25\.0 %\) +4 \/ 4 +2$/m);
    expect(text).toMatch(/^ {2}down +offline$/m);
    expect(text).toContain('small is overloaded: memory committed 100.0 % is above 90 %');
    expect(text).toContain(
      'modules/k3s-node/main.yaml:4:5  module.k3s_node["small"].proxmox_vm.this: node: ${var.node} -> big (an expression there: make it give big) ' +
        '(small CPU 30.0 % -> ~20.0 %; big 10.0 % -> ~13.3 %; small memory committed 8 GiB -> 2 GiB; big 0 MiB -> 6 GiB)',
    );
    expect(text).toContain('This report changes nothing.');
    expect(text).not.toContain('\u001b[');
  });

  it('says when nothing is overloaded, and when nothing there can move', () => {
    const calm = capture();
    printPlacementReport(calm, clusters(1.5));
    expect(calm.text()).toContain('No node is overloaded.');
    const stuck = capture();
    const report = reliefMoves({ facts: facts(), guests: [], bindings: [], thresholds: { cpu: 0.6, memory: 0.9 } });
    printPlacementReport(stuck, [{ provider: 'proxmox', report }]);
    expect(stuck.text()).toContain('small is overloaded: memory committed 100.0 % is above 90 %\n  No guest hl manages there can move.');
  });

  it('colours only when asked', () => {
    const t = capture(true);
    printPlacementReport(t, clusters());
    expect(t.text()).toContain('\u001b[');
  });
});

describe('hl placement --json', () => {
  it('prints one document with the move as a config change', () => {
    const t = capture();
    printPlacementJson(t, clusters());
    const doc = JSON.parse(t.text());
    expect(doc.clusters[0].overloaded[0]).toMatchObject({
      node: 'small',
      reasons: ['memory committed 100.0 % is above 90 %'],
      relieved: true,
      moves: [
        {
          address: 'module.k3s_node["small"].proxmox_vm.this',
          from: 'small',
          to: 'big',
          config: { location: 'modules/k3s-node/main.yaml:4:5', attribute: 'node', written: '${var.node}', literal: false, change_to: 'big' },
        },
      ],
    });
  });
});
