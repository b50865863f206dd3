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

  it("polls the next task of a type first about when the client's last ones of that type were done", async () => {
    const create = (hostname: string) =>
      createResource(f, 'proxmox_lxc', {
        node: 'pve',
        hostname,
        ostemplate: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz',
        memory: 256,
        rootfs: { storage: 'local-lvm', size: '1G' },
        started: false,
      });
    await create('learn-1');
    const before = f.providerRequests().length;
    await create('learn-2');
    const log = f.providerRequests();
    const second = log.findIndex((r, i) => i >= before && r.route === '/nodes/{node}/tasks/{upid}/status');
    expect(second).toBeGreaterThan(0);
    const write = log
      .slice(before, second)
      .reverse()
      .find((w) => w.method !== 'GET');
    // the first task of the type was seen done no sooner than 300 ms after it started; a first
    // poll at the default 100 ms would only find the second one running
    expect(log[second]!.time - (write!.time + write!.durationMs)).toBeGreaterThanOrEqual(200);
    const polls = log.slice(before).filter((r) => r.route === '/nodes/{node}/tasks/{upid}/status');
    expect(polls.length).toBeLessThanOrEqual(2);
  });
});
