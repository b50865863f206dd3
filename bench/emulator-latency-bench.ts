/**
 * Refresh against a latency-modelled PVE emulator: `hl plan` (refresh on, no changes) of N
 * guests in a child process, against an emulator process whose API serves `workers` requests
 * at once and no request faster than `latencyMs` (request-workers.ts; pveproxy has 3 workers).
 *
 * The bound comes from the model and the emulator's own count of the requests it served
 * during the plan, R: no schedule serves R requests, each holding one of W workers for at
 * least L, in less than ceil(R / W) x L. The plan's own work (start-up, parsing, planning) is
 * left out of the bound, so the bound is a true lower limit (it is reported beside it, measured
 * without refresh, as context). A ratio below 1, or the emulator seeing more than W requests
 * served at once, means the model was violated: the bench throws.
 */
import { rmSync } from 'node:fs';
import type { ServerStats } from '../providers/pve/emulator/start-emulator.js';
import { prepareEmulatorScenario } from './emulator-bench.js';
import type { BenchRow } from './engine-bench.js';
import { boundFigures } from './bound-check.js';
import { runHlChild } from './hl-child.js';

/** Issue #24: a refresh within 1.2 of the model's lower bound. */
export const REFRESH_GOAL = 1.2;

/** The latency model of the refresh benchmark: issue #24's 20 ms per request, pveproxy's 3 workers. */
export const REFRESH_MODEL = { latencyMs: 20, workers: 3 } as const;

async function control(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/_emulator${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`emulator control ${method} ${path}: HTTP ${res.status}`);
  return res.json();
}

/**
 * What the emulator's counts say beside the bound: the mean time a request held a worker (the
 * model's latency plus the emulator's own work and late timers on a loaded machine) and the
 * share of the run the workers were busy (at most 1: below it, hl left the server idle).
 */
export function serverFigures(stats: ServerStats, workers: number, wallMs: number): Record<string, number> {
  return {
    mean_service_ms: stats.served > 0 ? Math.round((stats.busyMs / stats.served) * 100) / 100 : 0,
    server_busy_share: Math.round((stats.busyMs / (workers * wallMs)) * 1000) / 1000,
    max_served_at_once: stats.maxConcurrent,
    max_queue_length: stats.maxQueueLength,
  };
}

/** Sets the emulator's latency model (the fault settings are replaced) and starts its counts again. */
export async function setModel(url: string, model: { latencyMs: number; workers: number; taskDurationMs?: number }): Promise<void> {
  await control(url, 'POST', '/faults', model);
  await control(url, 'DELETE', '/stats');
}

export async function serverStats(url: string): Promise<ServerStats> {
  return (await control(url, 'GET', '/stats')) as ServerStats;
}

/**
 * Throws when the emulator's counts show the model was not kept (more requests served at once
 * than its workers), or when a wall time came out below a bound computed from the model.
 */
export function checkModelKept(what: string, stats: ServerStats, workers: number, wallMs: number, boundMs: number): void {
  if (stats.maxConcurrent > workers)
    throw new Error(
      `${what}: the emulator served ${stats.maxConcurrent} requests at once with ${workers} workers: the latency model is broken`,
    );
  if (wallMs < boundMs)
    throw new Error(
      `${what}: ${Math.round(wallMs)} ms is below the bound of ${Math.round(boundMs)} ms computed from the latency model (ratio ${(wallMs / boundMs).toFixed(3)}): the model was violated or the bound is wrong`,
    );
}

/** One `hl plan` with refresh of `n` guests against the modelled emulator, with its bound. */
export async function benchRefreshLatency(n: number, model: { latencyMs: number; workers: number } = REFRESH_MODEL): Promise<BenchRow> {
  const { dir, emulator } = await prepareEmulatorScenario(n);
  try {
    // The plan's own work, without the server: context for the ratio, not part of the bound.
    const local = await runHlChild(['plan', '--refresh=false', '--detailed-exitcode'], dir);
    await setModel(emulator.url, model);
    const run = await runHlChild(['plan', '--detailed-exitcode'], dir);
    const stats = await serverStats(emulator.url);
    if (local.code !== 0 || run.code !== 0)
      throw new Error(`expected no changes at ${n} guests: ${run.stdout.slice(-1500)}\n${run.stderr.slice(0, 1500)}`);
    const bound = Math.ceil(stats.served / model.workers) * model.latencyMs;
    const what = `refresh of ${n} guests`;
    checkModelKept(what, stats, model.workers, run.ms, bound);
    return {
      name: `plan with refresh of ${n} guests, emulator at ${model.latencyMs} ms per request with ${model.workers} workers`,
      figures: {
        wall_ms: Math.round(run.ms),
        requests: stats.served,
        requests_per_guest: Math.round((stats.served / n) * 100) / 100,
        model_bound_ms: bound,
        // the goal of issue #24: within 1.2 of the model's bound (below 1 the bench has thrown)
        ...boundFigures('ratio_to_model', run.ms / bound, REFRESH_GOAL),
        plan_without_refresh_ms: Math.round(local.ms),
        ...serverFigures(stats, model.workers, run.ms),
      },
    };
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
