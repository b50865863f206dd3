/**
 * `checkPlan` of the proxmox provider: whether the planned creates and updates of guests can
 * succeed against the cluster as it is now, with reads only, batched whatever the number of
 * resources:
 *
 * - one `GET /cluster/resources` (nodes with their status, every guest with its template flag):
 *   the node exists and is online, the VMID is free, the clone source exists (and is a template
 *   for a linked clone);
 * - per node used, one `GET /nodes/{node}/storage` (pve-storage src/PVE/API2/Storage/Status.pm:
 *   `content`, `enabled`, `active`): the storage of each new volume exists on that node, is
 *   enabled and active, and allows `images` (VM disks, cloud-init drive) or `rootdir`
 *   (container volumes);
 * - per node with NICs to check, one `GET /nodes/{node}/network?type=any_bridge`
 *   (pve-manager PVE/API2/Network.pm): the bridge exists there;
 * - per storage holding a planned container template, one
 *   `GET /nodes/{node}/storage/{storage}/content?content=vztmpl`: the template exists;
 * - for a planned migration (an update whose node changes), what PVE would refuse
 *   (live-migration-check.ts), sharing the node list and the storage listings.
 *
 * A problem names the attribute it is about, so the engine points at the config line.
 */
import type { Path } from '../../../src/core/value.js';
import type { OperationContext, PlannedChange, PlanProblem } from '../../../src/provider/contract.js';
import { isNodeUnreachable } from '../../pve/client/pve-error.js';
import { parseResources, settleUnknown, type GuestEntry } from '../../pve/cluster-inventory.js';
import { callOpts } from '../../pve/client/call-options.js';
import type { GuestContext } from '../resources/guest-context.js';
import { chooseCloneSource } from '../resources/vm-resource.js';
import { checkMigrations, plannedMigrations, type StorageListing } from './live-migration-check.js';
import type { NodeStorage } from './migration-blockers.js';
import { needsOf, type ChangeNeeds } from './plan-check-needs.js';

/** What was read of one online node. */
interface NodeFacts {
  storages: Map<string, NodeStorage>;
  /** undefined: not read (nothing to check), or the listing showed no bridge at all (see below). */
  bridges?: Set<string>;
  /** Template volids by storage. */
  templates: Map<string, Set<string>>;
  /** Set when the node did not answer (a 595 through the cluster). */
  unreachable?: string;
}

const GUEST_TYPES = new Set(['proxmox_vm', 'proxmox_lxc']);

function flag(v: unknown): boolean {
  return v === 1 || v === true || v === '1';
}

async function readNodes(ctx: GuestContext, op: OperationContext): Promise<{ nodes: Map<string, string>; guests: GuestEntry[] }> {
  const raw = await ctx.client.call<unknown>('GET', '/cluster/resources', undefined, callOpts(op));
  const nodes = new Map<string, string>();
  for (const r of Array.isArray(raw) ? (raw as { type?: unknown; node?: unknown; status?: unknown }[]) : []) {
    if (r.type === 'node' && typeof r.node === 'string') nodes.set(r.node, typeof r.status === 'string' ? r.status : 'unknown');
  }
  // Guests PVE lists as `unknown` (created since pvestatd's last round: no name, no template
  // flag yet) are read live, so a template made moments ago is found by its name.
  return { nodes, guests: await settleUnknown(ctx.client, parseResources(raw), op.signal) };
}

function unreachable(e: unknown): string | undefined {
  return isNodeUnreachable(e) ? e.reason : undefined;
}

/** One node's storage listing, or why it could not be read. */
async function readStorages(ctx: GuestContext, node: string, op: OperationContext): Promise<StorageListing> {
  try {
    const listing = await ctx.client.call<
      { storage?: unknown; content?: unknown; enabled?: unknown; active?: unknown; shared?: unknown }[]
    >('GET', `/nodes/${node}/storage`, undefined, callOpts(op));
    const storages = new Map<string, NodeStorage>();
    for (const s of Array.isArray(listing) ? listing : []) {
      if (typeof s.storage !== 'string') continue;
      const content = typeof s.content === 'string' ? s.content.split(',').filter((c) => c !== '') : [];
      storages.set(s.storage, { content, enabled: flag(s.enabled), active: flag(s.active), shared: flag(s.shared) });
    }
    return { storages };
  } catch (e) {
    const reason = unreachable(e);
    if (reason === undefined) throw e;
    return { unreachable: reason };
  }
}

