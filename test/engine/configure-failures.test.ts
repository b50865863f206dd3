/**
 * Issue 14, item 8 (configure): every provider instance that cannot be configured is
 * reported once, at its provider block; one whose server cannot be reached says why in
 * words, where, and what to check — and a raw connection error a provider let through is
 * classified the same way. The others' failures keep their own message.
 */
import { describe, expect, it } from 'vitest';
import { openProviderSession } from '../../src/engine/provider-session.js';
import type { ProviderRegistry } from '../../src/engine/provider-registry.js';
import { ProviderError, type ProviderFactory } from '../../src/provider/contract.js';
import { FakeProvider } from '../../providers/fake/fake-provider.js';
import { makeHarness } from '../support/engine-harness.js';

/** The fake provider, whose configure throws what `failures` says for the alias in use. */
function registry(failures: Record<string, () => unknown>): ProviderRegistry {
  const factory: ProviderFactory = {
    type: 'fake',
    create: () => {
      const p = new FakeProvider();
      p.configure = async (req) => {
        const fail = failures[String(req.config['world'])];
        if (fail) throw fail();
      };
      return p;
    },
  };
  return { types: () => ['fake'], load: async (t) => (t === 'fake' ? factory : undefined) };
}

describe('provider configure failures', () => {
  it('one located diagnostic per failing instance, an unreachable one in words with a hint', async () => {
    const h = makeHarness();
    const project = await h.load(`providers:
  fake.a: { world: a }
  fake.b: { world: b }
  fake.c: { world: c }
  fake.d: { world: d }
resources:
  fake_resource.x: { provider: fake.a, name: x }
  fake_resource.y: { provider: fake.b, name: y }
`);
    const store = await h.openStore();
    const r = await openProviderSession({
      config: project.config,
      state: store.state,
      variables: project.variables,
      registry: registry({
        a: () => new ProviderError('could not connect to https://10.0.0.1:8006: connect ECONNREFUSED', { unreachable: { cause: 'refused', endpoint: 'https://10.0.0.1:8006' } }),
        b: () => Object.assign(new Error('getaddrinfo ENOTFOUND kuma.maas'), { code: 'ENOTFOUND' }),
        d: () => new ProviderError('api_key is not a MAAS key'),
      }),
      configDir: h.dir,
      workDir: h.dir,
      paths: project.paths,
    });
    await store.close();
    expect(r.session).toBeUndefined();
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.summary, d.location?.line])).toEqual([
      ['Provider "fake.a" cannot be reached at https://10.0.0.1:8006: connection refused (it could not be configured)', 2],
      ['Provider "fake.b" cannot be reached: the host name was not found (DNS) (it could not be configured)', 3],
      ['Provider "fake.d" could not be configured: api_key is not a MAAS key', 5],
    ]);
    expect(errors[0]!.detail).toContain('Is the server running');
    expect(errors[1]!.detail).toContain('Check the host name');
  });
});
