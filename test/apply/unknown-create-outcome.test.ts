/**
 * A create whose outcome cannot be learned: the create fails (its answer lost after it took
 * effect) and asking the provider whether the object exists fails too. The intent must stay in
 * the journal — never closed as failed, which would leave the object outside state — and the
 * next run's reconciliation must settle it, or stop with an error while it cannot.
 */
import { describe, expect, it } from 'vitest';
import { reconcileJournal } from '../../src/apply/reconcile-journal.js';
import { ProviderError, type CreateRequest, type RecoverRequest } from '../../src/provider/contract.js';
import { makeHarness } from '../support/engine-harness.js';

describe('a create whose outcome is unknown', () => {
  it('keeps the intent pending until a later run finds the object', async () => {
    const h = makeHarness();
    const realCreate = h.provider.create.bind(h.provider);
    const realRecover = h.provider.recover.bind(h.provider);
    h.provider.create = async (req: CreateRequest) => {
      await realCreate(req);
      throw new ProviderError('the answer to the create was lost');
    };
    h.provider.recover = async () => {
      throw new ProviderError('GET /cluster/resources failed (HTTP 500)');
    };

    const r = await h.apply('resources:\n  fake_resource.a: { name: a }\n  fake_resource.b: { name: b }\n');
    expect(r.outcomes.get('fake_resource.a')).toBe('failed');
    const message = r.diagnostics.find((d) => d.severity === 'error' && d.summary.startsWith('fake_resource.a'))!.summary;
    expect(message).toContain('the answer to the create was lost');
    expect(message).toContain('could not be checked (GET /cluster/resources failed (HTTP 500))');
    expect(h.world.list()).toHaveLength(2);

    const store = await h.openStore();
    expect(store.listResources()).toEqual([]);
    expect(store.pendingIntents().map((p) => [p.operation, p.address])).toEqual([
      ['create', 'fake_resource.a'],
      ['create', 'fake_resource.b'],
    ]);

    // The provider still cannot answer: an error, and the intents stay.
    const stuck = await reconcileJournal(store, new Map([['fake', h.provider]]));
    expect(stuck.diagnostics.map((d) => [d.severity, d.summary])).toEqual([
      ['error', 'An interrupted create of fake_resource.a could not be checked: GET /cluster/resources failed (HTTP 500)'],
      ['error', 'An interrupted create of fake_resource.b could not be checked: GET /cluster/resources failed (HTTP 500)'],
    ]);
    expect(stuck.recoveries.map((x) => x.result)).toEqual(['unresolved', 'unresolved']);
    expect(store.pendingIntents()).toHaveLength(2);

    // It answers again: both objects are adopted, none created twice.
    h.provider.recover = (req: RecoverRequest) => realRecover(req);
    const settled = await reconcileJournal(store, new Map([['fake', h.provider]]));
    expect(settled.recoveries.map((x) => x.result)).toEqual(['adopted', 'adopted']);
    expect(store.pendingIntents()).toEqual([]);
    expect(store.listResources().map((x) => x.id).sort()).toEqual(h.world.list().map((o) => o.id).sort());
    await store.close();
  });

  it('still treats a bug in recover as a bug', async () => {
    const h = makeHarness();
    h.provider.create = async () => {
      throw new ProviderError('the answer to the create was lost');
    };
    h.provider.recover = async () => {
      throw new ProviderError('cannot reach the API');
    };
    await h.apply('resources:\n  fake_resource.a: { name: a }\n');
    const store = await h.openStore();
    h.provider.recover = async () => {
      throw new TypeError('x is undefined');
    };
    await expect(reconcileJournal(store, new Map([['fake', h.provider]]))).rejects.toThrow(TypeError);
    await store.close();
  });
});