async function readNode(
  ctx: GuestContext,
  node: string,
  needs: ChangeNeeds[],
  storagesOf: (node: string) => Promise<StorageListing>,
  op: OperationContext,
): Promise<NodeFacts> {
  const facts: NodeFacts = { storages: new Map(), templates: new Map() };
  try {
    const listing = await storagesOf(node);
    if ('unreachable' in listing) {
      facts.unreachable = listing.unreachable;
      return facts;
    }
    facts.storages = listing.storages;
    if (needs.some((n) => n.bridges.length > 0)) {
      const ifaces = await ctx.client.call<{ iface?: unknown }[]>('GET', `/nodes/${node}/network`, { type: 'any_bridge' }, callOpts(op));
      const names = (Array.isArray(ifaces) ? ifaces : []).map((i) => i.iface).filter((i): i is string => typeof i === 'string');
      // PVE lists only the bridges the user may use (SDN.Audit/SDN.Use on the localnetwork zone):
      // a token that sees none at all cannot tell us anything, so bridges stay unchecked.
      if (names.length > 0) facts.bridges = new Set(names);
    }
    const templateStorages = new Set(needs.flatMap((n) => (n.template ? [n.template.storage] : [])));
    for (const storage of templateStorages) {
      const s = facts.storages.get(storage);
      if (!s?.enabled || !s.active) continue;
      const volumes = await ctx.client.call<{ volid?: unknown }[]>(
        'GET',
        `/nodes/${node}/storage/${storage}/content`,
        { content: 'vztmpl' },
        callOpts(op),
      );
      facts.templates.set(
        storage,
        new Set((Array.isArray(volumes) ? volumes : []).map((v) => v.volid).filter((v): v is string => typeof v === 'string')),
      );
    }
  } catch (e) {
    const reason = unreachable(e);
    if (reason === undefined) throw e;
    facts.unreachable = reason;
  }
  return facts;
}

const CONTENT_WORDS = { images: 'VM disk images', rootdir: 'container volumes' } as const;

function storageProblem(facts: NodeFacts, node: string, storage: string, content: 'images' | 'rootdir'): string | undefined {
  const s = facts.storages.get(storage);
  const seen = [...facts.storages.keys()].sort();
  if (!s) {
    return `storage "${storage}" does not exist on node ${node} (its storages: ${seen.join(', ') || 'none visible to this API user'})`;
  }
  if (!s.enabled) return `storage "${storage}" is disabled on node ${node} (or not configured for that node)`;
  if (!s.active) return `storage "${storage}" is not active on node ${node} (it cannot be reached or mounted there now)`;
  if (!s.content.includes(content)) {
    const fit = [...facts.storages]
      .filter(([, x]) => x.enabled && x.active && x.content.includes(content))
      .map(([id]) => id)
      .sort();
    return (
      `storage "${storage}" on node ${node} does not allow ${CONTENT_WORDS[content]} (content "${content}"; it allows ${s.content.join(', ') || 'nothing'})` +
      (fit.length > 0 ? `; storages there that do: ${fit.join(', ')}` : '')
    );
  }
  return undefined;
}

