/**
 * The shared conformance suite every provider runs: the rules of src/provider/contract.ts
 * checked against the provider's emulator over the network (and, for a provider with a
 * heartbeat hook, that its pure check answers with problems).
 *
 * Usage, in a provider's test file:
 *   describeProviderConformance('maas_device', {
 *     type: 'maas_device',
 *     start: async () => ({ provider, stop }),  // a configured provider against a fresh emulator
 *     config: {...},                           // a valid config for create
 *     update: {...},                           // the same config with in-place changes
 *   });
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/provider/contract.js';
import { containsUnknown, isValueMap, valueEquals, type Attributes, type Value } from '../../src/core/value.js';

export interface ConformanceSetup {
  type: string;
  start(): Promise<{ provider: Provider; stop(): Promise<void> }>;
  /** A valid config for a create. */
  config: Attributes;
  /** The same resource with changes the provider can make in place. */
  update?: Attributes;
  /** The id to import the created resource by, if it differs from the provider id. */
  importId?(id: string, state: Attributes): string;
}

/** The attributes of `state` that the config sets, compared the way the engine would. */
function configuredPart(config: Attributes, state: Attributes): Attributes {
  const out: Attributes = {};
  for (const k of Object.keys(config)) out[k] = state[k] ?? null;
  return out;
}

/** Planned attributes equal to the prior ones for every key the config sets: no perpetual diff. */
function planIsEmpty(provider: Provider, type: string, prior: Attributes, config: Attributes): boolean {
  const planned = provider.planResource
    ? provider.planResource({ type, prior, config, providerConfig: {} }).planned
    : { ...prior, ...config };
  return Object.keys(config).every((k) => valueEquals(planned[k] as Value, prior[k] as Value));
}

export function describeProviderConformance(name: string, setup: ConformanceSetup): void {
  describe(`provider conformance: ${name}`, () => {
    let provider: Provider;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      ({ provider, stop } = await setup.start());
    });
    afterAll(async () => {
      await stop?.();
    });

    it('declares the resource type with a JSON schema and attribute flags', () => {
      const schema = provider.getSchema().resources[setup.type];
      expect(schema, `schema for ${setup.type}`).toBeDefined();
      expect(typeof schema!.jsonSchema).toBe('object');
      expect(Object.keys(schema!.attributes).length).toBeGreaterThan(0);
      for (const k of Object.keys(setup.config)) expect(schema!.attributes, `attribute ${k}`).toHaveProperty(k);
    });

    it('creates, reads back what it created without mutating, plans no change, and deletes idempotently', async () => {
      const planned = provider.planResource
        ? provider.planResource({ type: setup.type, prior: null, config: setup.config, providerConfig: {} }).planned
        : setup.config;
      const identity = provider.reserve ? (await provider.reserve({ type: setup.type, planned })).identity : undefined;
      const created = await provider.create({ type: setup.type, planned, ...(identity ? { identity } : {}) });
      expect(created.id).toMatch(/\S/);
      expect(containsUnknown(created.state)).toBe(false);

      const first = await provider.read({ type: setup.type, id: created.id, prior: created.state });
      const second = await provider.read({ type: setup.type, id: created.id, prior: created.state });
      expect(first.state).not.toBeNull();
      expect(second.state).toEqual(first.state);
      expect(configuredPart(setup.config, first.state!)).toEqual(configuredPart(setup.config, created.state));
      expect(planIsEmpty(provider, setup.type, first.state!, setup.config)).toBe(true);

      if (provider.recover && identity) {
        const found = await provider.recover({ type: setup.type, identity, planned });
        expect(found?.id).toBe(created.id);
      }

      if (provider.importResource) {
        const importId = setup.importId ? setup.importId(created.id, created.state) : created.id;
        const imported = await provider.importResource({ type: setup.type, id: importId });
        expect(imported.resource?.id).toBe(created.id);
        expect(configuredPart(setup.config, imported.resource!.state)).toEqual(configuredPart(setup.config, first.state!));
      }

      let current = first.state!;
      if (setup.update) {
        const plannedUpdate = provider.planResource
          ? provider.planResource({ type: setup.type, prior: current, config: setup.update, providerConfig: {} })
          : { planned: { ...current, ...setup.update }, requiresReplace: [] };
        expect(plannedUpdate.requiresReplace).toEqual([]);
        const updated = await provider.update({ type: setup.type, id: created.id, prior: current, planned: plannedUpdate.planned });
        const after = await provider.read({ type: setup.type, id: created.id, prior: updated.state });
        expect(configuredPart(setup.update, after.state!)).toEqual(configuredPart(setup.update, updated.state));
        for (const [k, v] of Object.entries(setup.update)) {
          if (!isValueMap(v) && !Array.isArray(v)) expect(after.state![k], `updated ${k}`).toEqual(v);
        }
        current = after.state!;
      }

      await provider.delete({ type: setup.type, id: created.id, prior: current });
      expect((await provider.read({ type: setup.type, id: created.id, prior: current })).state).toBeNull();
      await expect(provider.delete({ type: setup.type, id: created.id, prior: current })).resolves.toBeUndefined();
    });

    it('answers heartbeat checks (when it takes heartbeats) with problems, never an exception', () => {
      const hook = provider.heartbeat;
      if (!hook) return;
      expect(Array.isArray(hook.check({ type: setup.type, state: setup.config }))).toBe(true);
      const other = hook.check({ type: 'no_such_type', state: {}, everyMs: 60_000 });
      expect(other.some((p) => p.severity !== 'warning')).toBe(true);
    });

    it('answers a read of something that never existed with null, not an error', async () => {
      const planned = provider.planResource
        ? provider.planResource({ type: setup.type, prior: null, config: setup.config, providerConfig: {} }).planned
        : setup.config;
      const identity = provider.reserve ? (await provider.reserve({ type: setup.type, planned })).identity : undefined;
      const created = await provider.create({ type: setup.type, planned, ...(identity ? { identity } : {}) });
      await provider.delete({ type: setup.type, id: created.id, prior: created.state });
      const gone = await provider.read({ type: setup.type, id: created.id, prior: created.state });
      expect(gone.state).toBeNull();
    });
  });
}
