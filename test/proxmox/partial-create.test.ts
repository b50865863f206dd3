/**
 * A create whose guest was made but whose start failed (issue 14, item 13): the provider
 * throws a ProviderError carrying `partial` — the guest's id and its real attributes (not
 * started) — so the engine records it and the next plan finishes the work, instead of a
 * success or an error that forgets the guest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { plan, startFixture, type Fixture } from './support/provider-fixture.js';

const CT: Attributes = {
  node: 'pve',
  hostname: 'half-made',
  ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
  memory: 256,
  rootfs: { storage: 'local-lvm', size: '4G' },
  started: true,
};

checkRequestsAfterAll();

describe('a create whose start fails', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  it('throws ProviderError with the guest as it is (created, stopped), and the next plan only starts it', async () => {
    const planned = plan(f, 'proxmox_lxc', null, CT).planned;
    const { identity } = await f.provider.reserve({ type: 'proxmox_lxc', planned });
    const vmid = identity.vmid as number;
    // pve-container src/PVE/LXC.pm vm_start: "startup for container '$vmid' failed"
    f.emu.setFaults({ failTasks: [{ type: 'vzstart', vmid, message: `startup for container '${vmid}' failed` }] });
    let thrown: unknown;
    try {
      await f.provider.create({ type: 'proxmox_lxc', planned, identity });
    } catch (e) {
      thrown = e;
    } finally {
      f.emu.setFaults({});
    }
    expect(thrown).toBeInstanceOf(ProviderError);
    const err = thrown as ProviderError;
    expect(err.message).toMatch(new RegExp(`^CT ${vmid} was created on pve, but a later step failed: .*startup for container '${vmid}' failed`));
    expect(err.options.partial?.id).toBe(`pve/${vmid}`);
    expect(err.options.partial?.state).toMatchObject({ vmid, node: 'pve', hostname: 'half-made', memory: 256, status: 'stopped', started: false });
    expect(f.emu.world.guests[String(vmid)]?.status).toBe('stopped');

    const next = plan(f, 'proxmox_lxc', err.options.partial!.state, CT);
    expect(next.requiresReplace).toEqual([]);
    const res = await f.provider.update({ type: 'proxmox_lxc', id: err.options.partial!.id, prior: err.options.partial!.state, planned: next.planned });
    expect(res.state).toMatchObject({ status: 'running', started: true });
  });
});