/** The problems of the planned guest changes among `changes` (other types are ignored). */
export async function checkGuestPlan(ctx: GuestContext, changes: readonly PlannedChange[], op: OperationContext): Promise<PlanProblem[]> {
  const all = changes.filter((c) => GUEST_TYPES.has(c.type)).map(needsOf);
  const relevant = all.filter((n) => n.create || n.volumes.length > 0 || n.bridges.length > 0);
  const migrations = plannedMigrations(changes);
  if (relevant.length === 0 && migrations.length === 0) return [];
  const problems: PlanProblem[] = [];
  const report = (n: ChangeNeeds, path: Path, message: string): void => {
    problems.push({ address: n.change.address, path, message, severity: 'error' });
  };

  const { nodes, guests } = await readNodes(ctx, op);
  const online = (node: string): boolean => nodes.get(node) === 'online';

  // Nodes whose listings are needed: online ones with something to check there.
  const byNode = new Map<string, ChangeNeeds[]>();
  for (const n of relevant) {
    if (n.node === undefined || !online(n.node)) continue;
    if (n.volumes.length === 0 && n.bridges.length === 0 && !n.template) continue;
    const list = byNode.get(n.node) ?? [];
    list.push(n);
    byNode.set(n.node, list);
  }
  // One storage listing per node, whoever asks for it (the checks below, the migrations').
  const listings = new Map<string, Promise<StorageListing>>();
  const storagesOf = (node: string): Promise<StorageListing> => {
    let p = listings.get(node);
    if (!p) listings.set(node, (p = readStorages(ctx, node, op)));
    return p;
  };
  const [facts, migrationProblems] = await Promise.all([
    Promise.all([...byNode].map(async ([node, needs]) => [node, await readNode(ctx, node, needs, storagesOf, op)] as const)).then(
      (entries) => new Map(entries),
    ),
    checkMigrations(ctx, migrations, { nodes, guests }, storagesOf, op),
  ]);
  problems.push(...migrationProblems);

  const byVmid = new Map(guests.map((g) => [g.vmid, g]));
  const claimed = new Map<number, string>();
  for (const n of relevant) {
    if (n.create && n.node !== undefined) {
      const status = nodes.get(n.node);
      if (status === undefined) {
        report(n, ['node'], `node "${n.node}" is not a node of the cluster (nodes: ${[...nodes.keys()].sort().join(', ')})`);
      } else if (status !== 'online') {
        report(
          n,
          ['node'],
          `node ${n.node} is ${status === 'offline' ? 'offline' : `not online (status ${status})`}: nothing can be created there now`,
        );
      }
    }
    if (n.vmid !== undefined) {
      const taken = byVmid.get(n.vmid);
      const replaced = typeof n.change.replaces?.vmid === 'number' && n.change.replaces.vmid === n.vmid;
      if (taken && !replaced) {
        report(
          n,
          ['vmid'],
          `VMID ${n.vmid} is already in use by ${taken.type === 'qemu' ? 'VM' : 'CT'} ${n.vmid}${taken.name ? ` (${taken.name})` : ''} on node ${taken.node}; choose another vmid or leave it out to let hl pick a free one`,
        );
      } else if (claimed.has(n.vmid)) {
        report(n, ['vmid'], `VMID ${n.vmid} is also planned for ${claimed.get(n.vmid)}; two guests cannot share a VMID`);
      }
      claimed.set(n.vmid, n.change.address);
    }
    if (n.clone && n.node !== undefined) {
      const chosen = chooseCloneSource(guests, n.clone.source, n.node);
      if ('error' in chosen) report(n, n.clone.path, `clone source: ${chosen.error}`);
      else if (!n.clone.full && !chosen.template) {
        report(
          n,
          ['clone', 'full'],
          `a linked clone (full = false) needs a template, and VM ${chosen.vmid} on ${chosen.node} is not one; make it a template or use a full clone`,
        );
      }
    }
    const f = n.node !== undefined ? facts.get(n.node) : undefined;
    if (!f || n.node === undefined) continue;
    if (f.unreachable !== undefined) {
      report(n, ['node'], `node ${n.node} did not answer (${f.unreachable}), so its storages and bridges could not be checked`);
      continue;
    }
    for (const v of n.volumes) {
      const message = storageProblem(f, n.node, v.storage, v.content);
      if (message) report(n, v.path, v.defaulted ? `${message} (${v.defaulted})` : message);
    }
    if (f.bridges) {
      for (const b of n.bridges) {
        if (!f.bridges.has(b.bridge))
          report(n, b.path, `bridge "${b.bridge}" does not exist on node ${n.node} (its bridges: ${[...f.bridges].sort().join(', ')})`);
      }
    }
    if (n.template) {
      const volumes = f.templates.get(n.template.storage);
      if (!volumes) {
        report(
          n,
          n.template.path,
          `template ${n.template.volid}: ${storageProblem(f, n.node, n.template.storage, 'rootdir') ?? `storage ${n.template.storage} cannot be listed`}`,
        );
      } else if (!volumes.has(n.template.volid)) {
        const there = [...volumes].sort();
        report(
          n,
          n.template.path,
          `template ${n.template.volid} does not exist on node ${n.node}` +
            (there.length > 0
              ? ` (templates on ${n.template.storage}: ${there.join(', ')})`
              : ` (storage ${n.template.storage} holds no templates)`) +
            '; download it with `pveam download` or pick one listed',
        );
      }
    }
  }
  return problems;
}
