/**
 * The state backends compared: the same N-create apply with the fake provider at zero
 * latency, in-process through the engine's executor, once with the file backend (state
 * file and journal in a temporary directory) and once with the PostgreSQL backend (a fresh
 * database on HL_TEST_PG_URL's server, or on a throwaway cluster of
 * scripts/pg-test-cluster.sh started for the bench and stopped after). Each run opens the
 * backend, takes its exclusive lock and opens the store on the backend's persistence, as
 * `hl apply` does; the timed part is the apply and its final checkpoint.
 *
 * Persistence is measured two ways, and labelled so:
 * - busy: the persistence is wrapped, and the time during which at least one of its calls
 *   (append, checkpoint) is in flight is summed (overlapping calls count once). It is an
 *   upper bound of what persistence costs the apply: the executor keeps working meanwhile.
 * - vs in-memory: the same apply with a store that persists nothing; the difference in wall
 *   time, as a share of the backend's wall time.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { ApplyStore } from '../src/apply/apply-store.js';
import type { PgBackendSettings } from '../src/backend/backend-settings.js';
import { FileBackend } from '../src/backend/file-backend.js';
import { openBackend } from '../src/backend/open-backend.js';
import type { StateBackend } from '../src/backend/state-backend.js';
import { precompiledValidator } from '../src/engine/precompiled-validators.js';
import { newLineage } from '../src/state/new-lineage.js';
import type { StatePersistence } from '../src/state/state-persistence.js';
import { StateStore } from '../src/state/state-store.js';
import { FakeProvider } from '../providers/fake/fake-provider.js';
import { applyOnFake, type BenchRow, load, memoryStore, planOf } from './engine-bench.js';
import { timed } from './measure.js';
import { syntheticConfig } from './synthetic-config.js';

const CLUSTER_SCRIPT = fileURLToPath(new URL('../../scripts/pg-test-cluster.sh', import.meta.url));

/** Time during which a persistence call is in flight (the union of the calls' intervals), and the number of calls. */
class PersistenceClock {
  calls = 0;
  busyMs = 0;
  #inFlight = 0;
  #since = 0;

  reset(): void {
    this.calls = 0;
    this.busyMs = 0;
  }

  async time<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#inFlight++ === 0) this.#since = performance.now();
    try {
      return await fn();
    } finally {
      const t1 = performance.now();
      this.calls++;
      if (--this.#inFlight === 0) this.busyMs += t1 - this.#since;
    }
  }
}

/** The persistence with its writes timed (`exclusive` only waits for appends, which are timed). */
function timedPersistence(p: StatePersistence, clock: PersistenceClock): StatePersistence {
  return {
    location: p.location,
    journalLocation: p.journalLocation,
    load: (validate) => clock.time(() => p.load(validate)),
    openForWriting: (loaded, header) => clock.time(() => p.openForWriting(loaded, header)),
    append: (line) => clock.time(() => p.append(line)),
    exclusive: (fn) => p.exclusive(fn),
    checkpoint: (next, lines, meta) => clock.time(() => p.checkpoint(next, lines, meta)),
    close: () => p.close(),
  };
}

interface ApplyFigures {
  wallMs: number;
  busyMs: number;
  calls: number;
}

async function applyOn(backend: StateBackend, n: number): Promise<ApplyFigures> {
  const project = await load(syntheticConfig(n, 10));
  const lock = await backend.lock({ operation: 'apply', version: 'bench', mode: 'exclusive', timeoutMs: 0 });
  const clock = new PersistenceClock();
  try {
    const store = await StateStore.openOn(timedPersistence(backend.persistence(), clock), {
      hlVersion: 'bench',
      newLineage,
      checkpointIntervalMs: 5000,
      precompiled: precompiledValidator,
    });
    const provider = new FakeProvider();
    const plan = planOf(project, store.state, provider);
    clock.reset();
    // as the engine does: a checkpoint every 5 s at most while the apply runs, and one at the end
    const timer = setInterval(() => void store.checkpointIfDue().catch(() => undefined), 1000);
    const run = await timed(async () => {
      const r = await applyOnFake(project, plan, store, provider);
      await store.checkpoint();
      return r;
    });
    clearInterval(timer);
    const figures = { wallMs: run.ms, busyMs: clock.busyMs, calls: clock.calls };
    await store.close();
    if (store.state.resources.length !== n) throw new Error(`bench: expected ${n} resources in state, got ${store.state.resources.length}`);
    return figures;
  } finally {
    await lock.release();
  }
}

