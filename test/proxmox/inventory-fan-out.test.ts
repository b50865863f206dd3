/**
 * The cluster inventory's reads of guests PVE lists as `unknown` (created since pvestatd's
 * last round): a look-up (where a guest is, its lock and pool) reads none, and settling a
 * whole listing reads a few at a time, each once. Right after a large apply most guests are `unknown`;
 * reading them all at each look-up was a storm of requests per create (issue #24).
 */
import { describe, expect, it } from 'vitest';
import type { PveClient } from '../../providers/pve/client/pve-client.js';
import { ClusterInventory, SETTLE_CONCURRENCY, settleUnknown } from '../../providers/pve/cluster-inventory.js';

/** A client listing `n` guests, all `unknown`, answering status reads after a turn of the loop; it counts them. */
function listingOfUnknown(n: number): { client: PveClient; statusReads: () => number; mostAtOnce: () => number } {
  let reads = 0;
  let now = 0;
  let most = 0;
  const client = {
    async call(_method: string, path: string) {
      if (path === '/cluster/resources')
        return Array.from({ length: n }, (_, i) => ({ type: 'lxc', vmid: 1000 + i, node: 'pve', status: 'unknown', id: `lxc/${1000 + i}` }));
      const m = /\/lxc\/(\d+)\/status\/current$/.exec(path);
      if (!m) throw new Error(`unexpected call ${path}`);
      reads++;
      now++;
      most = Math.max(most, now);
      await new Promise((r) => setImmediate(r));
      now--;
      return { status: 'stopped', name: `c${m[1]}` };
    },
  } as unknown as PveClient;
  return { client, statusReads: () => reads, mostAtOnce: () => most };
}

describe('cluster inventory and guests listed as unknown', () => {
  it('answers a look-up from the listing alone', async () => {
    const s = listingOfUnknown(200);
    const inv = new ClusterInventory(s.client);
    expect(await inv.find(1042, { fresh: true })).toMatchObject({ vmid: 1042, node: 'pve', type: 'lxc' });
    await inv.find(1043);
    expect(await inv.find(5, { fresh: true })).toBeUndefined();
    expect(s.statusReads()).toBe(0);
  });

  it('reads a whole listing a few guests at a time', async () => {
    const s = listingOfUnknown(60);
    const inv = new ClusterInventory(s.client);
    const guests = await inv.guests({ fresh: true });
    expect(guests).toHaveLength(60);
    expect(guests.every((g) => g.status === 'stopped')).toBe(true);
    expect(s.statusReads()).toBe(60);
    expect(s.mostAtOnce()).toBeLessThanOrEqual(SETTLE_CONCURRENCY);
    await inv.guests();
    expect(s.statusReads()).toBe(60);

    const listed = Array.from({ length: 30 }, (_, i) => ({
      type: 'lxc' as const,
      vmid: 1000 + i,
      node: 'pve',
      status: 'unknown',
      template: false,
      tags: [],
    }));
    const c = listingOfUnknown(30);
    expect(await settleUnknown(c.client, listed)).toHaveLength(30);
    expect(c.statusReads()).toBe(30);
    expect(c.mostAtOnce()).toBeLessThanOrEqual(SETTLE_CONCURRENCY);
  });
});
