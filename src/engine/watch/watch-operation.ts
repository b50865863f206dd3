/**
 * `hl watch`: continuous reconciliation. Loads the config (and its policy rules), then runs
 * a cycle (watch-cycle.ts) every interval with jitter, longer after failed cycles
 * (watch-schedule.ts), until asked to stop; with `once`, runs one cycle. A reload (SIGHUP, or
 * with `reloadOnChange` a change of the config's files) loads the config again before the
 * next cycle, which starts at once: an invalid config is reported and the last good one kept
 * (and not tried again until the files change again). A stop (SIGTERM, SIGINT) starts no new cycle and no
 * new operation; an apply in flight finishes the operations it started, and the locks are
 * released as every run releases them. With `heartbeat`, a heartbeat after each cycle
 * (watch-heartbeat.ts). Prints nothing: everything goes through the events.
 */
import type { VariableSources } from '../project-variables.js';
import { loadPlanInputs, type PlanInputs } from '../plan-in-workspace.js';
import type { WorkspaceOptions } from '../workspace.js';
import { watchConfigChanges, type ConfigChangeWatch } from './config-change-watch.js';
import { changedSince, configScope, takeConfigSnapshot, type ConfigSnapshot } from './config-snapshot.js';
import { runWatchCycle } from './watch-cycle.js';
import type { WatchEvents } from './watch-events.js';
import { startHeartbeat } from './watch-heartbeat.js';
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
  /**
   * Reload when the config's files change (config-snapshot.ts): watched between cycles
   * (config-change-watch.ts) and compared before each cycle.
   */
  reloadOnChange?: boolean;
  /** Told of every cycle and reload (the metrics the status server shows). */
  metrics?: WatchMetricsSink;
  /** The clock (ms since the epoch); Date.now by default. */
  now?: () => number;
  /** The address of a monitor hl manages to send a heartbeat to after each cycle (--heartbeat). */
  heartbeat?: string;
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
  let stopRequested = false;
  let reloadRequested = false;
  let wake: (() => void) | undefined;
  let snapshot: ConfigSnapshot | undefined;
  let changeWatch: ConfigChangeWatch | undefined;
  let changedFiles: string[] = [];
  const filesChanged = (): boolean => {
    if (reloadRequested || !snapshot) return reloadRequested;
    changedFiles = changedSince(snapshot);
    if (changedFiles.length > 0) reloadRequested = true;
    return reloadRequested;
  };
  // before a load, what the files hold (so a change made while loading is seen after it); after it, watch what was loaded
  const before = (current: PlanInputs | undefined): ConfigSnapshot | undefined =>
    opts.reloadOnChange ? takeConfigSnapshot(configScope(opts.config, current?.project.files ?? [], opts.policy)) : undefined;
  const track = (pre: ConfigSnapshot | undefined, loaded: PlanInputs): void => {
    if (!pre) return;
    const scope = configScope(opts.config, loaded.project.files, opts.policy);
    snapshot = takeConfigSnapshot(scope, pre);
    changeWatch?.close();
    changeWatch = watchConfigChanges(scope, () => {
      if (filesChanged()) wake?.();
    });
  };

  const first = before(undefined);
  let inputs = await load();
  if (!inputs) return { reason: 'config', ok: false, cycles: 0 };
  const heartbeat = opts.heartbeat === undefined ? undefined : await startHeartbeat({ ...opts, address: opts.heartbeat }, inputs, events);
  if (opts.heartbeat !== undefined && !heartbeat) return { reason: 'config', ok: false, cycles: 0 };
  track(first, inputs);

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
  let failingBefore: string[] = [];
  try {
    for (;;) {
      if (!stopRequested) filesChanged();
      if (reloadRequested && !stopRequested) {
        reloadRequested = false;
        if (changedFiles.length > 0) events.watch({ level: 'info', event: 'config_changed', fields: { files: changedFiles } });
        changedFiles = [];
        const pre = before(inputs);
        const reloaded = await load();
        opts.metrics?.configReloaded(reloaded !== undefined);
        if (reloaded) {
          inputs = reloaded;
          events.watch({ level: 'info', event: 'config_reloaded', fields: { config: opts.config } });
        } else
          events.watch({ level: 'error', event: 'config_reload_failed', fields: { config: opts.config, kept: 'the last good config' } });
        track(pre, inputs);
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
      for (const key of failingBefore) if (!s.failingProviders.includes(key)) opts.metrics?.providerFailing(key, false);
      for (const key of s.failingProviders) opts.metrics?.providerFailing(key, true);
      failingBefore = s.failingProviders;
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
          ...(s.failingProviders.length > 0 ? { failing_providers: s.failingProviders } : {}),
        },
      });
      await heartbeat?.afterCycle(s, cycles, inputs);
      if (opts.once) return { reason: 'once', ok: s.ok, cycles };
      if (stopRequested) break;
      const wait = nextWaitMs(opts, failures);
      if (failures > 0)
        events.watch({
          level: 'warn',
          event: 'backoff',
          fields: {
            failures,
            wait_ms: wait,
            why:
              s.failingProviders.length > 0
                ? `provider ${s.failingProviders.join(', ')} could not be reached or configured`
                : 'the last cycle failed',
          },
        });
      // a reload asked for during the cycle (SIGHUP, files changed) does not wait an interval
      if (!filesChanged()) await sleep(wait);
    }
  } finally {
    removeSignal();
    changeWatch?.close();
  }
  events.watch({ level: 'info', event: 'stopped', fields: { cycles } });
  return { reason: 'stopped', ok: true, cycles };
}
