/**
 * Issue 14, item 10 (apply side): a write is sent again only when the provider says the
 * failed one did nothing (`safeToRetry`); a write whose reply was lost (retryable, but it may
 * have taken effect) is never re-sent. The fake provider's injected faults say which is which.
 */
import { describe, expect, it } from 'vitest';
import { ProviderError, type CreateRequest, type DeleteRequest, type UpdateRequest } from '../../src/provider/contract.js';
import { mayRetry } from '../../src/provider/retry-provider-call.js';
import { SILENT_CALL_LOG, type CallRetry, type ProviderCallLog } from '../../src/provider/call-log.js';
import { FakeProvider } from '../../providers/fake/fake-provider.js';
import { makeEngineFixture } from '../engine/engine-fixture.js';

describe('retries of writes', () => {
  it('retries a create that was refused and did nothing', async () => {
    const f = makeEngineFixture();
    const real = f.provider.create.bind(f.provider);
    let calls = 0;
    f.provider.create = async (req: CreateRequest) => {
      calls++;
      if (calls === 1) throw new ProviderError('HTTP 503: try later', { retryable: true, safeToRetry: true });
      return real(req);
    };
    const r = await f.applyWithRetries('resources:\n  fake_resource.a: { name: a }\n');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.outcomes.get('fake_resource.a')).toBe('applied');
    expect(calls).toBe(2);
    expect(f.sleeps).toHaveLength(1);
    expect(f.world.list()).toHaveLength(1);
  });

  it('tells the provider call log (HL_LOG) of each retry of an operation', async () => {
    const f = makeEngineFixture();
    const real = f.provider.create.bind(f.provider);
    let calls = 0;
    f.provider.create = async (req: CreateRequest) => {
      calls++;
      if (calls === 1) throw new ProviderError('HTTP 503: try later', { retryable: true, safeToRetry: true });
      return real(req);
    };
    const retries: CallRetry[] = [];
    const log: ProviderCallLog = { ...SILENT_CALL_LOG, retry: (r) => retries.push(r) };
    const r = await f.apply('resources:\n  fake_resource.a: { name: a }\n', { retry: f.retry, callLog: (key) => (key === 'fake' ? log : undefined) });
    expect(r.outcomes.get('fake_resource.a')).toBe('applied');
    expect(retries).toEqual([{ call: 'create fake_resource.a', attempt: 2, of: 4, waitMs: f.sleeps[0], reason: 'HTTP 503: try later' }]);
  });

  it('does not re-send a create whose reply was lost (retryable, not safe to retry)', async () => {
    const f = makeEngineFixture();
    let calls = 0;
    f.provider.create = async () => {
      calls++;
      throw new ProviderError('the reply was lost', { retryable: true });
    };
    const r = await f.applyWithRetries('resources:\n  fake_resource.a: { name: a }\n');
    expect(r.outcomes.get('fake_resource.a')).toBe('failed');
    expect(calls).toBe(1);
    expect(f.sleeps).toEqual([]);
  });

  it('retries updates and deletes only when safe', async () => {
    const f = makeEngineFixture();
    await f.apply('resources:\n  fake_resource.a: { name: a, size: 1 }\n  fake_resource.b: { name: b }\n');
    const realUpdate = f.provider.update.bind(f.provider);
    const realDelete = f.provider.delete.bind(f.provider);
    let updates = 0;
    let deletes = 0;
    f.provider.update = async (req: UpdateRequest) => {
      updates++;
      if (updates <= 2) throw new ProviderError('VM is locked', { retryable: true, safeToRetry: true, retryAfterMs: 1_234 });
      return realUpdate(req);
    };
    f.provider.delete = async (req: DeleteRequest) => {
      deletes++;
      if (deletes === 1) throw new ProviderError('connection dropped mid-request', { retryable: true });
      return realDelete(req);
    };
    const r = await f.applyWithRetries('resources:\n  fake_resource.a: { name: a, size: 2 }\n');
    expect(r.outcomes.get('fake_resource.a')).toBe('applied');
    expect(updates).toBe(3);
    expect(r.outcomes.get('fake_resource.b')).toBe('failed');
    expect(deletes).toBe(1);
    expect(f.sleeps).toEqual([1_234, 1_234]);
  });

  it("the fake provider's refused fault is safe to retry, its lost reply is not", async () => {
    const dir = makeEngineFixture().dir;
    const refused = new FakeProvider();
    await refused.configure({ config: { fail_rate: 1, fault_seed: 1 }, configDir: dir, workDir: dir });
    const e1 = await refused.create({ type: 'fake_resource', planned: { name: 'x' } }).catch((e: unknown) => e);
    expect(mayRetry('write', e1)).toBe(true);
    const lost = new FakeProvider();
    await lost.configure({ config: { lost_reply_rate: 1, fault_seed: 1, world: 'w.jsonl' }, configDir: dir, workDir: dir });
    const e2 = await lost.create({ type: 'fake_resource', planned: { name: 'x' } }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ProviderError);
    expect(mayRetry('write', e2)).toBe(false);
  });
});
