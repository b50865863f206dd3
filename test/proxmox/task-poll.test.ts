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
