/**
 * Issue 14, item 8 (data sources): data sources of a provider that cannot be reached give one
 * error for the provider, not one per data source.
 */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/provider/contract.js';
import { makeEngineFixture } from './engine-fixture.js';

describe('data sources of an unreachable provider', () => {
  it('give one error for the provider', async () => {
    const f = makeEngineFixture();
    let reads = 0;
    f.provider.readData = async () => {
      reads++;
      throw new ProviderError('GET /subnets: connect ECONNREFUSED 10.0.0.2:5240', { retryable: true, unreachable: { cause: 'refused', endpoint: 'http://10.0.0.2:5240' } });
    };
    const r = await f.planLive(`data:
  fake_data.one: { name: one }
  fake_data.two: { name: two }
resources:
  fake_resource.a: { name: "\${data.fake_data.one.echo}-\${data.fake_data.two.echo}" }
`);
    expect(r.plan).toBeUndefined();
    expect(reads).toBe(2); // unreachable: not retried
    expect(f.sleeps).toEqual([]);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary)).toEqual([
      'Provider "fake" cannot be reached at http://10.0.0.2:5240: connection refused (2 data sources could not be read)',
    ]);
  });
});
