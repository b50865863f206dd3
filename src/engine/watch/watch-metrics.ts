/**
 * What `hl watch` tells the outside about itself: its Prometheus metrics (`hl_watch_*`, in a
 * registry of its own, never prom-client's global one) and its health, which the status server
 * (`status-server.ts`) answers on `/metrics` and `/healthz`.
 *
 * The loop codes against `WatchMetricsSink`: `WatchMetrics.create()` when a listener is asked
 * for (it loads prom-client with `await import`, so nothing of it is loaded at import time or
 * when no listener runs), `NO_WATCH_METRICS` otherwise.
 *
 * Health: the watcher is healthy while its last cycle succeeded or fewer than
 * `failureThreshold` (default 3) cycles in a row have failed. Before its first successful
 * cycle it is healthy during a start-up grace period (`startupGraceMs`, default 5 minutes, long
 * enough for a first refresh of a whole homelab; the loop may pass about two intervals plus a
 * cycle's time instead) and unhealthy after it. With `staleAfterMs` set, a watcher whose last
 * success is older than that (a cycle hung on a provider) is unhealthy too. The reasons are
 * made here from counts and provider keys only: no error text reaches an answer, so no secret
 * can.
 */
import type * as PromClient from 'prom-client';
import { HL_VERSION } from '../../version.js';

/** What one reconcile cycle did, as the loop reports it when the cycle ends. */
export interface WatchCycleOutcome {
  /** The cycle refreshed and planned, and every apply it attempted succeeded. */
  ok: boolean;
  durationMs: number;
  /**
   * Drifted resources the cycle's plan found, by plan action (`update`, `replace`, `delete`,
   * `create`, ...). Omitted when the cycle got no plan (refresh failed): the last counts stay.
   */
  drifted?: Readonly<Record<string, number>>;
  /** Changes applied this cycle. */
  applied: number;
  /** Changes found but only reported (policy `report`, or creates and destroys not allowed). */
  reported: number;
  /** Changes whose apply failed this cycle. */
  failed: number;
  /** When the cycle ended, epoch ms. */
  at: number;
}

export interface WatchHealth {
  ok: boolean;
  /** The end of the last successful cycle, epoch ms. */
  lastSuccessAt?: number;
  consecutiveFailures: number;
  /** Why it is unhealthy; set only when `ok` is false. */
  reason?: string;
  /** Providers the loop has said are failing, by key, sorted. */
  failingProviders: string[];
}

/** The calls the watch loop makes, whether a listener runs or not. */
export interface WatchMetricsSink {
  cycleStarted(): void;
  cycleEnded(outcome: WatchCycleOutcome): void;
  /** A provider (by its key, e.g. `proxmox.pve`) started or stopped failing. */
  providerFailing(key: string, failing: boolean): void;
  /** A config reload was accepted (`true`) or refused, the last good config kept (`false`). */
  configReloaded(ok: boolean): void;
  /** `now` in epoch ms. */
  health(now: number): WatchHealth;
  /** The Prometheus text exposition of every `hl_watch_*` metric. */
  metricsText(): Promise<string>;
  /** The content type of `metricsText()`. */
  readonly metricsContentType: string;
}

export interface WatchMetricsOptions {
  /** When the watcher started, epoch ms (default: now). */
  startedAt?: number;
  /** Consecutive failed cycles at which the watcher is unhealthy (default 3). */
  failureThreshold?: number;
  /** How long the watcher may run without a successful cycle before it is unhealthy (default 5 min). */
  startupGraceMs?: number;
  /** Unhealthy when the last success is older than this (default: never). */
  staleAfterMs?: number;
}

export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_STARTUP_GRACE_MS = 5 * 60_000;

