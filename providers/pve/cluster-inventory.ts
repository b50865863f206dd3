/**
 * The refresh cache: one `GET /cluster/resources?type=vm` lists every guest of the cluster
 * with its node, status, lock, template flag, tags and pool. A provider instance asks once and
 * keeps the answer for a short time (a plan's refresh of many guests costs one call);
 * concurrent readers share the request in flight, and every write of the provider
 * invalidates it.
 *
 * Which guests exist, where, their lock, tags and pool are live in that listing; their status,
 * name and template flag are not: PVE fills them from pvestatd's RRD data, refreshed every
 * 10 s (pve-manager `PVE/API2/Cluster.pm` resources, `PVE/API2Tools.pm` extract_vm_stats). A
 * guest created since pvestatd's last round is listed as `unknown` with no name, so such
 * entries are read again from `.../status/current` (settleUnknown); one that still answers
 * nothing is on a node that is down. The status of the others may be up to a round old:
 * whoever decides on a guest's power state reads `status/current` (guest-ops.ts currentStatus).
 *
 * Settling costs a call per `unknown` entry, and right after hl created many guests most of
 * them are: `find` (where a guest is, its lock and pool) settles nothing, and settling a whole
 * listing (`guests`, for a clone source by name) reads a few at a time, each entry once per
 * listing. Settling every entry at each fresh look-up made each create of a large apply read
 * every guest created in the last 10 s, all at once (issue #24).
 */
import pLimit from 'p-limit';
import type { PveClient } from './client/pve-client.js';
import { isNodeUnreachable, isNotFound } from './client/pve-error.js';

export type GuestType = 'qemu' | 'lxc';

export interface GuestEntry {
  vmid: number;
  type: GuestType;
  node: string;
  /**
   * `running`, `stopped`, `paused`, or `unknown` (its node is down): as of pvestatd's last
   * round, up to 10 s old; never to decide on power (read status/current).
   */
  status: string;
  name?: string;
  lock?: string;
  template: boolean;
  pool?: string;
  tags: string[];
}

interface RawResource {
  id?: string;
  type?: string;
  vmid?: number | string;
  node?: string;
  status?: string;
  name?: string;
  lock?: string;
  template?: number | boolean | string;
  pool?: string;
  tags?: string;
}

export function parseResources(raw: unknown): GuestEntry[] {
  if (!Array.isArray(raw)) return [];
  const out: GuestEntry[] = [];
  for (const r of raw as RawResource[]) {
    if (r.type !== 'qemu' && r.type !== 'lxc') continue;
    const vmid = Number(r.vmid ?? String(r.id ?? '').split('/')[1]);
    if (!Number.isInteger(vmid) || !r.node) continue;
    out.push({
      vmid,
      type: r.type,
      node: r.node,
      status: r.status ?? 'unknown',
      ...(r.name ? { name: r.name } : {}),
      ...(r.lock ? { lock: r.lock } : {}),
      template: r.template === 1 || r.template === true || r.template === '1',
      ...(r.pool ? { pool: r.pool } : {}),
      tags: (r.tags ?? '').split(/[;,\s]+/).filter((t) => t !== ''),
    });
  }
  return out;
}

interface CurrentStatus {
  status?: string;
  name?: string;
  template?: number | boolean | string;
}

/**
 * Fills in the entries PVE listed as `unknown` (no pvestatd data yet: created since its last
 * round) from `GET .../status/current`, which is live: status, name, template flag. An entry
 * whose node does not answer stays `unknown`; one gone meanwhile is dropped.
 */
export async function settleUnknown(
  client: PveClient,
  guests: GuestEntry[],
  signal?: AbortSignal,
  concurrency = SETTLE_CONCURRENCY,
): Promise<GuestEntry[]> {
  const limit = pLimit(concurrency);
  const settled = await Promise.all(
    guests.map(async (g): Promise<GuestEntry | undefined> => {
      if (g.status !== 'unknown') return g;
      return limit(() => settleOne(client, g, signal));
    }),
  );
  return settled.filter((g): g is GuestEntry => g !== undefined);
}

/** How many `unknown` entries of a listing are read at once. */
export const SETTLE_CONCURRENCY = 4;

