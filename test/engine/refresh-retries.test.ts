/**
 * Issue 14, items 10 and 14 (plan side): refresh reads that fail retryably are tried again
 * with backoff (honouring Retry-After, capped); one that is not retryable is tried once; a
 * read that still fails leaves its resource unreadable with a warning and the rest plans.
 */
import { describe, expect, it } from 'vitest';
import { ProviderError, type ReadRequest } from '../../src/provider/contract.js';
import { makeEngineFixture } from './engine-fixture.js';

const CONFIG = (sizeB: number) => `resources:\n  fake_resource.a: { name: a, size: 1 }\n  fake_resource.b: { name: b, size: ${sizeB} }\n`;

/** Makes reads of the object named `name` fail with `errors`, in turn, then read normally. */
function failReads(f: ReturnType<typeof makeEngineFixture>, name: string, errors: ProviderError[]): { calls: number } {
  const real = f.provider.read.bind(f.provider);
  const counter = { calls: 0 };
  f.provider.read = async (req: ReadRequest) => {
    if (req.prior['name'] === name) {
      counter.calls++;
      const e = errors.shift();
      if (e) throw e;
    }
    return real(req);
  };
  return counter;
}

describe('refresh with failing reads', () => {
  it('retries a read that fails retryably twice, then plans as usual', async () => {
    const f = makeEngineFixture();
    await f.apply(CONFIG(1));
    const reads = failReads(f, 'a', [
      new ProviderError('GET /objects/a: HTTP 503', { retryable: true }),
      new ProviderError('GET /objects/a: connection reset', { retryable: true }),
    ]);
    const r = await f.planLive(CONFIG(2));
    expect(r.diagnostics.filter((d) => d.severity !== 'warning' || d.summary.includes('could not be read'))).toEqual([]);
    expect(r.plan).toBeDefined();
    expect(reads.calls).toBe(3);
    // backoff doubles (random 0.5 gives three quarters of the exponential step)
    expect(f.sleeps).toEqual([75, 150]);
    expect(r.plan!.changes.map((c) => [c.address, c.action])).toEqual([
      ['fake_resource.a', 'no-op'],
      ['fake_resource.b', 'update'],
    ]);
  });

  it('honours Retry-After, capped at the policy maximum', async () => {
    const f = makeEngineFixture();
    await f.apply(CONFIG(1));
    failReads(f, 'a', [
      new ProviderError('HTTP 503: busy', { retryable: true, retryAfterMs: 2_500 }),
      new ProviderError('HTTP 503: busy', { retryable: true, retryAfterMs: 600_000 }),
    ]);
    const r = await f.planLive(CONFIG(1));
    expect(r.plan).toBeDefined();
    expect(f.sleeps).toEqual([2_500, 60_000]);
  });

  it('gives up after the attempts of the policy', async () => {
    const f = makeEngineFixture();
    await f.apply(CONFIG(1));
    const errors = Array.from({ length: 10 }, () => new ProviderError('HTTP 503: busy', { retryable: true }));
    const reads = failReads(f, 'a', errors);
    const r = await f.planLive(CONFIG(2));
    expect(reads.calls).toBe(4);
    expect(f.sleeps).toHaveLength(3);
    expect(r.plan).toBeDefined();
  });

  it('does not retry a read that is not retryable; the rest still plans, with a warning about it', async () => {
    const f = makeEngineFixture();
    await f.apply(CONFIG(1));
    const reads = failReads(f, 'a', [new ProviderError('GET /objects/a: HTTP 403 permission denied')]);
    const r = await f.planLive(CONFIG(2));
    expect(reads.calls).toBe(1);
    expect(f.sleeps).toEqual([]);
    expect(r.plan, r.diagnostics.map((d) => d.summary).join('\n')).toBeDefined();
    expect(r.plan!.changes.find((c) => c.address === 'fake_resource.b')!.action).toBe('update');
    expect(r.plan!.changes.find((c) => c.address === 'fake_resource.a')!.action).toBe('no-op');
    const warnings = r.diagnostics.filter((d) => d.severity === 'warning' && d.address === 'fake_resource.a');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.summary).toContain('fake_resource.a could not be read');
    expect(warnings[0]!.summary).toContain('GET /objects/a: HTTP 403 permission denied');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('never retries a bug (an error that is not a ProviderError)', async () => {
    const f = makeEngineFixture();
    await f.apply(CONFIG(1));
    const real = f.provider.read.bind(f.provider);
    let calls = 0;
    f.provider.read = async (req: ReadRequest) => {
      if (req.prior['name'] === 'a') {
        calls++;
        throw new TypeError('x is undefined');
      }
      return real(req);
    };
    await f.planLive(CONFIG(1));
    expect(calls).toBe(1);
    expect(f.sleeps).toEqual([]);
  });
});
