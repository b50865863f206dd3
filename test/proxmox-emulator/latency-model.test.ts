/**
 * The emulator's latency model: a limit of requests served at once (pveproxy's workers) with a
 * first-come first-served queue behind it, a latency no request is served faster than, the
 * counts a benchmark proves its bounds with, and HL_EMULATED_PVE_LATENCY's forms. Behaviour is
 * asserted on counts and order; the one duration asserted is the lower bound the model
 * guarantees by construction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdAtLeast, RequestWorkers } from '../../providers/pve/emulator/request-workers.js';
import { latencyProfileFrom, parseLatencyProfile } from '../../providers/pve/emulated-latency.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPveEmulatorProcess, stopPveEmulatorProcess } from '../support/pve-emulator-process.js';
import { raw, startTestEmulator, type TestEmulator } from './support/emulator-fixture.js';

/** Lets every pending promise continuation run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Polls `cond` until it holds; fails after 10 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('RequestWorkers', () => {
  it('never serves more than its limit at once, and admits the waiting in arrival order', async () => {
    const workers = new RequestWorkers(() => 3);
    let serving = 0;
    let most = 0;
    const admitted: number[] = [];
    const releases: (() => void)[] = [];
    const all = Array.from({ length: 10 }, (_, i) =>
      workers.acquire().then(({ release }) => {
        serving++;
        most = Math.max(most, serving);
        admitted.push(i);
        releases.push(() => {
          serving--;
          release();
        });
      }),
    );
    await settle();
    expect(admitted).toEqual([0, 1, 2]);
    expect(workers.stats()).toMatchObject({ inFlight: 3, queueLength: 7, queued: 7, maxQueueLength: 7 });
    // Free the workers one at a time: each frees exactly one place for the first in line.
    for (let done = 0; done < 10; done++) {
      releases[done]!();
      await settle();
      expect(serving).toBe(Math.min(3, 10 - done - 1));
    }
    await Promise.all(all);
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
    expect(workers.stats()).toMatchObject({ served: 10, inFlight: 0, maxConcurrent: 3, queued: 7, queueLength: 0, workers: 3 });
  });

  it('serves everything at once without a limit, and a release twice frees one place', async () => {
    let limit: number | undefined;
    const workers = new RequestWorkers(() => limit);
    const a = await Promise.all(Array.from({ length: 5 }, () => workers.acquire()));
    expect(workers.stats()).toMatchObject({ served: 5, maxConcurrent: 5, queued: 0, workers: undefined });
    limit = 1;
    for (const x of a.slice(1)) x.release();
    let late = false;
    void workers.acquire().then(() => (late = true));
    await settle();
    expect(late).toBe(false); // one is still served: the limit of 1 is reached
    a[0]!.release();
    a[0]!.release();
    await settle();
    expect(late).toBe(true);
    expect(workers.stats().inFlight).toBe(1);
    workers.resetStats();
    expect(workers.stats()).toMatchObject({ served: 0, queued: 0, maxConcurrent: 1, inFlight: 1 });
  });
});

describe('holdAtLeast', () => {
  it('sleeps again when a timer fires early, until the whole latency has passed', async () => {
    let clock = 1000;
    const asked: number[] = [];
    // A timer that comes back 0.7 ms early every time.
    const early = async (ms: number): Promise<void> => {
      asked.push(ms);
      clock += ms - 0.7;
    };
    await holdAtLeast(20, 1000, () => clock, early);
    expect(clock).toBeGreaterThanOrEqual(1020);
    // 19.3 ms passed, then 19.6, 19.9, 20.2: done
    expect(asked).toEqual([20, 1, 1, 1]);
  });

  it('does not sleep for no latency, nor for one already spent', async () => {
    const asked: number[] = [];
    const sleep = async (ms: number): Promise<void> => void asked.push(ms);
    await holdAtLeast(0, 5, () => 5, sleep);
    await holdAtLeast(20, 5, () => 30, sleep);
    expect(asked).toEqual([]);
  });
});

describe('the emulator with a worker limit', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  it('queues a request behind a busy worker and serves none faster than the latency', async () => {
    t.emu.setFaults({ workers: 1, latencyMs: 1000 });
    t.emu.resetStats();
    const before = t.emu.requestLog.length;
    const first = raw(t.emu, 'GET', '/version');
    await until(() => t.emu.stats().inFlight === 1, 'the first request served');
    const second = raw(t.emu, 'GET', '/nodes');
    await until(() => t.emu.stats().queueLength === 1, 'the second request queued');
    expect(t.emu.stats()).toMatchObject({ inFlight: 1, queueLength: 1, workers: 1 });
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(t.emu.stats()).toMatchObject({ served: 2, maxConcurrent: 1, queued: 1, inFlight: 0, queueLength: 0 });
    expect(t.emu.stats().busyMs).toBeGreaterThanOrEqual(2000);
    const log = t.emu.requestLog.slice(before);
    expect(log.map((r) => r.path)).toEqual(['/version', '/nodes']);
    expect(log[0]!.queuedMs).toBeUndefined();
    expect(log[1]!.queuedMs).toBeGreaterThan(0);
    for (const r of log) expect(r.durationMs).toBeGreaterThanOrEqual(995);
  });

  it('answers its counts on the control API, and starts them again', async () => {
    t.emu.setFaults({ workers: 3 });
    t.emu.resetStats();
    const answers = await Promise.all(Array.from({ length: 12 }, () => raw(t.emu, 'GET', '/version')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const stats = (await (await fetch(`${t.emu.url}/_emulator/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ served: 12, workers: 3, inFlight: 0 });
    expect(stats.maxConcurrent as number).toBeLessThanOrEqual(3);
    const reset = await fetch(`${t.emu.url}/_emulator/stats`, { method: 'DELETE' });
    expect(await reset.json()).toMatchObject({ served: 0, queued: 0 });
    t.emu.setFaults({});
    expect(t.emu.stats().workers).toBeUndefined();
  });
});

describe('HL_EMULATED_PVE_LATENCY', () => {
  it.each([
    { reason: 'the pveproxy preset', text: 'pveproxy', want: { latencyMs: 20, workers: 3 } },
    { reason: 'the preset with an override', text: 'pveproxy, task=200ms', want: { latencyMs: 20, workers: 3, taskDurationMs: 200 } },
    {
      reason: 'every key',
      text: 'request=50ms,jitter=5ms,workers=2,task=150ms',
      want: { latencyMs: 50, latencyJitterMs: 5, workers: 2, taskDurationMs: 150 },
    },
  ])('reads $reason', ({ text, want }) => {
    expect(parseLatencyProfile(text)).toEqual(want);
  });

  it.each([
    { reason: 'an unknown key', text: 'delay=20ms', message: /"delay=20ms" is not one of/ },
    { reason: 'a latency without its unit', text: 'request=20', message: /needs its unit/ },
    { reason: 'no workers', text: 'workers=0', message: /at least 1/ },
    { reason: 'the preset after a key', text: 'task=1ms,pveproxy', message: /only come first/ },
  ])('refuses $reason', ({ text, message }) => {
    expect(() => parseLatencyProfile(text)).toThrow(message);
  });

  it('starts hl emulate proxmox with the model, and stops it starting with a wrong one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-latency-'));
    try {
      const emu = await startPveEmulatorProcess(dir, { HL_EMULATED_PVE_LATENCY: 'pveproxy,task=150ms' });
      try {
        expect(await (await fetch(`${emu.url}/_emulator/faults`)).json()).toMatchObject({ latencyMs: 20, workers: 3, taskDurationMs: 150 });
        expect(await (await fetch(`${emu.url}/_emulator/stats`)).json()).toMatchObject({ workers: 3, served: 0 });
      } finally {
        await stopPveEmulatorProcess(emu);
      }
      await expect(startPveEmulatorProcess(dir, { HL_EMULATED_PVE_LATENCY: 'workers=many' })).rejects.toThrow(/exited/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is nothing when unset or empty', () => {
    expect(latencyProfileFrom({})).toBeUndefined();
    expect(latencyProfileFrom({ HL_EMULATED_PVE_LATENCY: ' ' })).toBeUndefined();
  });
});
