/**
 * Modules and moved blocks at scale (issue 20): a config of N module instances (a module of
 * four resources, for_each over N keys) expanded, graphed and planned against a state whose
 * objects sit at the flat addresses, carried in by 4N moved blocks; and the moved blocks
 * alone, resolved and checked (a chain included). A config is untrusted input, so these must
 * grow linearly: the ratio of 10k to 1k should be near 10.
 */
import type { ConfigFile } from '../src/config/config-types.js';
import { checkRefactoringBlocks } from '../src/config/decode-refactoring-blocks.js';
import type { MovedBlock } from '../src/config/refactoring-types.js';
import { parseAddress } from '../src/core/address.js';
import { projectFromFiles } from '../src/engine/project.js';
import { resolveMoves } from '../src/plan/moved-addresses.js';
import type { ResourceState } from '../src/state/state-types.js';
import { FakeProvider } from '../providers/fake/fake-provider.js';
import { planOf, type BenchRow } from './engine-bench.js';
import { fmtMs, timed } from './measure.js';

const MODULE = `variables:
  name: { type: string }
resources:
  fake_resource.vm: { name: "vm-\${var.name}" }
  fake_resource.device: { name: "dev-\${var.name}", value: "\${fake_resource.vm.id}" }
  fake_resource.monitor_a: { name: "mon-a-\${var.name}", value: "\${fake_resource.device.name}" }
  fake_resource.monitor_b: { name: "mon-b-\${var.name}", value: "\${fake_resource.device.name}" }
outputs:
  id: { value: "\${fake_resource.vm.id}" }
`;
const KINDS = ['vm', 'device', 'monitor_a', 'monitor_b'];

function rootConfig(n: number): string {
  const lines = [
    `locals:\n  keys: [${Array.from({ length: n }, (_, i) => `n${i}`).join(', ')}]`,
    'modules:',
    '  node: { source: ./modules/node, for_each: "${local.keys}", name: "${each.key}" }',
    'moved:',
  ];
  for (let i = 0; i < n; i++)
    for (const k of KINDS) lines.push(`  - { from: 'fake_resource.${k}["n${i}"]', to: 'module.node["n${i}"].fake_resource.${k}' }`);
  return `${lines.join('\n')}\n`;
}

function flatState(n: number): ResourceState[] {
  const out: ResourceState[] = [];
  for (let i = 0; i < n; i++) {
    for (const k of KINDS) {
      const name = k === 'vm' ? `vm-n${i}` : k === 'device' ? `dev-n${i}` : `mon-${k.slice(-1)}-n${i}`;
      const value = k === 'vm' ? undefined : k === 'device' ? `fake-vm-${i}` : `dev-n${i}`;
      out.push({
        address: `fake_resource.${k}["n${i}"]`,
        mode: 'managed',
        type: 'fake_resource',
        name: k,
        index: `n${i}`,
        provider: 'fake',
        id: k === 'vm' ? `fake-vm-${i}` : `fake-${k}-${i}`,
        attributes: { name, ...(value !== undefined ? { value } : {}), id: k === 'vm' ? `fake-vm-${i}` : `fake-${k}-${i}` },
        sensitivePaths: [],
        dependencies: [],
        status: 'ready',
      });
    }
  }
  return out;
}

async function modulesRow(n: number): Promise<BenchRow> {
  const files: ConfigFile[] = [
    { path: 'main.yaml', text: rootConfig(n) },
    { path: 'modules/node/main.yaml', text: MODULE, module: 'modules/node' },
  ];
  const load = await timed(() => projectFromFiles(files, '/tmp', { vars: [], varFiles: [], env: {} }));
  const project = load.result.project;
  if (!project) throw new Error(load.result.diagnostics.map((d) => d.summary).join('\n'));
  const provider = new FakeProvider();
  const state = { version: 1, lineage: 'bench', serial: 1, hlVersion: 'bench', resources: flatState(n), outputs: {} };
  const plan = await timed(() => planOf(project, state, provider));
  const p = plan.result;
  const moved = p.changes.filter((c) => c.previousAddress !== undefined).length;
  const other = p.changes.filter((c) => c.action !== 'no-op').length;
  return {
    name: `${n} module instances (${4 * n} resources, ${4 * n} moved blocks)`,
    figures: { 'load+expand+graph': fmtMs(load.ms), plan: fmtMs(plan.ms), moved, 'other changes': other },
  };
}

function movesRow(n: number): BenchRow {
  const loc = { file: 'x.yaml', line: 1, col: 1 };
  const move = (from: string, to: string): MovedBlock => ({
    from: parseAddress(from)!,
    to: parseAddress(to)!,
    fromLoc: loc,
    toLoc: loc,
    loc,
  });
  const moved: MovedBlock[] = [];
  const resources: ResourceState[] = [];
  for (let i = 0; i < n; i++) {
    moved.push(move(`fake_resource.r["${i}"]`, `module.m["${i}"].fake_resource.this`));
    resources.push({
      address: `fake_resource.r["${i}"]`,
      mode: 'managed',
      type: 'fake_resource',
      name: 'r',
      index: String(i),
      provider: 'fake',
      id: `id${i}`,
      attributes: {},
      sensitivePaths: [],
      dependencies: [],
      status: 'ready',
    });
  }
  const chain = Array.from({ length: n }, (_, i) => move(`fake_resource.c${i}`, `fake_resource.c${i + 1}`));
  const t0 = performance.now();
  const r = resolveMoves(moved, resources);
  const resolveMs = performance.now() - t0;
  const t1 = performance.now();
  const problems = checkRefactoringBlocks({ moved: [...moved, ...chain], imports: [], removed: [], resources: new Map() });
  const checkMs = performance.now() - t1;
  return {
    name: `${n} moves (and a ${n}-long chain)`,
    figures: { resolve: fmtMs(resolveMs), check: fmtMs(checkMs), moved: r.previous.size, problems: problems.length },
  };
}

export async function benchRefactoring(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const n of [250, 2500]) rows.push(await modulesRow(n));
  for (const n of [1000, 10000]) rows.push(movesRow(n));
  return rows;
}
