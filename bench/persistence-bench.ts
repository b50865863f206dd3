/**
 * What persisting state costs an apply, and whether it grows with the state: the same apply
 * of OPS creates (fake provider, chains of 10, parallelism 10, a fixed latency per provider
 * call) against an existing state of N resources, for each N, in-process through the
 * engine's executor and the file state store (state file and journal in a temporary
 * directory on the same disk as the project would be), as `hl apply` does: periodic
 * checkpoints due every 5 s, and a final one.
 *
 * Persistence is what the executor waits for in the store: every call it makes to it
 * (beginIntent, completeIntent, ...) is timed from call to resolution, and the time during
 * which at least one is in flight is summed (overlapping calls count once). That includes the
 * store's own work (encoding, checking and parsing back a record) and the journal's write and
 * fdatasync; it is an upper bound of what persistence costs the apply, since other operations
 * go on meanwhile. Per operation = that time / OPS; the goal on the share of the apply is
 * held against this upper bound. What it costs the apply in wall time is measured too, for
 * reading: the same plan applied with a store that persists nothing (seeded with the same
 * state), and the difference taken as a share of the apply; it is the difference of two
 * noisy wall times (at 20k resources the executor's own O(state) set-up and the garbage
 * collector weigh more than the journal), so it may even come out negative. The checkpoints
 * (periodic and final: the whole state file rewritten, and the journal truncated) are per
 * run, not per operation, and are reported on their own, with their share of the run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ApplyStore } from '../src/apply/apply-store.js';
import { precompiledValidator } from '../src/engine/precompiled-validators.js';
import { newLineage } from '../src/state/new-lineage.js';
import { StateStore } from '../src/state/state-store.js';
import { FakeProvider } from '../providers/fake/fake-provider.js';
import { FakeWorld } from '../providers/fake/fake-world.js';
import { boundFigures } from './bound-check.js';
import { applyOnFake, type BenchRow, load, memoryStore, planOf } from './engine-bench.js';
import { syntheticAppliedState, syntheticConfig } from './synthetic-config.js';

const DEPTH = 10;
const PARALLELISM = 10;
const LINEAGE = '3d6c9a2e-51b8-4f07-a0c4-8e2b7d19f6a3';

/** The goals of issue #24: per-operation persistence flat in state size, and a small share of a 5 ms-per-call apply. */
export const PERSISTENCE_BOUNDS = { perOpGrowth: 1.5, shareAt5Ms: 0.02 };

/** Time during which at least one timed call is in flight (the union of their intervals), and the number of calls. */
export class BusyClock {
  calls = 0;
  busyMs = 0;
  #inFlight = 0;
  #since = 0;

  async time<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#inFlight++ === 0) this.#since = performance.now();
    try {
      return await fn();
    } finally {
      this.calls++;
      if (--this.#inFlight === 0) this.busyMs += performance.now() - this.#since;
    }
  }
}

/** The store as the executor sees it, with every call that writes timed by `clock`. */
export function timedApplyStore(store: ApplyStore, clock: BusyClock): ApplyStore {
  return {
    getResource: (a) => store.getResource(a),
    listResources: () => store.listResources(),
    beginIntent: (i) => clock.time(() => store.beginIntent(i)),
    completeIntent: (id, o, opts) => clock.time(() => store.completeIntent(id, o, opts)),
    setResource: (r) => clock.time(() => store.setResource(r)),
    removeResource: (a) => clock.time(() => store.removeResource(a)),
    moveResource: (f, t) => clock.time(() => store.moveResource(f, t)),
    setOutputs: (o) => clock.time(() => store.setOutputs(o)),
  };
}

export interface PersistenceRun {
  stateSize: number;
  ops: number;
  latencyMs: number;
  /** The apply through the file store, without its checkpoints. */
  applyMs: number;
  storeBusyMs: number;
  storeCalls: number;
  /** The checkpoints made during and after the apply. */
  checkpointMs: number;
  checkpoints: number;
  /** The same apply with a store that persists nothing (seeded with the same state). */
  inMemoryApplyMs: number;
}

/**
 * One apply of `ops` creates against a state of `stateSize` resources, `latencyMs` per
 * provider call, through the file store; then the same plan applied with a store that
 * persists nothing.
 */
