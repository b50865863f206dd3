/**
 * `hl watch`: continuous reconciliation. Loads the config (and its policy rules), then runs
 * a cycle (watch-cycle.ts) every interval with jitter, longer after failed cycles
 * (watch-schedule.ts), until asked to stop; with `once`, runs one cycle. A reload (SIGHUP)
 * loads the config again before the next cycle, which starts at once: an invalid config is
 * reported and the last good one kept. A stop (SIGTERM, SIGINT) starts no new cycle and no
 * new operation; an apply in flight finishes the operations it started, and the locks are
 * released as every run releases them. Prints nothing: everything goes through the events.
 */
import type { VariableSources } from '../project-variables.js';
import { loadPlanInputs, type PlanInputs } from '../plan-in-workspace.js';
import type { WorkspaceOptions } from '../workspace.js';
import { runWatchCycle } from './watch-cycle.js';
import type { WatchEvents } from './watch-events.js';
import type { WatchMetricsSink } from './watch-metrics.js';
import { nextWaitMs, type WatchSchedule } from './watch-schedule.js';

/** What the process asks of the watcher: stop (SIGTERM, SIGINT) or reload the config (SIGHUP). */
export type WatchSignal = 'stop' | 'reload';

export interface WatchOptions extends WatchSchedule {
  workspace: WorkspaceOptions;
  /** The config file or directory (-c). */
  config: string;
  variables: VariableSources;
  /** A policy file besides the config's policies (--policy). */
  policy?: string;
  parallelism: number;
  /** One cycle, then return (--once). */
  once: boolean;
  /** Registers for the process's signals; returns a function that removes the handler. */
  onSignal(handler: (signal: WatchSignal) => void): () => void;
  /** Told of every cycle and reload (the metrics the status server shows). */
  metrics?: WatchMetricsSink;
  /** The clock (ms since the epoch); Date.now by default. */
  now?: () => number;
}

export interface WatchOutcome {
  /** How it ended: stopped when asked (or, with once, after its cycle); config: the first load failed. */
  reason: 'stopped' | 'once' | 'config';
  /** With once: whether the cycle went well (converged, or everything reported). */
  ok: boolean;
  cycles: number;
}

export async function watchOperation(opts: WatchOptions, events: WatchEvents): Promise<WatchOutcome> {
  const now = opts.now ?? Date.now;
  const load = async (): Promise<PlanInputs | undefined> => {
    const loaded = await loadPlanInputs(opts, events);
    if (!loaded) return undefined;
    events.diagnostics(loaded.diagnostics, { files: loaded.project.files });
    return { ...loaded, diagnostics: [] };
  };
  let inputs = await load();
  if (!inputs) return { reason: 'config', ok: false, cycles: 0 };

  let stopRequested = false;
  let reloadRequested = false;
  let wake: (() => void) | undefined;
  const stopHandlers = new Set<() => void>();
  const removeSignal = opts.onSignal((signal) => {
    if (signal === 'reload') reloadRequested = true;
    else if (!stopRequested) {
      stopRequested = true;
      events.watch({ level: 'info', event: 'stopping', fields: { applying: stopHandlers.size > 0 } });
      for (const h of stopHandlers) h();
    }
    wake?.();
  });
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  events.watch({
    level: 'info',
    event: 'watch_start',
    fields: { interval_ms: opts.intervalMs, max_backoff_ms: opts.maxBackoffMs, once: opts.once },
  });
  let cycles = 0;
  let failures = 0;
  try {
    for (;;) {
      if (reloadRequested && !stopRequested) {
        reloadRequested = false;
        const reloaded = await load();
        opts.metrics?.configReloaded(reloaded !== undefined);
        if (reloaded) {
          inputs = reloaded;
          events.watch({ level: 'info', event: 'config_reloaded', fields: { config: opts.config } });
        } else
          events.watch({ level: 'error', event: 'config_reload_failed', fields: { config: opts.config, kept: 'the last good config' } });
      }
      if (stopRequested) break;
      cycles++;
      opts.metrics?.cycleStarted();
      events.watch({ level: 'info', event: 'cycle_start', fields: { cycle: cycles } });
      const s = await runWatchCycle(
        inputs,
        {
          workspace: opts.workspace,
          parallelism: opts.parallelism,
          onStop: (h) => {
            stopHandlers.add(h);
            return () => stopHandlers.delete(h);
          },
          stopRequested: () => stopRequested,
          now,
        },
        events,
      );
      opts.metrics?.cycleEnded({
        ok: s.ok,
        durationMs: s.durationMs,
        ...(s.driftedByKind ? { drifted: s.driftedByKind } : {}),
        applied: s.applied,
        reported: s.reported,
        failed: s.failed,
        at: s.at,
      });
      failures = s.ok ? 0 : failures + 1;
      events.watch({
        level: s.ok ? 'info' : 'error',
        event: 'cycle_end',
        fields: {
          cycle: cycles,
          ok: s.ok,
          duration_ms: s.durationMs,
          drifted: s.drifted,
          applied: s.applied,
          reported: s.reported,
          failed: s.failed,
        },
      });
      if (opts.once) return { reason: 'once', ok: s.ok, cycles };
      if (stopRequested) break;
      const wait = nextWaitMs(opts, failures);
      if (failures > 0)
        events.watch({ level: 'warn', event: 'backoff', fields: { failures, wait_ms: wait, why: 'the last cycle failed' } });
      await sleep(wait);
    }
  } finally {
    removeSignal();
  }
  events.watch({ level: 'info', event: 'stopped', fields: { cycles } });
  return { reason: 'stopped', ok: true, cycles };
}
