/**
 * Issue 23: `hl watch`'s metrics and health. The metrics are read back from the Prometheus text
 * exposition, parsed, as a scraper would see them; health moves between ok and unhealthy with
 * the failure threshold, the start-up grace period and the optional staleness limit.
 */
import { describe, expect, it, vi } from 'vitest';
import { NO_WATCH_METRICS, WatchMetrics, type WatchCycleOutcome } from '../../src/engine/watch/watch-metrics.js';
import { HL_VERSION } from '../../src/version.js';

/** One sample of the text exposition: `name{label="v",...} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

/** The value of the one sample named `name` whose labels include `labels`. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

async function scrape(m: WatchMetrics) {
  return parseExposition(await m.metricsText());
}

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);

function cycle(over: Partial<WatchCycleOutcome>): WatchCycleOutcome {
  return { ok: true, durationMs: 1_000, applied: 0, reported: 0, failed: 0, at: T0, ...over };
}

describe('WatchMetrics', () => {
  it('starts with every series at zero and the build info', async () => {
    const m = await WatchMetrics.create({ startedAt: T0 });
    const { samples, types } = await scrape(m);
    expect(value(samples, 'hl_watch_cycles_total', { outcome: 'ok' })).toBe(0);
    expect(value(samples, 'hl_watch_cycles_total', { outcome: 'failed' })).toBe(0);
    expect(value(samples, 'hl_watch_config_reloads_total', { outcome: 'ok' })).toBe(0);
    expect(value(samples, 'hl_watch_config_reloads_total', { outcome: 'failed' })).toBe(0);
    expect(value(samples, 'hl_watch_last_success_timestamp_seconds')).toBe(0);
    expect(value(samples, 'hl_watch_applies_total')).toBe(0);
    expect(value(samples, 'hl_watch_build_info', { version: HL_VERSION })).toBe(1);
    expect(types.get('hl_watch_cycles_total')).toBe('counter');
    expect(types.get('hl_watch_cycle_duration_seconds')).toBe('histogram');
    expect(types.get('hl_watch_drifted_resources')).toBe('gauge');
    expect(types.get('hl_watch_provider_failing')).toBe('gauge');
    // its own registry: nothing of prom-client's default metrics, nothing not hl_watch_*
    expect(samples.filter((s) => !s.name.startsWith('hl_watch_'))).toEqual([]);
  });

  it('counts a sequence of cycles ok, failed, ok', async () => {
    const m = await WatchMetrics.create({ startedAt: T0 });
    m.cycleStarted();
    expect(value((await scrape(m)).samples, 'hl_watch_cycle_in_progress')).toBe(1);
    m.cycleEnded(cycle({ durationMs: 2_000, drifted: { update: 2, delete: 1 }, applied: 2, reported: 1, at: T0 + 2_000 }));
    m.cycleStarted();
    m.cycleEnded(cycle({ ok: false, durationMs: 40_000, applied: 0, failed: 1, at: T0 + 62_000 }));
    let s = (await scrape(m)).samples;
    expect(value(s, 'hl_watch_consecutive_failed_cycles')).toBe(1);
    // a failed cycle with no plan keeps the last drift counts
    expect(value(s, 'hl_watch_drifted_resources', { action: 'update' })).toBe(2);
    m.cycleStarted();
    m.cycleEnded(cycle({ durationMs: 500, drifted: { update: 1 }, applied: 1, reported: 3, at: T0 + 120_500 }));

    s = (await scrape(m)).samples;
    expect(value(s, 'hl_watch_cycles_total', { outcome: 'ok' })).toBe(2);
    expect(value(s, 'hl_watch_cycles_total', { outcome: 'failed' })).toBe(1);
    expect(value(s, 'hl_watch_cycle_in_progress')).toBe(0);
    expect(value(s, 'hl_watch_consecutive_failed_cycles')).toBe(0);
    expect(value(s, 'hl_watch_last_success_timestamp_seconds')).toBe((T0 + 120_500) / 1000);
    expect(value(s, 'hl_watch_applies_total')).toBe(3);
    expect(value(s, 'hl_watch_apply_failures_total')).toBe(1);
    expect(value(s, 'hl_watch_reported_not_applied_total')).toBe(4);
    // drift is the last plan's: delete no longer drifts (0, not gone), update is 1
    expect(value(s, 'hl_watch_drifted_resources', { action: 'update' })).toBe(1);
    expect(value(s, 'hl_watch_drifted_resources', { action: 'delete' })).toBe(0);
    // histogram: three observations, 42.5 s in all; 0.5 s in le=0.5, 2 s by le=2.5, 40 s by le=60
    expect(value(s, 'hl_watch_cycle_duration_seconds_count')).toBe(3);
    expect(value(s, 'hl_watch_cycle_duration_seconds_sum')).toBeCloseTo(42.5);
    expect(value(s, 'hl_watch_cycle_duration_seconds_bucket', { le: '0.5' })).toBe(1);
    expect(value(s, 'hl_watch_cycle_duration_seconds_bucket', { le: '2.5' })).toBe(2);
    expect(value(s, 'hl_watch_cycle_duration_seconds_bucket', { le: '30' })).toBe(2);
    expect(value(s, 'hl_watch_cycle_duration_seconds_bucket', { le: '60' })).toBe(3);
    expect(value(s, 'hl_watch_cycle_duration_seconds_bucket', { le: '+Inf' })).toBe(3);
  });

  it('marks providers failing and recovered, and counts config reloads', async () => {
    const m = await WatchMetrics.create({ startedAt: T0 });
    m.providerFailing('proxmox.pve', true);
    m.providerFailing('kuma', true);
    m.providerFailing('kuma', false);
    m.configReloaded(true);
    m.configReloaded(false);
    m.configReloaded(false);
    const s = (await scrape(m)).samples;
    expect(value(s, 'hl_watch_provider_failing', { provider: 'proxmox.pve' })).toBe(1);
    expect(value(s, 'hl_watch_provider_failing', { provider: 'kuma' })).toBe(0);
    expect(value(s, 'hl_watch_config_reloads_total', { outcome: 'ok' })).toBe(1);
    expect(value(s, 'hl_watch_config_reloads_total', { outcome: 'failed' })).toBe(2);
    expect(m.health(T0).failingProviders).toEqual(['proxmox.pve']);
  });

  it('keeps two watchers apart (each its own registry)', async () => {
    const a = await WatchMetrics.create({ startedAt: T0 });
    const b = await WatchMetrics.create({ startedAt: T0 });
    a.cycleEnded(cycle({}));
    expect(value((await scrape(a)).samples, 'hl_watch_cycles_total', { outcome: 'ok' })).toBe(1);
    expect(value((await scrape(b)).samples, 'hl_watch_cycles_total', { outcome: 'ok' })).toBe(0);
  });
});

describe('WatchMetrics health', () => {
  it('is healthy during the start-up grace period, unhealthy after it without a success', async () => {
    const m = await WatchMetrics.create({ startedAt: T0, startupGraceMs: 60_000 });
    expect(m.health(T0 + 59_000)).toEqual({ ok: true, consecutiveFailures: 0, failingProviders: [] });
    const late = m.health(T0 + 61_000);
    expect(late.ok).toBe(false);
    expect(late.reason).toBe('no successful reconcile cycle in 61s since start');
    m.cycleEnded(cycle({ at: T0 + 70_000 }));
    expect(m.health(T0 + 71_000)).toEqual({ ok: true, lastSuccessAt: T0 + 70_000, consecutiveFailures: 0, failingProviders: [] });
  });

  it('stays healthy below the failure threshold and turns unhealthy at it, then recovers', async () => {
    const m = await WatchMetrics.create({ startedAt: T0, failureThreshold: 3 });
    m.cycleEnded(cycle({ at: T0 + 1_000 }));
    m.cycleEnded(cycle({ ok: false, at: T0 + 2_000 }));
    m.cycleEnded(cycle({ ok: false, at: T0 + 3_000 }));
    expect(m.health(T0 + 3_000)).toMatchObject({ ok: true, consecutiveFailures: 2, lastSuccessAt: T0 + 1_000 });
    m.providerFailing('proxmox.pve', true);
    m.cycleEnded(cycle({ ok: false, at: T0 + 4_000 }));
    const h = m.health(T0 + 4_000);
    expect(h).toMatchObject({ ok: false, consecutiveFailures: 3, lastSuccessAt: T0 + 1_000 });
    expect(h.reason).toBe('3 reconcile cycles failed in a row (failing providers: proxmox.pve)');
    m.cycleEnded(cycle({ at: T0 + 5_000 }));
    expect(m.health(T0 + 5_000)).toMatchObject({ ok: true, consecutiveFailures: 0, lastSuccessAt: T0 + 5_000 });
  });

  it('fails before the first success once failures reach the threshold, grace or not', async () => {
    const m = await WatchMetrics.create({ startedAt: T0, failureThreshold: 2 });
    m.cycleEnded(cycle({ ok: false }));
    expect(m.health(T0).ok).toBe(true);
    m.cycleEnded(cycle({ ok: false }));
    expect(m.health(T0).ok).toBe(false);
  });

  it('is unhealthy when the last success is older than staleAfterMs (a hung cycle)', async () => {
    const m = await WatchMetrics.create({ startedAt: T0, staleAfterMs: 600_000 });
    m.cycleEnded(cycle({ at: T0 }));
    expect(m.health(T0 + 600_000).ok).toBe(true);
    expect(m.health(T0 + 601_000)).toMatchObject({ ok: false, reason: 'the last successful reconcile cycle ended 601s ago' });
  });

  it('has a no-op sink that records nothing and is always healthy', async () => {
    NO_WATCH_METRICS.cycleStarted();
    NO_WATCH_METRICS.cycleEnded(cycle({ ok: false }));
    NO_WATCH_METRICS.providerFailing('x', true);
    NO_WATCH_METRICS.configReloaded(false);
    expect(NO_WATCH_METRICS.health(T0 + 10 ** 9)).toEqual({ ok: true, consecutiveFailures: 0, failingProviders: [] });
    expect(await NO_WATCH_METRICS.metricsText()).toBe('');
  });
});

describe('loading prom-client', () => {
  it('loads it only when WatchMetrics.create() is called, not when the watch modules are imported', async () => {
    vi.resetModules();
    const loads: string[] = [];
    vi.doMock('prom-client', async (importOriginal) => {
      loads.push('prom-client');
      return importOriginal();
    });
    try {
      const watchMetrics = await import('../../src/engine/watch/watch-metrics.js');
      await import('../../src/engine/watch/status-server.js');
      expect(loads).toEqual([]);
      await watchMetrics.WatchMetrics.create();
      expect(loads).toEqual(['prom-client']);
    } finally {
      vi.doUnmock('prom-client');
      vi.resetModules();
    }
  });
});
