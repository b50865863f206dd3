/**
 * Issue 22: an object whose id changes (a guest migrated to another node: its id is
 * node/vmid) keeps its state entry under the new id, whether the update moved it, the refresh
 * found it moved outside hl, or a crash cut the update short and recovery asked where it is.
 */
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/executor.js';
import { silentEvents } from '../../src/apply/apply-events.js';
import { reconcileJournal } from '../../src/apply/reconcile-journal.js';
import type { ReadRequest, UpdateRequest } from '../../src/provider/contract.js';
import { makeEngineFixture } from '../engine/engine-fixture.js';

const V1 = 'resources:\n  fake_resource.a: { name: a }\n';
const V2 = 'resources:\n  fake_resource.a: { name: a, size: 2 }\n';

describe('object ids that change', () => {
  it('records the id an update answers with', async () => {
    const f = makeEngineFixture();
    await f.apply(V1);
    const update = f.provider.update.bind(f.provider);
    f.provider.update = async (req: UpdateRequest) => ({ ...(await update(req)), id: 'elsewhere/1' });
    const r = await f.apply(V2);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const store = await f.openStore();
    expect(store.getResource('fake_resource.a')?.id).toBe('elsewhere/1');
    await store.close();
  });

  it('plans the id a refresh found as drift and records it at apply, without any change', async () => {
    const f = makeEngineFixture();
    await f.apply(V1);
    const before = await f.openStore();
    const oldId = before.getResource('fake_resource.a')!.id;
    await before.close();
    const read = f.provider.read.bind(f.provider);
    f.provider.read = async (req: ReadRequest) => ({ ...(await read(req)), id: 'elsewhere/2' });
    const { plan } = await f.planLive(V1);
    expect(plan).toBeDefined();
    expect(plan!.drift.map((d) => [d.address, d.id, d.newId])).toEqual([['fake_resource.a', oldId, 'elsewhere/2']]);
    expect(plan!.changes.map((c) => c.action)).toEqual(['no-op']);

    const project = await f.load(V1);
    const store = await f.openStore();
    await applyPlan({
      plan: plan!,
      config: project.config,
      graph: project.graph,
      variables: project.variables,
      store,
      providers: new Map([['fake', f.provider]]),
      providerConfigs: new Map([['fake', {}]]),
      parallelism: 2,
      events: silentEvents,
      shouldStop: () => false,
      paths: project.paths,
    });
    expect(store.getResource('fake_resource.a')?.id).toBe('elsewhere/2');
    await store.close();
  });

  it('recovers an interrupted update under the id the object has now', async () => {
    const f = makeEngineFixture();
    await f.apply(V1);
    const store = await f.openStore();
    const prior = store.getResource('fake_resource.a')!;
    // an update that was under way when hl was killed
    await store.beginIntent({
      address: prior.address,
      operation: 'update',
      type: prior.type,
      provider: prior.provider,
      id: prior.id,
      planned: { ...prior.attributes, size: 2 },
    });
    await store.close();
    const read = f.provider.read.bind(f.provider);
    f.provider.read = async (req: ReadRequest) => ({ ...(await read(req)), id: 'elsewhere/3' });
    const again = await f.openStore();
    const r = await reconcileJournal(again, new Map([['fake', f.provider]]), f.retry);
    expect(r.diagnostics).toEqual([]);
    expect(r.recoveries).toEqual([{ address: 'fake_resource.a', operation: 'update', result: 'refreshed', id: 'elsewhere/3' }]);
    expect(again.getResource('fake_resource.a')?.id).toBe('elsewhere/3');
    await again.close();
    const after = await f.openStore();
    expect(after.pendingIntents()).toEqual([]);
    expect(after.getResource('fake_resource.a')?.id).toBe('elsewhere/3');
    await after.close();
  });
});
