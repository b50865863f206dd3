/**
 * hl's first poll of a task comes a first interval after the task started, not at once: a task
 * is never done the moment its UPID comes back, and against a server with few workers that
 * poll was a tenth of a create's requests (issue #24).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResource, startFixture, type Fixture } from './support/provider-fixture.js';

describe('task polling', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ taskDurationMs: 150 });
  });
  afterAll(async () => {
    await f.stop();
  });

  it('polls a task first a whole interval after the write that started it', async () => {
    await createResource(f, 'proxmox_lxc', {
      node: 'pve',
      hostname: 'poll-1',
      ostemplate: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz',
      memory: 256,
      rootfs: { storage: 'local-lvm', size: '1G' },
    });
    const log = f.providerRequests();
    const seen = new Set<string>();
    let tasks = 0;
    for (const [i, r] of log.entries()) {
      if (r.route !== '/nodes/{node}/tasks/{upid}/status' || seen.has(r.path)) continue;
      seen.add(r.path);
      const write = log
        .slice(0, i)
        .reverse()
        .find((w) => w.method !== 'GET');
      expect(write).toBeDefined();
      // the sleep is 100 ms; a Node timer may fire a millisecond early, the log counts whole ms
      expect(r.time - (write!.time + write!.durationMs)).toBeGreaterThanOrEqual(98);
      tasks++;
    }
    expect(tasks).toBeGreaterThan(0);
  });
});

describe('task polling learns how long tasks take', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ taskDurationMs: 300 });
  });
  afterAll(async () => {
    await f.stop();
  });

  it('waits longer before the first poll of each task while the first polls find them running, until one finds its task done', async () => {
    const gaps: number[] = [];
    const polls: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = f.providerRequests().length;
      await createResource(f, 'proxmox_lxc', {
        node: 'pve',
        hostname: `learn-${i}`,
        ostemplate: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz',
        memory: 256,
        rootfs: { storage: 'local-lvm', size: '1G' },
        started: false,
      });
      const log = f.providerRequests().slice(before);
      const first = log.findIndex((r) => r.route === '/nodes/{node}/tasks/{upid}/status');
      const write = log
        .slice(0, first)
        .reverse()
        .find((w) => w.method !== 'GET')!;
      gaps.push(log[first]!.time - (write.time + write.durationMs));
      polls.push(log.filter((r) => r.route === '/nodes/{node}/tasks/{upid}/status').length);
    }
    // 100 ms, then 150, 225, 337 (each a timer that may fire a millisecond early)
    expect(gaps[1]!).toBeGreaterThanOrEqual(148);
    expect(gaps[2]!).toBeGreaterThanOrEqual(223);
    expect(gaps[3]!).toBeGreaterThanOrEqual(335);
    // fewer polls for the last 300 ms task than for the first (done by its first poll, unless the machine is slow)
    expect(polls[3]!).toBeLessThan(polls[0]!);
  });
});
