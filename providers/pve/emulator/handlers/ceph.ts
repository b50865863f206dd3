/**
 * Ceph as an RBD storage's user reads it: the cluster storage config (`GET /storage/{storage}`,
 * which names the pool of an `rbd` storage) and a pool's status
 * (`GET /nodes/{node}/ceph/pool/{name}/status`: size, min_size, ...). Pools are world data;
 * the homelab seed has no Ceph, so a node answers as one without Ceph until a test adds pools.
 * Creating or changing pools is not emulated.
 */
import { createHash } from 'node:crypto';
import { fail } from '../api-error.js';
import { bool, NODE, opt, STORAGE_ID, str } from '../param-schema.js';
import type { RouteDef } from '../router.js';
import type { StorageState } from '../world.js';

function storageConfig(s: StorageState): Record<string, unknown> {
  const out: Record<string, unknown> = { storage: s.id, type: s.type, content: s.content.join(',') };
  if (s.shared) out.shared = 1;
  if (s.pool !== undefined) out.pool = s.pool;
  if (s.type === 'rbd') out.krbd = 0;
  return out;
}

export const CEPH_ROUTES: RouteDef[] = [
  {
    method: 'GET',
    path: '/storage/{storage}',
    params: { storage: STORAGE_ID },
    handler: (emu, req) => {
      const id = req.params.storage as string;
      for (const n of emu.world.nodes) {
        const s = n.storages.find((x) => x.id === id);
        if (!s) continue;
        const cfg = storageConfig(s);
        cfg.digest = createHash('sha1').update(JSON.stringify(cfg)).digest('hex');
        return cfg;
      }
      fail(`storage '${id}' does not exist`);
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/ceph/pool/{name}/status',
    proxyToNode: true,
    params: { node: NODE, name: str(), verbose: opt(bool()) },
    handler: (emu, req) => {
      const pools = emu.world.ceph?.pools;
      if (!pools) fail('rados_connect failed - No such file or directory');
      const name = req.params.name as string;
      const pool = pools[name];
      if (!pool) fail(`error with 'osd pool get': mon_command failed - unrecognized pool '${name}'`);
      return {
        name: pool.name,
        id: Object.keys(pools).indexOf(name) + 1,
        size: pool.size,
        min_size: pool.min_size,
        pg_num: pool.pg_num,
        crush_rule: pool.crush_rule,
        application: 'rbd',
        pg_autoscale_mode: 'on',
        fast_read: false,
        hashpspool: true,
        nodelete: false,
        nopgchange: false,
        nosizechange: false,
        noscrub: false,
        'nodeep-scrub': false,
        use_gmt_hitset: true,
        write_fadvise_dontneed: false,
      };
    },
  },
];
