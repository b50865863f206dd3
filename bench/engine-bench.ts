/**
 * Engine benchmarks with the fake provider: graph build and planning for 1k/5k/10k
 * resources (empty state: all creates; full state: all no-ops), and a 500-resource graph at
 * 50 ms per call against its critical-path bound; and the helpers the other in-process
 * benchmarks share (load, planOf, applyOnFake, memoryStore). What persistence costs an apply
 * is measured by persistence-bench.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan } from '../src/apply/executor.js';
import { silentEvents } from '../src/apply/apply-events.js';
import type { ApplyStore } from '../src/apply/apply-store.js';
import { parseConfig } from '../src/config/parse-config.js';
import { parseYamlDocument, parseYamlFile } from '../src/yaml/yaml-to-node.js';
import { lexemes } from '../src/yaml/yaml-lexemes.js';
import { lexemesViaYamlLexer } from './yaml-lexemes-via-lexer.js';
import { buildConfigGraph } from '../src/graph/build-config-graph.js';
import { projectFromFiles } from '../src/engine/project.js';
import { makePlan } from '../src/plan/planner.js';
import type { Plan } from '../src/plan/plan-types.js';
import { StateStore } from '../src/state/state-store.js';
import { newLineage } from '../src/state/new-lineage.js';
import type { ResourceState, State } from '../src/state/state-types.js';
import { FakeProvider } from '../providers/fake/fake-provider.js';
import { FakeWorld } from '../providers/fake/fake-world.js';
import { fmtMs, timed } from './measure.js';
import { syntheticConfig } from './synthetic-config.js';
import { plannerOf } from '../src/plan/planner-provider.js';
import { precompiledValidator } from '../src/engine/precompiled-validators.js';

export interface BenchRow {
  name: string;
  figures: Record<string, number | string>;
}

export function planOf(project: Awaited<ReturnType<typeof load>>, state: State, provider: FakeProvider): Plan {
  const r = makePlan({
    config: project.config,
    graph: project.graph,
    variables: project.variables,
    state,
    dataResults: new Map(),
    providers: new Map([['fake', plannerOf(provider, {})]]),
    mode: 'normal',
    targets: [],
    replace: [],
    refresh: false,
    hlVersion: 'bench',
    configHash: project.configHash,
    paths: project.paths,
    precompiled: precompiledValidator,
  });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => d.summary).join('\n'));
  return r.plan;
}

export async function load(yaml: string) {
  const r = await projectFromFiles([{ path: 'bench.yaml', text: yaml }], tmpdir(), { vars: [], varFiles: [], env: {} });
  if (!r.project) throw new Error(r.diagnostics.map((d) => d.summary).join('\n'));
  return r.project;
}

/** Applies `plan` to the fake provider, as the engine would, with silent events. */
export function applyOnFake(
  project: Awaited<ReturnType<typeof load>>,
  plan: Plan,
  store: ApplyStore,
  provider: FakeProvider,
  parallelism = 10,
): ReturnType<typeof applyPlan> {
  return applyPlan({
    plan,
    config: project.config,
    graph: project.graph,
    variables: project.variables,
    store,
    providers: new Map([['fake', provider]]),
    providerConfigs: new Map([['fake', {}]]),
    parallelism,
    events: silentEvents,
    shouldStop: () => false,
    paths: project.paths,
  });
}