/** One `unknown` entry read live; undefined when the guest is gone. */
async function settleOne(client: PveClient, g: GuestEntry, signal?: AbortSignal): Promise<GuestEntry | undefined> {
  let cur: CurrentStatus;
  try {
    cur = await client.call<CurrentStatus>(
      'GET',
      `/nodes/${g.node}/${g.type}/${g.vmid}/status/current`,
      undefined,
      signal ? { signal } : {},
    );
  } catch (e) {
    if (isNotFound(e)) return undefined;
    if (isNodeUnreachable(e)) return g;
    throw e;
  }
  const template = cur?.template === 1 || cur?.template === true || cur?.template === '1';
  return {
    ...g,
    status: typeof cur?.status === 'string' ? cur.status : 'unknown',
    ...(typeof cur?.name === 'string' && cur.name !== '' ? { name: cur.name } : {}),
    template: g.template || template,
  };
}

export class ClusterInventory {
  /** The last listing as PVE answered it (`unknown` entries not settled). */
  private cached: { at: number; guests: GuestEntry[] } | undefined;
  private inflight: Promise<GuestEntry[]> | undefined;
  private generation = 0;
  /** Each listing by VMID, made on first look-up. */
  private readonly indexes = new WeakMap<GuestEntry[], Map<number, GuestEntry>>();
  /** Entries of a listing settled so far, by VMID: each is read once per listing. */
  private readonly settledOf = new WeakMap<GuestEntry[], Map<number, Promise<GuestEntry | undefined>>>();
  /** Settling reads a few entries at a time, whoever asks. */
  private readonly settleLimit = pLimit(SETTLE_CONCURRENCY);
  /** How many /cluster/resources calls were made (for tests and benchmarks). */
  fetches = 0;

  constructor(
    private readonly client: PveClient,
    private readonly ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every guest, `unknown` ones settled; from the cache unless `fresh` or expired. */
  async guests(opts: { fresh?: boolean; signal?: AbortSignal } = {}): Promise<GuestEntry[]> {
    const listed = await this.listing(opts);
    const settled = await Promise.all(listed.map((g) => (g.status === 'unknown' ? this.settled(listed, g, opts.signal) : g)));
    return settled.filter((g): g is GuestEntry => g !== undefined);
  }

  /** The entry of `listed` for `g` read live, once per listing, a few at a time. */
  private settled(listed: GuestEntry[], g: GuestEntry, signal?: AbortSignal): Promise<GuestEntry | undefined> {
    let done = this.settledOf.get(listed);
    if (!done) this.settledOf.set(listed, (done = new Map()));
    let p = done.get(g.vmid);
    if (!p) {
      p = this.settleLimit(() => settleOne(this.client, g, signal));
      const mine = p;
      p.catch(() => {
        if (done.get(g.vmid) === mine) done.delete(g.vmid);
      });
      done.set(g.vmid, p);
    }
    return p;
  }

  /** The listing as PVE answered it; from the cache unless `fresh` or expired. */
  private async listing(opts: { fresh?: boolean; signal?: AbortSignal }): Promise<GuestEntry[]> {
    if (!opts.fresh && this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.guests;
    if (!opts.fresh && this.inflight) return this.inflight;
    const generation = this.generation;
    const p = this.client
      .call<unknown>('GET', '/cluster/resources', { type: 'vm' }, opts.signal ? { signal: opts.signal } : {})
      .then((raw) => {
        this.fetches++;
        const guests = parseResources(raw);
        if (generation === this.generation) this.cached = { at: this.now(), guests };
        return guests;
      })
      .finally(() => {
        if (this.inflight === p) this.inflight = undefined;
      });
    this.inflight = p;
    return p;
  }

  /**
   * One guest as listed, or undefined: where it is, its type, lock, tags and pool, which the
   * listing has live. Its status is pvestatd's and may be `unknown` (created since the last
   * round): no caller decides on it (power is read from `status/current`), so a look-up never
   * costs more than the listing.
   */
  async find(vmid: number, opts: { fresh?: boolean; signal?: AbortSignal } = {}): Promise<GuestEntry | undefined> {
    const listed = await this.listing(opts);
    let byVmid = this.indexes.get(listed);
    if (!byVmid) {
      // a refresh looks up every guest: index the list once rather than scan it each time
      byVmid = new Map(listed.map((g) => [g.vmid, g]));
      this.indexes.set(listed, byVmid);
    }
    return byVmid.get(vmid);
  }

  /** Forgets the cached list (after a write of ours). */
  invalidate(): void {
    this.generation++;
    this.cached = undefined;
    this.inflight = undefined;
  }
}