/** Seconds; a cycle is a refresh and a plan (seconds) and sometimes applies (minutes). */
const DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export class WatchMetrics implements WatchMetricsSink {
  /** Loads prom-client and builds the registry with every metric at its zero. */
  static async create(options: WatchMetricsOptions = {}): Promise<WatchMetrics> {
    const prom = await import('prom-client');
    return new WatchMetrics(prom, options);
  }

  readonly registry: PromClient.Registry;
  readonly metricsContentType: string;

  private readonly startedAt: number;
  private readonly failureThreshold: number;
  private readonly startupGraceMs: number;
  private readonly staleAfterMs: number | undefined;
  private lastSuccessAt: number | undefined;
  private consecutiveFailures = 0;
  private readonly failing = new Set<string>();
  private readonly driftActions = new Set<string>();

  private readonly cycles: PromClient.Counter<'outcome'>;
  private readonly cycleInProgress: PromClient.Gauge;
  private readonly lastSuccess: PromClient.Gauge;
  private readonly consecutiveFailed: PromClient.Gauge;
  private readonly drifted: PromClient.Gauge<'action'>;
  private readonly applies: PromClient.Counter;
  private readonly applyFailures: PromClient.Counter;
  private readonly reportedNotApplied: PromClient.Counter;
  private readonly cycleDuration: PromClient.Histogram;
  private readonly providerFailingGauge: PromClient.Gauge<'provider'>;
  private readonly configReloads: PromClient.Counter<'outcome'>;

  private constructor(prom: typeof PromClient, options: WatchMetricsOptions) {
    this.startedAt = options.startedAt ?? Date.now();
    this.failureThreshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.startupGraceMs = options.startupGraceMs ?? DEFAULT_STARTUP_GRACE_MS;
    this.staleAfterMs = options.staleAfterMs;
    const registry = new prom.Registry();
    this.registry = registry;
    this.metricsContentType = registry.contentType;
    const registers = [registry];

    this.cycles = new prom.Counter({
      name: 'hl_watch_cycles_total',
      help: 'Reconcile cycles ended, by outcome (ok, failed).',
      labelNames: ['outcome'],
      registers,
    });
    this.cycleInProgress = new prom.Gauge({
      name: 'hl_watch_cycle_in_progress',
      help: '1 while a reconcile cycle runs.',
      registers,
    });
    this.lastSuccess = new prom.Gauge({
      name: 'hl_watch_last_success_timestamp_seconds',
      help: 'When the last successful reconcile cycle ended, unix seconds (0: none yet).',
      registers,
    });
    this.consecutiveFailed = new prom.Gauge({
      name: 'hl_watch_consecutive_failed_cycles',
      help: 'Reconcile cycles failed in a row since the last successful one.',
      registers,
    });
    this.drifted = new prom.Gauge({
      name: 'hl_watch_drifted_resources',
      help: 'Resources whose live object differs from the config in the last plan, by plan action.',
      labelNames: ['action'],
      registers,
    });
    this.applies = new prom.Counter({
      name: 'hl_watch_applies_total',
      help: 'Changes applied by the watcher.',
      registers,
    });
    this.applyFailures = new prom.Counter({
      name: 'hl_watch_apply_failures_total',
      help: 'Changes the watcher tried to apply that failed.',
      registers,
    });
    this.reportedNotApplied = new prom.Counter({
      name: 'hl_watch_reported_not_applied_total',
      help: 'Changes found and reported but not applied (policy report, or not allowed unattended).',
      registers,
    });
    this.cycleDuration = new prom.Histogram({
      name: 'hl_watch_cycle_duration_seconds',
      help: 'How long reconcile cycles took.',
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.providerFailingGauge = new prom.Gauge({
      name: 'hl_watch_provider_failing',
      help: '1 while calls to the provider fail and the watcher backs off from it, by provider key.',
      labelNames: ['provider'],
      registers,
    });
    this.configReloads = new prom.Counter({
      name: 'hl_watch_config_reloads_total',
      help: 'Config reloads, by outcome (ok; failed: the last good config kept).',
      labelNames: ['outcome'],
      registers,
    });
    const buildInfo = new prom.Gauge({
      name: 'hl_watch_build_info',
      help: 'Always 1; the version label is the running hl.',
      labelNames: ['version'],
      registers,
    });

    // Every labelled series exists from the start, so rate() and absent() see zeros, not gaps.
    for (const outcome of ['ok', 'failed']) {
      this.cycles.inc({ outcome }, 0);
      this.configReloads.inc({ outcome }, 0);
    }
    this.lastSuccess.set(0);
    this.cycleInProgress.set(0);
    this.consecutiveFailed.set(0);
    buildInfo.set({ version: HL_VERSION }, 1);
  }

  cycleStarted(): void {
    this.cycleInProgress.set(1);
  }

  cycleEnded(outcome: WatchCycleOutcome): void {
    this.cycleInProgress.set(0);
    this.cycles.inc({ outcome: outcome.ok ? 'ok' : 'failed' });
    this.cycleDuration.observe(Math.max(0, outcome.durationMs) / 1000);
    this.applies.inc(nonNegative(outcome.applied));
    this.applyFailures.inc(nonNegative(outcome.failed));
    this.reportedNotApplied.inc(nonNegative(outcome.reported));
    if (outcome.drifted) {
      for (const action of Object.keys(outcome.drifted)) this.driftActions.add(action);
      // An action kind seen before and absent now drifts no more: 0, not a stale count.
      for (const action of this.driftActions) this.drifted.set({ action }, nonNegative(outcome.drifted[action] ?? 0));
    }
    if (outcome.ok) {
      this.consecutiveFailures = 0;
      this.lastSuccessAt = outcome.at;
      this.lastSuccess.set(outcome.at / 1000);
    } else {
      this.consecutiveFailures++;
    }
    this.consecutiveFailed.set(this.consecutiveFailures);
  }

  providerFailing(key: string, failing: boolean): void {
    if (failing) this.failing.add(key);
    else this.failing.delete(key);
    this.providerFailingGauge.set({ provider: key }, failing ? 1 : 0);
  }

  configReloaded(ok: boolean): void {
    this.configReloads.inc({ outcome: ok ? 'ok' : 'failed' });
  }

  health(now: number): WatchHealth {
    const h: WatchHealth = { ok: true, consecutiveFailures: this.consecutiveFailures, failingProviders: [...this.failing].sort() };
    if (this.lastSuccessAt !== undefined) h.lastSuccessAt = this.lastSuccessAt;
    const reason = this.unhealthyReason(now);
    if (reason !== undefined) {
      h.ok = false;
      h.reason = reason;
    }
    return h;
  }

  metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  private unhealthyReason(now: number): string | undefined {
    const providers = this.failing.size > 0 ? ` (failing providers: ${[...this.failing].sort().join(', ')})` : '';
    if (this.consecutiveFailures >= this.failureThreshold) {
      return `${this.consecutiveFailures} reconcile cycles failed in a row${providers}`;
    }
    if (this.lastSuccessAt === undefined) {
      const waited = now - this.startedAt;
      if (waited > this.startupGraceMs) return `no successful reconcile cycle in ${seconds(waited)} since start${providers}`;
      return undefined;
    }
    if (this.staleAfterMs !== undefined && now - this.lastSuccessAt > this.staleAfterMs) {
      return `the last successful reconcile cycle ended ${seconds(now - this.lastSuccessAt)} ago${providers}`;
    }
    return undefined;
  }
}

/** For a watcher with no listener: records nothing, always healthy. */
export const NO_WATCH_METRICS: WatchMetricsSink = {
  cycleStarted() {},
  cycleEnded() {},
  providerFailing() {},
  configReloaded() {},
  health: () => ({ ok: true, consecutiveFailures: 0, failingProviders: [] }),
  metricsText: async () => '',
  metricsContentType: 'text/plain; version=0.0.4; charset=utf-8',
};

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
