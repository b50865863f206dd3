/**
 * Destroying a running guest (issue 14, item 5): the emulator refuses to destroy a running
 * guest as PVE does, so hl reads the live power state (status/current, not the lagging
 * /cluster/resources listing), shuts the guest down, stops it if the shutdown fails, then
 * destroys it, saying so in progress lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import type { GuestEntry } from '../../providers/pve/cluster-inventory.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, startFixture, type Fixture, type RawApi } from './support/provider-fixture.js';

const CT: Attributes = {
  node: 'pve',
  hostname: 'victim',
  ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
  rootfs: { storage: 'local-lvm', size: '4G' },
  started: false,
};

checkRequestsAfterAll();

/**
 * Makes the provider's cluster listing answer what it answered now, as PVE's /cluster/resources
 * does until pvestatd's next round (its status comes from RRD data refreshed every 10 s).
 */
async function freezeListing(f: Fixture): Promise<() => void> {
  const inventory = f.provider.inventory!;
  const stale: GuestEntry[] = (await inventory.guests({ fresh: true })).map((g) => ({ ...g }));
  const original = inventory.guests.bind(inventory);
  inventory.guests = async () => stale;
  return () => {
    inventory.guests = original;
  };
}

describe('destroying a running guest', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  it('shuts down a container started behind hl\'s back (the listing still says stopped), then destroys it', async () => {
    const { id, state } = await createResource(f, 'proxmox_lxc', CT);
    const vmid = state.vmid as number;
    const thaw = await freezeListing(f);
    try {
      await f.behindTheBack(async (api: RawApi) => {
        const upid = await api.nodes.$('pve').lxc.$(vmid).status.start.$post();
        for (let i = 0; i < 100 && (await api.nodes.$('pve').tasks.$(upid).status.$get()).status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 20));
      });
      expect(f.emu.world.guests[String(vmid)]?.status).toBe('running');
      // The listing does not say running (`unknown`: created since pvestatd's round, which a look-up no longer settles).
      expect((await f.provider.inventory!.find(vmid))?.status).not.toBe('running');
      const progress: string[] = [];
      await f.provider.delete({ type: 'proxmox_lxc', id, prior: state, progress: (m) => progress.push(m) });
      expect(f.emu.world.guests[String(vmid)]).toBeUndefined();
      expect(progress).toEqual([
        `CT ${vmid} is running: shutting it down (up to 180 s) before destroying it`,
        `shutting down CT ${vmid}`,
        `destroying CT ${vmid} on pve`,
      ]);
      const shutdown = f.providerRequests().find((r) => r.method === 'POST' && r.path === `/nodes/pve/lxc/${vmid}/status/shutdown`);
      expect(shutdown?.body).toMatchObject({ forceStop: ['0'], timeout: ['180'] });
    } finally {
      thaw();
    }
  });

  it('stops a VM whose shutdown fails, then destroys it', async () => {
    const { id, state } = await createResource(f, 'proxmox_vm', {
      node: 'pve',
      name: 'stubborn',
      disks: { scsi0: { storage: 'local-lvm', size: '1G' } },
      started: true,
    });
    const vmid = state.vmid as number;
    f.emu.setFaults({ failTasks: [{ type: 'qmshutdown', vmid, message: 'VM quit/powerdown failed - got timeout' }] });
    try {
      const progress: string[] = [];
      await f.provider.delete({ type: 'proxmox_vm', id, prior: state, progress: (m) => progress.push(m) });
      expect(f.emu.world.guests[String(vmid)]).toBeUndefined();
      expect(progress).toEqual([
        `VM ${vmid} is running: shutting it down (up to 180 s) before destroying it`,
        `shutting down VM ${vmid}`,
        `VM ${vmid} did not shut down (VM quit/powerdown failed - got timeout)`,
        `VM ${vmid} is still running: stopping it`,
        `stopping VM ${vmid}`,
        `destroying VM ${vmid} on pve`,
      ]);
    } finally {
      f.emu.setFaults({});
    }
  });
});
