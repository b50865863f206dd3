/**
 * Apply of a 500-container graph against the Proxmox emulator (in its own process) under its
 * latency model (20 ms per request, 3 workers as pveproxy, tasks of 200 ms), chains of the
 * given depth, through the real provider and executor. The bound is computed from the model
 * and from the requests one create makes, counted by the emulator (applyBound); a wall time
 * below it means the model was violated, and the bench throws.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyPlan } from '../src/apply/executor.js';
import { silentEvents } from '../src/apply/apply-events.js';
import { projectFromFiles } from '../src/engine/project.js';
import { makePlan } from '../src/plan/planner.js';
import { newLineage } from '../src/state/new-lineage.js';
import { StateStore } from '../src/state/state-store.js';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET, type RecordedRequest } from '../providers/pve/emulator/start-emulator.js';
import { ProxmoxProvider } from '../providers/proxmox/proxmox-provider.js';
import { startEmulatorProcess } from './emulator-bench.js';
import { checkModelKept, serverFigures, serverStats, setModel } from './emulator-latency-bench.js';
import type { BenchRow } from './engine-bench.js';
import { plannerOf } from '../src/plan/planner-provider.js';
import { precompiledValidator } from '../src/engine/precompiled-validators.js';
import { boundFigures } from './bound-check.js';

/** Issue #24: an apply within 1.15 of the model's lower bound. */
export const APPLY_GOAL = 1.15;

export function containers(n: number, depth: number, offset: number): string {
  const lines = ['resources:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  proxmox_lxc.c${i}:`,
      '    node: pumped-piglet',
      `    hostname: c${offset + i}`,
      '    ostemplate: local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz',
    );
    lines.push('    unprivileged: true', '    memory: 256', '    rootfs: { storage: local-zfs, size: 1G }', '    started: false');
    if (i % depth > 0) lines.push(`    description: "after \${proxmox_lxc.c${i - 1}.id}"`);
  }
  return lines.join('\n') + '\n';
}