export async function persistenceRun(stateSize: number, ops: number, latencyMs: number): Promise<PersistenceRun> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-persist-'));
  try {
    const path = join(dir, 'homelab.state.json');
    writeFileSync(path, syntheticAppliedState(stateSize, DEPTH, LINEAGE).stateFile);
    const project = await load(syntheticConfig(stateSize + ops, DEPTH));
    const store = await StateStore.open(path, { hlVersion: 'bench', newLineage, precompiled: precompiledValidator });
    const initial = store.listResources();
    const plan = planOf(project, store.state, new FakeProvider());
    const creates = plan.changes.filter((c) => c.action === 'create').length;
    const others = plan.changes.filter((c) => c.action !== 'create' && c.action !== 'no-op').length;
    if (creates !== ops || others !== 0) throw new Error(`bench: expected ${ops} creates and nothing else, got ${creates} and ${others}`);

    const clock = new BusyClock();
    let checkpointMs = 0;
    let periodicMs = 0;
    let checkpoints = 0;
    const checkpoint = async (due: boolean): Promise<void> => {
      const t0 = performance.now();
      let done = true;
      if (due) done = await store.checkpointIfDue();
      else await store.checkpoint();
      if (done) {
        const ms = performance.now() - t0;
        checkpointMs += ms;
        if (due) periodicMs += ms;
        checkpoints++;
      }
    };
    // as the engine does (execute-plan.ts): a checkpoint when due, looked at every second, and one at the end
    const timer = setInterval(() => void checkpoint(true).catch(() => undefined), 1000);
    const t0 = performance.now();
    const provider = new FakeProvider().useWorld(new FakeWorld(), latencyMs);
    const result = await applyOnFake(project, plan, timedApplyStore(store, clock), provider, PARALLELISM);
    const applyMs = performance.now() - t0;
    clearInterval(timer);
    await checkpoint(false);
    await store.close();
    if (result.counts.added !== ops) throw new Error(`bench: expected ${ops} creates, made ${result.counts.added}`);

    const memoryProvider = new FakeProvider().useWorld(new FakeWorld(), latencyMs);
    const t1 = performance.now();
    const inMemory = await applyOnFake(project, plan, memoryStore(initial), memoryProvider, PARALLELISM);
    const inMemoryApplyMs = performance.now() - t1;
    if (inMemory.counts.added !== ops) throw new Error(`bench: expected ${ops} creates in memory, made ${inMemory.counts.added}`);
    return {
      stateSize,
      ops,
      latencyMs,
      applyMs: applyMs - periodicMs,
      storeBusyMs: clock.busyMs,
      storeCalls: clock.calls,
      checkpointMs,
      checkpoints,
      inMemoryApplyMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The median of `repeats` runs, figure by figure. */
async function medianRun(stateSize: number, ops: number, latencyMs: number, repeats: number): Promise<PersistenceRun> {
  const runs: PersistenceRun[] = [];
  for (let i = 0; i < repeats; i++) runs.push(await persistenceRun(stateSize, ops, latencyMs));
  const m = (f: (r: PersistenceRun) => number): number => median(runs.map(f));
  return {
    stateSize,
    ops,
    latencyMs,
    applyMs: m((r) => r.applyMs),
    storeBusyMs: m((r) => r.storeBusyMs),
    storeCalls: m((r) => r.storeCalls),
    checkpointMs: m((r) => r.checkpointMs),
    checkpoints: m((r) => r.checkpoints),
    inMemoryApplyMs: m((r) => r.inMemoryApplyMs),
  };
}

/** What persistence costs the apply in wall time: the difference with the in-memory store, as a share of the apply. */
function wallShare(r: PersistenceRun): number {
  return (r.applyMs - r.inMemoryApplyMs) / r.applyMs;
}

/**
 * For each state size: the apply of `ops` creates at `latencyMs` per call (median of
 * `repeats`); then the growth of the per-operation cost between the smallest and the largest
 * state, and its share of the apply at the largest, against the goals.
 */
export async function benchPersistence(sizes: number[], ops = 200, latencyMs = 5, repeats = 3): Promise<BenchRow[]> {
  await persistenceRun(sizes[0]!, ops, latencyMs); // warms the JIT up for the runs that follow
  const runs = new Map<number, PersistenceRun>();
  for (const n of sizes) runs.set(n, await medianRun(n, ops, latencyMs, repeats));
  const rows: BenchRow[] = [];
  for (const r of runs.values()) {
    rows.push({
      name: `apply ${ops} creates into a state of ${r.stateSize} resources, ${latencyMs} ms per call, parallelism ${PARALLELISM}`,
      figures: {
        apply_ms: round(r.applyMs),
        in_memory_apply_ms: round(r.inMemoryApplyMs),
        persist_share_vs_in_memory: round4(wallShare(r)),
        store_calls: r.storeCalls,
        store_busy_ms: round(r.storeBusyMs),
        per_op_persist_us: round((r.storeBusyMs * 1000) / ops),
        store_busy_share: round4(r.storeBusyMs / r.applyMs),
        checkpoints: r.checkpoints,
        checkpoint_ms: round(r.checkpointMs),
        checkpoint_share_of_run: round4(r.checkpointMs / (r.applyMs + r.checkpointMs)),
      },
    });
  }
  const lo = runs.get(sizes[0]!)!;
  const hi = runs.get(sizes[sizes.length - 1]!)!;
  rows.push({
    name: `persistence ${hi.stateSize}/${lo.stateSize} resources in state (flat = 1; linear = ${hi.stateSize / lo.stateSize})`,
    figures: {
      ...boundFigures('per_op_persist_ratio', hi.storeBusyMs / lo.storeBusyMs, PERSISTENCE_BOUNDS.perOpGrowth),
      // the upper bound is held to the goal: the difference of two wall times is within the noise at this size
      ...boundFigures('largest_state_store_busy_share', hi.storeBusyMs / hi.applyMs, PERSISTENCE_BOUNDS.shareAt5Ms),
      largest_state_persist_share_vs_in_memory: round4(wallShare(hi)),
      checkpoint_ratio: round(hi.checkpointMs / lo.checkpointMs),
      method:
        'per op = store busy / ops, store busy = time with a call of the executor into the state store in flight (record ' +
        'encoded, checked, written and fdatasync-ed), overlapping calls once: an upper bound, held to the goal; share vs in ' +
        'memory = (apply with the file store - the same apply with a store persisting nothing) / apply with the file store ' +
        '(negative: within the noise); checkpoints apart (per run: the whole state file rewritten); median of the runs, ' +
        'figure by figure',
    },
  });
  return rows;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
