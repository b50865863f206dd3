/**
 * Issue 14, item 10 (recovery): settling an interrupted create asks the provider through
 * `recover`, a read: a retryable failure is tried again, so a passing hiccup does not stop
 * the run with an unresolved intent.
 */
import { describe, expect, it } from 'vitest';
import { reconcileJournal } from '../../src/apply/reconcile-journal.js';
import { ProviderError, type CreateRequest, type RecoverRequest } from '../../src/provider/contract.js';
import { makeEngineFixture } from '../engine/engine-fixture.js';

describe('recovery retries', () => {
  it('retries a recover that fails retryably, then adopts the object', async () => {
    const f = makeEngineFixture();
    const realCreate = f.provider.create.bind(f.provider);
    const realRecover = f.provider.recover.bind(f.provider);
    f.provider.create = async (req: CreateRequest) => {
      await realCreate(req);
      throw new ProviderError('the answer to the create was lost');
    };
    f.provider.recover = async () => {
      throw new ProviderError('cannot reach the API');
    };
    await f.apply('resources:\n  fake_resource.a: { name: a }\n');
    const store = await f.openStore();
    expect(store.pendingIntents()).toHaveLength(1);
    let recovers = 0;
    f.provider.recover = async (req: RecoverRequest) => {
      recovers++;
      if (recovers <= 2) throw new ProviderError('HTTP 503', { retryable: true });
      return realRecover(req);
    };
    const r = await reconcileJournal(store, new Map([['fake', f.provider]]), f.retry);
    expect(r.diagnostics).toEqual([]);
    expect(r.recoveries.map((x) => x.result)).toEqual(['adopted']);
    expect(recovers).toBe(3);
    expect(f.sleeps).toHaveLength(2);
    await store.close();
  });
});