/** Graph build and plan time per size, with the growth ratio 10k/1k (linear = 10). */
export async function benchPlanScaling(sizes: number[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const provider = new FakeProvider();
  const perSize = new Map<number, { graph: number; planCreate: number; planNoop: number }>();
  for (const n of sizes) {
    const yaml = syntheticConfig(n, 10);
    // the YAML step alone: the fast path parseConfig uses, and the full parseDocument path
    const yamlFast = await timed(() => parseYamlFile({ path: 'bench.yaml', text: yaml }));
    const yamlFull = await timed(() => parseYamlDocument('bench.yaml', yaml));
    // the fast path's lexing alone: its hand-written scanner, and the `yaml` Lexer it replaced
    const lex = await timed(() => lexemes(yaml));
    const lexViaYamlLexer = await timed(() => lexemesViaYamlLexer(yaml));
    const parse = await timed(() => parseConfig([{ path: 'bench.yaml', text: yaml }], { precompiled: precompiledValidator }));
    const graph = await timed(() => buildConfigGraph(parse.result.config!));
    const project = await load(yaml);
    const empty: State = { version: 1, lineage: newLineage(), serial: 1, hlVersion: 'bench', resources: [], outputs: {} };
    const create = await timed(() => planOf(project, empty, provider));
    // a state that matches the config: every resource applied
    const world = new FakeWorld();
    const full: State = { ...empty, resources: [] };
    for (const c of create.result.changes) {
      const id = world.allocateId();
      const attrs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.after!)) attrs[k] = typeof v === 'object' && v !== null && !Array.isArray(v) ? null : v;
      attrs['id'] = id;
      attrs['serial'] = 0;
      full.resources.push({
        address: c.address,
        mode: 'managed',
        type: c.type,
        name: c.name,
        index: null,
        provider: 'fake',
        id,
        attributes: attrs as never,
        sensitivePaths: [],
        dependencies: c.dependencies,
        status: 'ready',
      });
    }
    // chain values refer to the previous id
    const byAddr = new Map(full.resources.map((r) => [r.address, r]));
    for (const r of full.resources) {
      const i = Number(r.name.slice(1));
      if (i % 10 > 0) r.attributes['value'] = byAddr.get(`fake_resource.r${i - 1}`)!.id;
    }
    const noop = await timed(() => planOf(project, full, provider));
    const changed = noop.result.changes.filter((c) => c.action !== 'no-op').length;
    if (changed > 0) throw new Error(`bench: expected no changes for a matching state, got ${changed}`);
    perSize.set(n, { graph: graph.ms, planCreate: create.ms, planNoop: noop.ms });
    rows.push({
      name: `plan ${n} resources (fake provider, no refresh)`,
      figures: {
        yaml_fast_ms: round(yamlFast.ms),
        yaml_full_ms: round(yamlFull.ms),
        yaml_lex_ms: round(lex.ms),
        yaml_lex_via_yaml_lexer_ms: round(lexViaYamlLexer.ms),
        parse_ms: round(parse.ms),
        graph_ms: round(graph.ms),
        plan_all_create_ms: round(create.ms),
        plan_no_changes_ms: round(noop.ms),
        per_resource_us: round((noop.ms * 1000) / n),
      },
    });
  }
  const small = perSize.get(sizes[0]!)!;
  const big = perSize.get(sizes[sizes.length - 1]!)!;
  rows.push({
    name: `growth ${sizes[sizes.length - 1]}/${sizes[0]} (linear = ${sizes[sizes.length - 1]! / sizes[0]!})`,
    figures: { graph_ratio: round(big.graph / small.graph), plan_no_changes_ratio: round(big.planNoop / small.planNoop) },
  });
  return rows;
}

/** An ApplyStore that persists nothing, holding `initial` to begin with: the baseline for the cost of persistence. */
export function memoryStore(initial: readonly ResourceState[] = []): ApplyStore {
  const resources = new Map<string, ResourceState>(initial.map((r) => [r.address, r]));
  let n = 0;
  return {
    getResource: (a) => resources.get(a),
    listResources: () => [...resources.values()],
    beginIntent: async () => String(n++),
    completeIntent: async (_id, o) => {
      if (o.kind === 'applied') resources.set(o.resource.address, o.resource);
      else if (o.kind === 'deleted') resources.delete(o.address);
    },
    setResource: async (r) => void resources.set(r.address, r),
    removeResource: async (a) => resources.delete(a),
    moveResource: async (from, to) => {
      const r = resources.get(from)!;
      resources.delete(from);
      resources.set(to, { ...r, address: to });
    },
    setOutputs: async () => undefined,
  };
}

/** 500 resources in chains of depth 10, 50 ms per provider call: wall time over the critical-path bound. */
export async function benchApplyLatency(n: number, depth: number, latencyMs: number, parallelism: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-lat-'));
  try {
    const project = await load(syntheticConfig(n, depth));
    const provider = new FakeProvider().useWorld(new FakeWorld(), latencyMs);
    const store = await StateStore.open(join(dir, 'homelab.state.json'), {
      hlVersion: 'bench',
      newLineage,
      precompiled: precompiledValidator,
    });
    const plan = planOf(project, store.state, provider);
    // each create is reserve + create: two calls of latencyMs
    const perOp = 2 * latencyMs;
    const bound = Math.max(depth * perOp, Math.ceil(n / parallelism) * perOp);
    const run = await timed(() => applyOnFake(project, plan, store, provider, parallelism));
    await store.checkpoint();
    await store.close();
    return {
      name: `apply ${n} resources, depth ${depth}, ${latencyMs} ms per call, parallelism ${parallelism}`,
      figures: { wall_ms: round(run.ms), critical_path_bound_ms: bound, ratio: round(run.ms / bound) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export { fmtMs };
