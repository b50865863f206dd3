/**
 * Issue 23: `hl watch`'s status listener over real HTTP on loopback: /healthz turns 503 and back
 * to 200 as cycles fail and succeed, /metrics serves the registry's exposition, other paths 404,
 * other methods 405, and a host off loopback is refused as a user error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../../src/core/diagnostic.js';
import { startWatchStatusServer, type WatchStatusServer } from '../../src/engine/watch/status-server.js';
import { WatchMetrics } from '../../src/engine/watch/watch-metrics.js';

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const servers: WatchStatusServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(host = '127.0.0.1', opts: { failureThreshold?: number } = {}) {
  let clock = T0;
  const metrics = await WatchMetrics.create({ startedAt: T0, startupGraceMs: 60_000, ...opts });
  const server = await startWatchStatusServer({ host, port: 0, metrics, now: () => clock });
  servers.push(server);
  return {
    metrics,
    server,
    setClock: (ms: number) => {
      clock = ms;
    },
  };
}

async function get(url: string, init?: RequestInit) {
  const r = await fetch(url, init);
  return { status: r.status, type: r.headers.get('content-type'), allow: r.headers.get('allow'), body: await r.text() };
}

function cycle(ok: boolean, at: number) {
  return { ok, durationMs: 1_500, applied: ok ? 1 : 0, reported: 0, failed: ok ? 0 : 1, at, drifted: { update: 1 } };
}

describe('hl watch status server', () => {
  it('answers /healthz 200, 503 and 200 again as cycles succeed, fail and recover', async () => {
    const { metrics, server, setClock } = await start('127.0.0.1', { failureThreshold: 2 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    let r = await get(`${server.url}/healthz`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(JSON.parse(r.body)).toEqual({ status: 'ok', consecutiveFailures: 0, failingProviders: [] });

    // past the grace period without a success
    setClock(T0 + 61_000);
    r = await get(`${server.url}/healthz`);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'unhealthy', reason: 'no successful reconcile cycle in 61s since start' });

    metrics.cycleEnded(cycle(true, T0 + 62_000));
    r = await get(`${server.url}/healthz`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      status: 'ok',
      lastSuccessAt: new Date(T0 + 62_000).toISOString(),
      consecutiveFailures: 0,
      failingProviders: [],
    });

    metrics.providerFailing('proxmox.pve', true);
    metrics.cycleEnded(cycle(false, T0 + 122_000));
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    metrics.cycleEnded(cycle(false, T0 + 182_000));
    r = await get(`${server.url}/healthz`);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toEqual({
      status: 'unhealthy',
      reason: '2 reconcile cycles failed in a row (failing providers: proxmox.pve)',
      lastSuccessAt: new Date(T0 + 62_000).toISOString(),
      consecutiveFailures: 2,
      failingProviders: ['proxmox.pve'],
    });

    metrics.providerFailing('proxmox.pve', false);
    metrics.cycleEnded(cycle(true, T0 + 242_000));
    r = await get(`${server.url}/healthz?verbose=1`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'ok', consecutiveFailures: 0 });
  });

  it('serves the metrics as Prometheus text with the registry content type', async () => {
    const { metrics, server } = await start();
    metrics.cycleEnded(cycle(true, T0 + 1_000));
    metrics.cycleEnded(cycle(false, T0 + 2_000));
    metrics.cycleEnded(cycle(true, T0 + 3_000));
    const r = await get(`${server.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.type).toBe(metrics.metricsContentType);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = r.body.split('\n');
    expect(lines).toContain('hl_watch_cycles_total{outcome="ok"} 2');
    expect(lines).toContain('hl_watch_cycles_total{outcome="failed"} 1');
    expect(lines).toContain('hl_watch_applies_total 2');
    expect(lines).toContain('hl_watch_apply_failures_total 1');
    expect(lines).toContain('hl_watch_drifted_resources{action="update"} 1');
    expect(lines).toContain(`hl_watch_last_success_timestamp_seconds ${(T0 + 3_000) / 1000}`);
    expect(lines).toContain('hl_watch_cycle_duration_seconds_count 3');
    expect(lines).toContain('# TYPE hl_watch_cycles_total counter');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { server } = await start();
    expect((await get(`${server.url}/`)).status).toBe(404);
    expect((await get(`${server.url}/metrics/x`)).status).toBe(404);
    expect((await get(`${server.url}/healthz`, { method: 'DELETE' })).status).toBe(405);
    const post = await get(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.allow).toBe('GET, HEAD');
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('listens on ::1 and localhost', async () => {
    const v6 = await start('::1').catch((e: NodeJS.ErrnoException | DiagnosticsError) => e);
    // a host with IPv6 switched off cannot bind ::1; the refusal is then a user error, not a crash
    if (v6 instanceof Error) expect(v6).toBeInstanceOf(DiagnosticsError);
    else {
      expect(v6.server.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect((await get(`${v6.server.url}/healthz`)).status).toBe(200);
    }
    const local = await start('localhost');
    expect(local.server.url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
    expect((await get(`${local.server.url}/healthz`)).status).toBe(200);
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.org', ''])('refuses the non-loopback host %j as a user error', async (host) => {
    const metrics = await WatchMetrics.create({ startedAt: T0 });
    const e = await startWatchStatusServer({ host, port: 0, metrics }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DiagnosticsError);
    expect((e as DiagnosticsError).diagnostics[0]!.summary).toBe(`hl watch's status listener must be on loopback, not '${host}'`);
  });

  it.each([-1, 65536, 1.5, Number.NaN])('refuses the port %s as a user error', async (port) => {
    const metrics = await WatchMetrics.create({ startedAt: T0 });
    const e = await startWatchStatusServer({ host: '127.0.0.1', port, metrics }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DiagnosticsError);
    expect((e as DiagnosticsError).message).toContain('port must be an integer from 0 to 65535');
  });

  it('refuses a port already taken as a user error', async () => {
    const { server } = await start();
    const port = Number(new URL(server.url).port);
    const metrics = await WatchMetrics.create({ startedAt: T0 });
    const e = await startWatchStatusServer({ host: '127.0.0.1', port, metrics }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DiagnosticsError);
    expect((e as DiagnosticsError).message).toContain('EADDRINUSE');
  });
});
