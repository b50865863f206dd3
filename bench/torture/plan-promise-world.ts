/**
 * What a plan-promise trial looks at between hl runs: every object of the emulated worlds
 * (fake world file, PVE emulator, embedded MAAS emulator) by the id state records for it,
 * which of them hl made (hl's marker or a `pp-` name), and what state holds (address → id,
 * deposed objects included).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeWorld } from '../../providers/fake/fake-world.js';
import { newLineage } from '../../src/state/new-lineage.js';
import { StateStore } from '../../src/state/state-store.js';
import { STATE_FILE } from './consistency.js';
import { NAME_PREFIX } from './plan-promise-config.js';
import type { ProxmoxEndpoint } from './targets.js';
import { precompiledValidator } from '../../src/engine/precompiled-validators.js';

export interface WorldObject {
  id: string;
  /** Made by hl (its marker, or one of the trial's `pp-` names), as opposed to the seed's. */
  made: boolean;
  /** A name for messages: `pve/111 (cloudflared)`. */
  label: string;
}

export function worldObjects(dir: string, endpoint: ProxmoxEndpoint): Map<string, WorldObject> {
  const out = new Map<string, WorldObject>();
  const add = (o: WorldObject) => out.set(o.id, o);
  const fakeFile = join(dir, '.hl', 'providers', 'fake', 'fake-world.jsonl');
  if (existsSync(fakeFile)) {
    const world = new FakeWorld(fakeFile);
    for (const o of world.list()) add({ id: o.id, made: true, label: `${o.id} (fake ${String(o.attributes['name'] ?? '')})` });
    world.close();
  }
  const pveFile = endpoint.kind === 'embedded' ? join(dir, '.hl', 'providers', 'proxmox', 'proxmox-world.json') : endpoint.worldFile;
  if (existsSync(pveFile)) {
    const world = JSON.parse(readFileSync(pveFile, 'utf8')) as {
      guests: Record<string, { vmid: number; node: string; type: string; config: string }>;
    };
    for (const g of Object.values(world.guests)) {
      const name = /^(?:hostname|name): (.*)$/m.exec(g.config)?.[1] ?? '';
      const made = g.config.includes('Managed by hl') || name.startsWith(NAME_PREFIX);
      add({ id: `${g.node}/${g.vmid}`, made, label: `${g.node}/${g.vmid} (${g.type} ${name})` });
    }
  }
  const maasFile = join(dir, '.hl', 'providers', 'maas', 'maas-world.json');
  if (existsSync(maasFile)) {
    const world = JSON.parse(readFileSync(maasFile, 'utf8')) as {
      domains: { id: number; name: string }[];
      nodes: { system_id: string; hostname: string; node_type: number }[];
      dnsresources: { name: string; domain_id: number; ip_addresses: string[] }[];
    };
    for (const n of world.nodes.filter((x) => x.node_type === 1)) {
      add({ id: n.system_id, made: n.hostname.startsWith(NAME_PREFIX), label: `${n.system_id} (maas device ${n.hostname})` });
    }
    for (const r of world.dnsresources.filter((x) => x.ip_addresses.length > 0)) {
      const domain = world.domains.find((d) => d.id === r.domain_id)?.name ?? '?';
      const id = `A:${r.name}.${domain}`;
      add({ id, made: r.name.startsWith(NAME_PREFIX), label: `${id} (maas dns record)` });
    }
  }
  return out;
}

export interface StateSnapshot {
  /** address → id of its current object. */
  current: Map<string, string>;
  /** id → address, for current and deposed objects. */
  owner: Map<string, string>;
  /** Ids of deposed objects (to be deleted). */
  deposed: Set<string>;
  /** Ids held by more than one address: `pve/100 at proxmox_lxc.a and proxmox_lxc.b`. */
  shared: string[];
  bytes: string | null;
  problem?: string;
}

export async function stateSnapshot(dir: string): Promise<StateSnapshot> {
  const path = join(dir, STATE_FILE);
  const snap: StateSnapshot = {
    current: new Map(),
    owner: new Map(),
    deposed: new Set(),
    shared: [],
    bytes: existsSync(path) ? readFileSync(path, 'utf8') : null,
  };
  try {
    const store = await StateStore.open(path, { hlVersion: 'torture', newLineage, readOnly: true, precompiled: precompiledValidator });
    for (const r of store.listResources()) {
      if (r.mode !== 'managed') continue;
      snap.current.set(r.address, r.id);
      const other = snap.owner.get(r.id);
      if (other !== undefined) snap.shared.push(`${r.id} at ${other} and ${r.address}`);
      snap.owner.set(r.id, r.address);
      for (const d of r.deposed ?? []) {
        snap.deposed.add(d.id);
        snap.owner.set(d.id, r.address);
      }
    }
    const pending = store.pendingIntents();
    if (pending.length > 0)
      snap.problem = `intents still pending in the journal: ${pending.map((p) => `${p.operation} ${p.address}`).join(', ')}`;
  } catch (e) {
    snap.problem = `state unreadable: ${(e as Error).message}`;
  }
  return snap;
}

/** Objects hl made that state does not know (orphans), and state entries whose object is gone (ghosts). */
export function compareWorldAndState(world: Map<string, WorldObject>, state: StateSnapshot): { orphans: string[]; ghosts: string[] } {
  const orphans = [...world.values()].filter((o) => o.made && !state.owner.has(o.id)).map((o) => o.label);
  const ghosts = [...state.owner.entries()].filter(([id]) => !world.has(id)).map(([id, address]) => `${address} (${id})`);
  return { orphans, ghosts };
}
