/**
 * A lost reply to a VM config update (issue 14, item 13): proxmox-api sends the update again,
 * the emulator (like qemu-server, which checks the digest again in the worker under the config
 * lock) accepts the re-sent request while the first task still runs, and the second task ends
 * with "checksum mismatch (file change by other user?)". hl takes that for a digest conflict,
 * reads the config again, finds its own change there and succeeds; the next plan is clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, plan, startFixture, updateResource, type Fixture } from './support/provider-fixture.js';

const VM: Attributes = { node: 'pve', name: 'lost-reply', memory: 1024, disks: { scsi0: { storage: 'local-lvm', size: '1G' } }, started: false };

checkRequestsAfterAll();

describe('config update whose reply is lost', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  it('does not fail its own update when the re-sent request is refused by the digest in its task', async () => {
    const { id, state } = await createResource(f, 'proxmox_vm', VM);
    const vmid = state.vmid as number;
    const path = `/nodes/pve/qemu/${vmid}/config`;
    f.emu.setFaults({ dropResponses: 1, methods: ['POST'], pathPattern: `^${path}$`, taskDurationByType: { qmconfig: 300 } });
    const config = { ...VM, memory: 2048 };
    try {
      const { state: after } = await updateResource(f, 'proxmox_vm', id, state, config);
      expect(after.memory).toBe(2048);
      expect(plan(f, 'proxmox_vm', after, config).planned).toEqual(after);
    } finally {
      f.emu.setFaults({});
    }
    const posts = f.providerRequests().filter((r) => r.method === 'POST' && r.path === path);
    expect(posts.map((r) => r.dropped ?? r.status)).toEqual(['response', 200]);
    const tasks = f.emu.world.tasks.filter((t) => t.type === 'qmconfig' && t.id === String(vmid));
    expect(tasks.map((t) => t.exitstatus)).toEqual(['OK', 'checksum mismatch (file change by other user?)']);
  });
});
