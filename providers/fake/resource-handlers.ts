/**
 * The fake provider's handler table: `fake_resource` (structural planning plus a bumped
 * `serial`, and operations on the session's world, each through the session's recording
 * call), the placed types `fake_guest` and `fake_binding` (their planning in
 * fake-placement.ts, the same operations) and the `fake_data` data source (an echo of its config).
 */
import { isValueMap, sameValue, UNKNOWN, type Attributes, type Value } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import { defaultPlanResource } from '../../src/provider/default-plan-resource.js';
import type { DataSourceHandler, ResourceHandler, ResourcePlanning } from '../../src/provider/resource-handler.js';
import { planFakeBinding, planFakeGuest } from './fake-placement.js';
import { fakeResourceSchema } from './fake-schema.js';
import type { FakeSession } from './fake-session.js';

/** Unknowns in a planned value become null: the fake has nothing else to compute. */
function known(v: Value): Value {
  if (Array.isArray(v)) return v.map(known);
  if (isValueMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, known(x)]));
  return typeof v === 'object' && v !== null ? null : v;
}

function materialize(planned: Attributes, id: string, serial: number): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(planned)) out[k] = known(v);
  out['id'] = id;
  out['serial'] = serial;
  return out;
}

const FAKE_RESOURCE: ResourceHandler<FakeSession> = {
  /** Structural planning, plus: any update bumps `serial`, so it is unknown until apply. */
  plan: (req) => {
    const r = defaultPlanResource(fakeResourceSchema(), req.prior, req.config);
    if (req.prior && r.requiresReplace.length === 0 && !sameValue(req.prior, r.planned)) r.planned['serial'] = UNKNOWN;
    return r;
  },

  read: (s, req) =>
    s.call('read', req.type, req.prior, req.id, () => {
      const obj = s.world.get(req.id);
      if (obj?.attributes['fail'] === 'read') throw new ProviderError(`fake: read of ${req.id} failed as configured`);
      return { state: obj ? { ...obj.attributes } : null };
    }),

  reserve: (s, req) => s.call('reserve', req.type, req.planned, undefined, () => ({ identity: { id: s.world.allocateId() } })),

  create: (s, req) =>
    s.call('create', req.type, req.planned, undefined, () => {
      if (req.planned['fail'] === 'create')
        throw new ProviderError(`fake: create of "${String(req.planned['name'])}" failed as configured`);
      const id = typeof req.identity?.['id'] === 'string' ? req.identity['id'] : s.world.allocateId();
      const existing = s.world.get(id);
      if (existing) return { id, state: existing.attributes }; // never create twice
      const attributes = materialize(req.planned, id, 0);
      if (req.planned['fail'] === 'create-partial') {
        const made = { ...attributes, description: null };
        s.world.put({ id, type: req.type, attributes: made });
        throw new ProviderError(`fake: "${String(req.planned['name'])}" was created, but setting its description failed`, {
          partial: { id, state: { ...made } },
        });
      }
      s.world.put({ id, type: req.type, attributes });
      return { id, state: attributes };
    }),

  update: (s, req) =>
    s.call('update', req.type, req.planned, req.id, () => {
      if (req.planned['fail'] === 'update')
        throw new ProviderError(`fake: update of "${String(req.planned['name'])}" failed as configured`);
      const obj = s.world.get(req.id);
      if (!obj) throw new ProviderError(`fake: object ${req.id} does not exist`);
      const serial = typeof obj.attributes['serial'] === 'number' ? obj.attributes['serial'] + 1 : 1;
      const attributes = materialize(req.planned, req.id, serial);
      if (req.planned['fail'] === 'update-partial') {
        const made = { ...attributes, description: obj.attributes['description'] ?? null };
        s.world.put({ id: req.id, type: req.type, attributes: made });
        throw new ProviderError(`fake: "${String(req.planned['name'])}" was updated, but setting its description failed`, {
          partial: { id: req.id, state: { ...made } },
        });
      }
      s.world.put({ id: req.id, type: req.type, attributes });
      return { state: attributes };
    }),

  delete: async (s, req) => {
    await s.call('delete', req.type, req.prior, req.id, () => {
      if (req.prior['fail'] === 'delete') throw new ProviderError(`fake: delete of "${String(req.prior['name'])}" failed as configured`);
      s.world.delete(req.id);
    });
  },

  recover: (s, req) =>
    s.call('recover', req.type, req.planned, undefined, () => {
      const id = req.identity['id'];
      const obj = typeof id === 'string' ? s.world.get(id) : undefined;
      return obj ? { id: obj.id, state: obj.attributes } : null;
    }),

  importResource: (s, req) =>
    s.call('import', req.type, undefined, req.id, () => {
      const obj = s.world.get(req.id);
      return { resource: obj ? { id: obj.id, state: obj.attributes } : null };
    }),
};

export const FAKE_RESOURCES: Readonly<Record<string, ResourceHandler<FakeSession>>> = {
  fake_resource: FAKE_RESOURCE,
  fake_guest: { ...FAKE_RESOURCE, plan: planFakeGuest },
  fake_binding: { ...FAKE_RESOURCE, plan: planFakeBinding },
};

const FAKE_DATA: DataSourceHandler<FakeSession> = {
  read: async (_s, req) => ({
    state: { name: req.config['name'] ?? null, id: `data-${String(req.config['name'])}`, echo: `echo:${String(req.config['name'])}` },
  }),
};

export const FAKE_DATA_SOURCES: Readonly<Record<string, DataSourceHandler<FakeSession>>> = { fake_data: FAKE_DATA };

export const FAKE_DATA_SOURCE_PLANNING: Readonly<Record<string, ResourcePlanning>> = { fake_data: {} };
