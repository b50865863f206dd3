/**
 * The fake provider's placed types, for the engine's placement tests: `fake_guest` (an
 * object on a node, with memory in MiB, cores, whether it runs, the storage it needs and
 * `node: auto` preferences; a change of `node` plans a migration) and `fake_binding` (binds
 * the object whose id is `guest` to `node`, like hardware passed through). Their schemas,
 * planning, placement demand and node bindings; their operations are `fake_resource`'s.
 */
import { isValueMap, sameValue, UNKNOWN, type Attributes, type Value } from '../../src/core/value.js';
import type { NodeBinding, NodeBindingsRequest, PlacementDemand, PlacementDemandRequest } from '../../src/provider/placement.js';
import type { PlanResourceRequest, PlanResourceResponse, ResourceTypeSchema } from '../../src/provider/contract.js';
import { defaultPlanResource } from '../../src/provider/default-plan-resource.js';

const MiB = 1024 ** 2;

const names = { type: 'array', items: { type: 'string' } };

export function fakeGuestSchema(): ResourceTypeSchema {
  return {
    jsonSchema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'hl:fake_guest',
      type: 'object',
      additionalProperties: false,
      required: ['name', 'node'],
      properties: {
        name: { type: 'string' },
        node: { type: 'string', description: 'A node name, or auto.' },
        memory: { type: 'number', description: 'MiB.' },
        cores: { type: 'number' },
        running: { type: 'boolean' },
        storage: { type: 'string', description: 'Changing it replaces the guest.' },
        placement: {
          type: 'object',
          additionalProperties: false,
          properties: { prefer: names, avoid: names, spread: { type: 'boolean' } },
        },
        fail: { enum: ['create', 'update', 'delete', 'read'] },
      },
    },
    importIdFormat: 'fake-N',
    attributes: {
      id: { computed: true },
      serial: { computed: true },
      name: { required: true },
      node: { required: true },
      memory: { optional: true },
      cores: { optional: true },
      running: { optional: true },
      storage: { optional: true, forceNew: true },
      placement: { optional: true },
      fail: { optional: true },
    },
  };
}

export function fakeBindingSchema(): ResourceTypeSchema {
  return {
    jsonSchema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'hl:fake_binding',
      type: 'object',
      additionalProperties: false,
      required: ['guest', 'node'],
      properties: { guest: { type: 'string', description: 'Id of the bound object.' }, node: { type: 'string' }, what: { type: 'string' } },
    },
    attributes: {
      id: { computed: true },
      serial: { computed: true },
      guest: { required: true },
      node: { required: true },
      what: { optional: true },
    },
  };
}

/** Structural planning; a change of node alone is a migration (online when it runs). */
export function planFakeGuest(req: PlanResourceRequest): PlanResourceResponse {
  const r = defaultPlanResource(fakeGuestSchema(), req.prior, req.config);
  const from = req.prior?.['node'];
  const to = r.planned['node'];
  if (req.prior && r.requiresReplace.length === 0 && typeof from === 'string' && typeof to === 'string' && from !== to) {
    const how = r.planned['running'] === false ? 'offline migration' : 'online migration, local disks copied';
    r.migration = { path: ['node'], from, to, how };
  }
  return bumpSerial(req, r);
}

export function planFakeBinding(req: PlanResourceRequest): PlanResourceResponse {
  return bumpSerial(req, defaultPlanResource(fakeBindingSchema(), req.prior, req.config));
}

/** As for `fake_resource`: an update bumps `serial`, so it is unknown until apply. */
function bumpSerial(req: PlanResourceRequest, r: PlanResourceResponse): PlanResourceResponse {
  if (req.prior && r.requiresReplace.length === 0 && !sameValue(req.prior, r.planned)) r.planned['serial'] = UNKNOWN;
  return r;
}

export function fakePlacementDemand(req: PlacementDemandRequest): PlacementDemand | undefined {
  if (req.type !== 'fake_guest') return undefined;
  const a = req.attributes;
  const placement = isValueMap(a['placement']) ? a['placement'] : {};
  const demand: PlacementDemand = {
    node: text(a['node']),
    nodePath: ['node'],
    running: a['running'] !== false,
    storages: typeof a['storage'] === 'string' ? [a['storage']] : [],
  };
  if (typeof a['memory'] === 'number') demand.memoryBytes = a['memory'] * MiB;
  if (typeof a['cores'] === 'number') demand.vcpus = a['cores'];
  const prefer = textList(placement['prefer']);
  const avoid = textList(placement['avoid']);
  if (prefer) demand.prefer = prefer;
  if (avoid) demand.avoid = avoid;
  if (placement['spread'] === true) demand.spread = true;
  return demand;
}

export function fakeNodeBindings(req: NodeBindingsRequest): NodeBinding[] {
  const out: NodeBinding[] = [];
  for (const r of req.resources) {
    if (r.type !== 'fake_binding') continue;
    const a: Attributes = r.attributes;
    const guest = text(a['guest']);
    const node = text(a['node']);
    if (guest === undefined || node === undefined) continue;
    out.push({ objectId: guest, node, address: r.address, what: text(a['what']) ?? 'a fake device' });
  }
  return out;
}

function text(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function textList(v: Value | undefined): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}
