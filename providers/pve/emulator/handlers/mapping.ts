/**
 * Cluster resource mapping endpoints, after pve-manager's PVE::API2::Cluster::Mapping::USB and
 * ::PCI: `/cluster/mapping` (index), `/cluster/mapping/{usb,pci}` (list with an optional
 * `check-node` that adds PVE's validity checks, create) and `/cluster/mapping/{usb,pci}/{id}`
 * (get with digest, update with digest and delete, delete). `map` is an array parameter: its
 * repeated values arrive joined with `\0`. ACLs are not modelled (any authenticated user may
 * read and write mappings); the rules for using them are checked at guest start.
 */
import { fail, paramFail } from '../api-error.js';
import type { EmulatorCore } from '../emulator-core.js';
import { bool, DIGEST, opt, str, type ParamDef, type ParamSchema } from '../param-schema.js';
import {
  assertPciMapValid,
  assertUsbMapValid,
  mapEntryProblem,
  mappingsDigest,
  mappingsOf,
  nodeMapEntries,
  type MappingEntry,
  type MappingKind,
} from '../resource-mappings.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { splitList } from '../string-formats.js';
import { findNode } from '../world.js';

const MAPPING_ID = str({ format: 'pve-configid' });
const MAP: ParamDef = { type: 'array' };

function createParams(kind: MappingKind): ParamSchema {
  const p: ParamSchema = { id: MAPPING_ID, map: MAP, description: opt(str({ maxLength: 4096 })) };
  if (kind === 'pci') {
    p.mdev = opt(bool());
    p['live-migration-capable'] = opt(bool());
  }
  return p;
}

function updateParams(kind: MappingKind): ParamSchema {
  // PVE requires `map` when updating a USB mapping, not a PCI one.
  return {
    ...createParams(kind),
    map: kind === 'usb' ? MAP : opt(MAP),
    delete: opt(str({ format: 'pve-configid-list', maxLength: 4096 })),
    digest: DIGEST,
  };
}

/** The `map` values of a request, each checked against the entry format. */
function mapValues(kind: MappingKind, raw: unknown): string[] {
  const values = String(raw)
    .split('\0')
    .filter((v) => v !== '');
  const errors: Record<string, string> = {};
  values.forEach((v, i) => {
    const problem = mapEntryProblem(kind, v);
    if (problem !== undefined) errors[`map[${i}]`] = problem;
  });
  if (Object.keys(errors).length) paramFail(errors);
  return values;
}

function answer(entry: MappingEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { map: [...entry.map] };
  if (entry.description !== undefined) out.description = entry.description;
  if (entry.mdev) out.mdev = 1;
  if (entry['live-migration-capable']) out['live-migration-capable'] = 1;
  return out;
}

function checksFor(emu: EmulatorCore, kind: MappingKind, id: string, nodeName: string): { severity: string; message: string }[] {
  const node = findNode(emu.world, nodeName);
  const entries = nodeMapEntries(emu.world, kind, id, nodeName) ?? [];
  if (!node || entries.length === 0) return [{ severity: 'warning', message: `No mapping for node ${nodeName}.` }];
  const out: { severity: string; message: string }[] = [];
  for (const e of entries) {
    try {
      if (kind === 'usb') assertUsbMapValid(id, e, node);
      else assertPciMapValid(id, e, node);
    } catch (err) {
      out.push({ severity: 'error', message: `Invalid configuration: ${(err as Error).message}` });
    }
  }
  return out;
}

function list(emu: EmulatorCore, kind: MappingKind, req: ApiRequest): Record<string, unknown>[] {
  const checkNode = req.params['check-node'] as string | undefined;
  if (checkNode !== undefined && !findNode(emu.world, checkNode)) fail('Wrong node to check');
  const ids = mappingsOf(emu.world)[kind];
  const digest = mappingsDigest(emu.world, kind);
  return Object.keys(ids)
    .sort()
    .map((id) => {
      const e: Record<string, unknown> = { ...answer(ids[id] as MappingEntry), id, digest };
      if (checkNode !== undefined) e[kind === 'usb' ? 'errors' : 'checks'] = checksFor(emu, kind, id, checkNode);
      return e;
    });
}

function create(emu: EmulatorCore, kind: MappingKind, req: ApiRequest): null {
  const p = req.params;
  const id = p.id as string;
  const map = mapValues(kind, p.map);
  const ids = mappingsOf(emu.world)[kind];
  if (ids[id]) fail(`create hardware mapping failed: ${kind} ID '${id}' already defined`);
  const entry: MappingEntry = { map };
  if (p.description !== undefined) entry.description = p.description as string;
  if (p.mdev === true) entry.mdev = true;
  if (p['live-migration-capable'] === true) entry['live-migration-capable'] = true;
  ids[id] = entry;
  return null;
}

function get(emu: EmulatorCore, kind: MappingKind, req: ApiRequest): Record<string, unknown> {
  const id = req.params.id as string;
  const entry = mappingsOf(emu.world)[kind][id];
  if (!entry) fail(`mapping '${id}' not found`);
  return { ...answer(entry), type: kind, digest: mappingsDigest(emu.world, kind) };
}

function update(emu: EmulatorCore, kind: MappingKind, req: ApiRequest): null {
  const p = req.params;
  const id = p.id as string;
  if (p.digest !== undefined && p.digest !== mappingsDigest(emu.world, kind)) {
    fail('update hardware mapping failed: detected modified configuration - file changed by other user? Try again.');
  }
  const entry = mappingsOf(emu.world)[kind][id];
  if (!entry) fail(`update hardware mapping failed: ${kind} ID '${id}' does not exist`);
  for (const key of splitList(String(p.delete ?? ''))) {
    if (key === 'map' || key === 'id') paramFail({ delete: `unable to delete required option '${key}'` });
    if (key === 'description') delete entry.description;
    else if (key === 'mdev') delete entry.mdev;
    else if (key === 'live-migration-capable') delete entry['live-migration-capable'];
  }
  if (p.map !== undefined) entry.map = mapValues(kind, p.map);
  if (p.description !== undefined) entry.description = p.description as string;
  if (p.mdev !== undefined) entry.mdev = p.mdev === true;
  if (p['live-migration-capable'] !== undefined) entry['live-migration-capable'] = p['live-migration-capable'] === true;
  return null;
}

function remove(emu: EmulatorCore, kind: MappingKind, req: ApiRequest): null {
  delete mappingsOf(emu.world)[kind][req.params.id as string];
  return null;
}

function routesFor(kind: MappingKind): RouteDef[] {
  const base = `/cluster/mapping/${kind}`;
  const idParam: ParamSchema = { id: MAPPING_ID };
  return [
    { method: 'GET', path: base, params: { 'check-node': opt(str({ format: 'pve-node' })) }, handler: (emu, req) => list(emu, kind, req) },
    { method: 'POST', path: base, params: createParams(kind), handler: (emu, req) => create(emu, kind, req) },
    { method: 'GET', path: `${base}/{id}`, params: idParam, handler: (emu, req) => get(emu, kind, req) },
    { method: 'PUT', path: `${base}/{id}`, params: updateParams(kind), handler: (emu, req) => update(emu, kind, req) },
    { method: 'DELETE', path: `${base}/{id}`, params: idParam, handler: (emu, req) => remove(emu, kind, req) },
  ];
}

export const MAPPING_ROUTES: RouteDef[] = [
  { method: 'GET', path: '/cluster/mapping', params: {}, handler: () => [{ name: 'dir' }, { name: 'pci' }, { name: 'usb' }] },
  ...routesFor('usb'),
  ...routesFor('pci'),
];