async function applyInMemory(n: number): Promise<number> {
  const project = await load(syntheticConfig(n, 10));
  const provider = new FakeProvider();
  const plan = planOf(project, { version: 1, lineage: newLineage(), serial: 0, hlVersion: 'bench', resources: [], outputs: {} }, provider);
  const store: ApplyStore = memoryStore();
  const run = await timed(() => applyOnFake(project, plan, store, provider));
  return run.ms;
}

/** A PostgreSQL server: HL_TEST_PG_URL's, or a throwaway cluster stopped by `stop`. */
function pgServer(): { url: string; how: string; stop(): void } {
  const given = process.env.HL_TEST_PG_URL;
  if (given) return { url: given, how: "HL_TEST_PG_URL's server", stop: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-pg-'));
  execFileSync('bash', [CLUSTER_SCRIPT, 'start', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = /^HL_TEST_PG_URL=(.*)$/m.exec(readFileSync(join(dir, 'env'), 'utf8'))?.[1];
  const stop = (): void => void execFileSync('bash', [CLUSTER_SCRIPT, 'stop', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!url) {
    stop();
    throw new Error(`scripts/pg-test-cluster.sh start ${dir} wrote no HL_TEST_PG_URL`);
  }
  return { url, how: 'a throwaway cluster of scripts/pg-test-cluster.sh', stop };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An N-create apply with the file backend and with the pg backend: wall times, their ratio, persistence shares. */
export async function benchBackends(n: number): Promise<BenchRow[]> {
  await applyInMemory(n); // warms the JIT up for the runs that follow
  const mem = await applyInMemory(n);
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-backend-'));
  let file: ApplyFigures;
  try {
    const backend = new FileBackend(join(dir, 'homelab.state.json'), 'default');
    try {
      file = await applyOn(backend, n);
    } finally {
      await backend.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const server = pgServer();
  let pgFigures: ApplyFigures;
  try {
    const name = `hl_bench_${randomBytes(6).toString('hex')}`;
    await admin(server.url, `CREATE DATABASE "${name}"`);
    try {
      const url = new URL(server.url);
      url.pathname = `/${name}`;
      const settings: PgBackendSettings = { type: 'pg', connStr: url.toString(), schema: 'hl', insecurePlaintext: false };
      const backend = await openBackend(settings, 'default', process.env);
      try {
        pgFigures = await applyOn(backend, n);
      } finally {
        await backend.close();
      }
    } finally {
      await admin(server.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    server.stop();
  }

  const row = (label: string, f: ApplyFigures): BenchRow => ({
    name: `apply ${n} creates, zero latency, ${label}`,
    figures: {
      wall_ms: round(f.wallMs),
      persist_busy_ms: round(f.busyMs),
      persist_busy_share: round(f.busyMs / f.wallMs),
      persist_calls: f.calls,
      wall_in_memory_ms: round(mem),
      persist_share_vs_in_memory: round((f.wallMs - mem) / f.wallMs),
    },
  });
  return [
    row('file backend', file),
    row(`pg backend (PostgreSQL: ${server.how})`, pgFigures),
    {
      name: 'pg/file',
      figures: {
        wall_ratio: round(pgFigures.wallMs / file.wallMs),
        persist_busy_ratio: round(pgFigures.busyMs / file.busyMs),
        method:
          'persist_busy = time with a persistence call (append, checkpoint) in flight, overlapping calls once; ' +
          'share_vs_in_memory = (wall - wall of the same apply with a store persisting nothing) / wall',
      },
    },
  ];
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
