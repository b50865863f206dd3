/**
 * Engine benchmarks with the fake provider: graph build and planning for 1k/5k/10k
 * resources (empty state: all creates; full state: all no-ops), apply of 1k/5k creates at
 * zero latency (share of time spent persisting state and journal), and a 500-resource
 * graph at 50 ms per call against its critical-path bound.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyPlan } from '../src/apply/executor.js';
import { silentEvents } from '../src/apply/apply-events.js';
import type { ApplyStore } from '../src/apply/apply-store.js';
import { parseConfig } from '../src/config/parse-config.js';
import { buildConfigGraph } from '../src/graph/build-config-graph.js';
import { projectFromFiles } from '../src/engine/project.js';
import { makePlan } from '../src/plan/planner.js';
import type { Plan } from '../src/plan/plan-types.js';
import { StateStore } from '../src/state/state-store.js';
import { newLineage } from '../src/state/new-lineage.js';
import type { State } from '../src/state/state-types.js';
import { FakeProvider } from '../providers/fake/fake-provider.js';
import { FakeWorld } from '../providers/fake/fake-world.js';
import { fmtMs, timed } from './measure.js';
import { syntheticConfig } from './synthetic-config.js';

export interface BenchRow {
  name: string;
  figures: Record<string, number | string>;
}

function planOf(project: Awaited<ReturnType<typeof load>>, state: State, provider: FakeProvider): Plan {
  const r = makePlan({
    config: project.config,
    graph: project.graph,
    variables: project.variables,
    state,
    dataResults: new Map(),
    providers: new Map([['fake', { schema: provider.getSchema(), providerConfig: {}, planResource: provider.planResource.bind(provider) }]]),
    mode: 'normal',
    targets: [],
    replace: [],
    refresh: false,
    hlVersion: 'bench',
    configHash: project.configHash,
    paths: project.paths,
  });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => d.summary).join('\n'));
  return r.plan;
}

async function load(yaml: string) {
  const r = await projectFromFiles([{ path: 'bench.yaml', text: yaml }], tmpdir(), { vars: [], varFiles: [], env: {} });
  if (!r.project) throw new Error(r.diagnostics.map((d) => d.summary).join('\n'));
  return r.project;
}

/** Graph build and plan time per size, with the growth ratio 10k/1k (linear = 10). */
export async function benchPlanScaling(sizes: number[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const provider = new FakeProvider();
  const perSize = new Map<number, { graph: number; planCreate: number; planNoop: number }>();
  for (const n of sizes) {
    const yaml = syntheticConfig(n, 10);
    const parse = await timed(() => parseConfig([{ path: 'bench.yaml', text: yaml }]));
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
      full.resources.push({ address: c.address, mode: 'managed', type: c.type, name: c.name, index: null, provider: 'fake', id, attributes: attrs as never, sensitivePaths: [], dependencies: c.dependencies, status: 'ready' });
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
      figures: { parse_ms: round(parse.ms), graph_ms: round(graph.ms), plan_all_create_ms: round(create.ms), plan_no_changes_ms: round(noop.ms), per_resource_us: round((noop.ms * 1000) / n) },
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

/** Apply N creates at zero latency; time inside the state store (journal + checkpoints) as a share. */
export async function benchApplyPersistence(n: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-apply-'));
  try {
    const project = await load(syntheticConfig(n, 10));
    const provider = new FakeProvider();
    const store = await StateStore.open(join(dir, 'homelab.state.json'), { hlVersion: 'bench', newLineage, checkpointIntervalMs: 5000 });
    const plan = planOf(project, store.state, provider);
    let storeMs = 0;
    const wrap = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
      const t0 = performance.now();
      try {
        return await f(...a);
      } finally {
        storeMs += performance.now() - t0;
      }
    };
    const measured: ApplyStore = {
      getResource: (a) => store.getResource(a),
      listResources: () => store.listResources(),
      beginIntent: wrap((i) => store.beginIntent(i)),
      completeIntent: wrap((id, o) => store.completeIntent(id, o)),
      setResource: wrap((r) => store.setResource(r)),
      removeResource: wrap((a) => store.removeResource(a)),
      setOutputs: wrap((o) => store.setOutputs(o)),
    };
    const checkpointDuring = setInterval(() => {
      const t0 = performance.now();
      store.checkpointIfDue().then(() => (storeMs += performance.now() - t0), () => undefined);
    }, 1000);
    const run = await timed(() =>
      applyPlan({
        plan,
        config: project.config,
        graph: project.graph,
        variables: project.variables,
        store: measured,
        providers: new Map([['fake', provider]]),
        providerConfigs: new Map([['fake', {}]]),
        parallelism: 10,
        events: silentEvents,
        shouldStop: () => false,
        paths: project.paths,
      }),
    );
    clearInterval(checkpointDuring);
    const fin = await timed(() => store.checkpoint());
    storeMs += fin.ms;
    await store.close();
    const total = run.ms + fin.ms;
    // Concurrent operations wait on the same fsync: the share is time with a store call in flight, an upper bound.
    return {
      name: `apply ${n} creates, zero latency`,
      figures: { wall_ms: round(total), store_ms_summed_over_ops: round(storeMs), final_checkpoint_ms: round(fin.ms), per_create_ms: round(total / n) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 500 resources in chains of depth 10, 50 ms per provider call: wall time over the critical-path bound. */
export async function benchApplyLatency(n: number, depth: number, latencyMs: number, parallelism: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-lat-'));
  try {
    const project = await load(syntheticConfig(n, depth));
    const provider = new FakeProvider().useWorld(new FakeWorld(), latencyMs);
    const store = await StateStore.open(join(dir, 'homelab.state.json'), { hlVersion: 'bench', newLineage });
    const plan = planOf(project, store.state, provider);
    // each create is reserve + create: two calls of latencyMs
    const perOp = 2 * latencyMs;
    const bound = Math.max(depth * perOp, Math.ceil(n / parallelism) * perOp);
    const run = await timed(() =>
      applyPlan({
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
      }),
    );
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