export async function applyOnce(url: string, dir: string, yaml: string, parallelism: number): Promise<number> {
  const project = (await projectFromFiles([{ path: 'bench.yaml', text: yaml }], dir, { vars: [], varFiles: [], env: {} })).project!;
  const provider = new ProxmoxProvider();
  const providerConfig = { endpoint: url, token_id: DEFAULT_TOKEN_ID, token_secret: DEFAULT_TOKEN_SECRET };
  await provider.configure({ config: providerConfig, configDir: dir, workDir: dir });
  const store = await StateStore.open(join(dir, `state-${Math.random().toString(36).slice(2)}.json`), {
    hlVersion: 'bench',
    newLineage,
    precompiled: precompiledValidator,
  });
  const r = makePlan({
    config: project.config,
    graph: project.graph,
    variables: project.variables,
    state: store.state,
    dataResults: new Map(),
    providers: new Map([['proxmox', plannerOf(provider, providerConfig)]]),
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
  const t0 = performance.now();
  const result = await applyPlan({
    plan: r.plan,
    config: project.config,
    graph: project.graph,
    variables: project.variables,
    store,
    providers: new Map([['proxmox', provider]]),
    providerConfigs: new Map([['proxmox', providerConfig]]),
    parallelism,
    events: silentEvents,
    shouldStop: () => false,
    paths: project.paths,
  });
  const ms = performance.now() - t0;
  await store.checkpoint();
  await store.close();
  await provider.close?.();
  if (result.counts.failed > 0)
    throw new Error(
      `bench apply failed: ${result.diagnostics
        .map((d) => d.summary)
        .slice(0, 3)
        .join('; ')}`,
    );
  return ms;
}

/** The latency model of the apply benchmark: the refresh's 20 ms and 3 workers, tasks of 200 ms. */
export const APPLY_MODEL = { latencyMs: 20, workers: 3, taskDurationMs: 200 } as const;

const TASK_STATUS = '/nodes/{node}/tasks/{upid}/status';

async function requestLog(url: string): Promise<RecordedRequest[]> {
  return (await (await fetch(`${url}/_emulator/requests`)).json()) as RecordedRequest[];
}

async function clearRequestLog(url: string): Promise<void> {
  await fetch(`${url}/_emulator/requests`, { method: 'DELETE' });
}

/**
 * The longest sequence of requests each sent after the one before it was answered: the
 * depth of the call chain. Calls a create makes together (Promise.all) are sent in one tick
 * and each is held at least the model's latency, so they always overlap and count once.
 */
export function chainDepth(log: readonly RecordedRequest[]): number {
  const byEnd = [...log].sort((a, b) => a.time + a.durationMs - (b.time + b.durationMs));
  let depth = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const r of byEnd) {
    if (r.time < end) continue;
    depth++;
    end = r.time + r.durationMs;
  }
  return depth;
}

interface CreateCost {
  /** Requests a create makes besides task status polls. */
  calls: number;
  /** Tasks it waits for (distinct UPIDs polled). */
  tasks: number;
  /** Its chain of requests, polls left out. */
  depth: number;
  /** Task status polls it made alone (at least one per task). */
  polls: number;
}

function costOf(log: readonly RecordedRequest[]): CreateCost {
  const polls = log.filter((r) => r.route === TASK_STATUS);
  const others = log.filter((r) => r.route !== TASK_STATUS);
  return { calls: others.length, tasks: new Set(polls.map((r) => r.path)).size, depth: chainDepth(others), polls: polls.length };
}

/**
 * The requests one create makes, one-time costs left out (the version, the cluster's tag
 * style, a first listing): a fresh provider applies one create, then another fresh provider
 * two creates in a chain; the difference is one create's.
 */
async function measureCreate(url: string, dir: string): Promise<CreateCost & { oneCreateMs: number }> {
  await clearRequestLog(url);
  const oneCreateMs = await applyOnce(url, dir, containers(1, 1, 100_000), 1);
  const one = costOf(await requestLog(url));
  await clearRequestLog(url);
  await applyOnce(url, dir, containers(2, 2, 100_010), 1);
  const two = costOf(await requestLog(url));
  return {
    calls: two.calls - one.calls,
    tasks: two.tasks - one.tasks,
    depth: two.depth - one.depth,
    polls: two.polls - one.polls,
    oneCreateMs,
  };
}

/**
 * The apply's lower bound from the model, for N creates in chains of `depth` with the
 * executor's parallelism P, against W workers at L per request and tasks of D:
 * - one create takes at least C = chain x L + tasks x (D - 1 + L): its calls one after the
 *   other, and for each task, after the request that started it was held, the task's time
 *   and one status poll that finds it stopped (1 ms off D: a Node timer may fire that early);
 * - the graph: max(depth, ceil(N / P)) creates one after another in some executor slot;
 * - the server: each create needs calls + tasks requests (a poll per task at least), each
 *   holding one of W workers for L: ceil(N x (calls + tasks) / W) x L.
 * The bound is the larger; both are limits no schedule can beat.
 */
export function applyBound(
  n: number,
  depth: number,
  parallelism: number,
  model: { latencyMs: number; workers: number; taskDurationMs: number },
  create: CreateCost,
): { boundMs: number; kind: 'critical path' | 'server'; createMs: number } {
  const L = model.latencyMs;
  const createMs = create.depth * L + create.tasks * (model.taskDurationMs - 1 + L);
  const path = Math.max(depth, Math.ceil(n / parallelism)) * createMs;
  const server = Math.ceil((n * (create.calls + create.tasks)) / model.workers) * L;
  return server > path ? { boundMs: server, kind: 'server', createMs } : { boundMs: path, kind: 'critical path', createMs };
}

export async function benchEmulatorApply(
  n: number,
  depth: number,
  parallelism: number,
  model: { latencyMs: number; workers: number; taskDurationMs: number } = APPLY_MODEL,
): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-apply-pve-'));
  const emulator = await startEmulatorProcess(join(dir, 'world.json'), dir);
  try {
    await setModel(emulator.url, model);
    const create = await measureCreate(emulator.url, dir);
    if (create.calls <= 0 || create.tasks <= 0 || create.depth <= 0)
      throw new Error(`could not measure one create's requests: ${JSON.stringify(create)}`);
    await clearRequestLog(emulator.url);
    await setModel(emulator.url, model);
    const wall = await applyOnce(emulator.url, dir, containers(n, depth, 0), parallelism);
    const stats = await serverStats(emulator.url);
    const log = await requestLog(emulator.url);
    const polls = log.filter((r) => r.route === TASK_STATUS).length;
    const bound = applyBound(n, depth, parallelism, model, create);
    checkModelKept(`apply of ${n} containers`, stats, model.workers, wall, bound.boundMs);
    return {
      name: `apply ${n} containers against the PVE emulator, depth ${depth}, parallelism ${parallelism}, ${model.latencyMs} ms per request with ${model.workers} workers, ${model.taskDurationMs} ms tasks`,
      figures: {
        wall_ms: Math.round(wall),
        model_bound_ms: bound.boundMs,
        model_bound_kind: bound.kind,
        // the goal of issue #24: within 1.15 of the model's bound (below 1 the bench has thrown)
        ...boundFigures('ratio_to_model', wall / bound.boundMs, APPLY_GOAL),
        create_calls: create.calls,
        create_tasks: create.tasks,
        create_chain: create.depth,
        create_bound_ms: bound.createMs,
        one_create_ms: Math.round(create.oneCreateMs),
        requests: stats.served,
        status_polls: polls,
        polls_per_task: Math.round((polls / (n * create.tasks)) * 100) / 100,
        ...serverFigures(stats, model.workers, wall),
      },
    };
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
