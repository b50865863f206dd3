/**
 * Issue 17, item 2: MAAS's "try again" answers (409 with Retry-After: 5 after its own
 * serialization retries, 503 with Retry-After: 10 from the middleware) are honoured for
 * every method, after the wait MAAS names; a POST is sent again only after reading back
 * that the earlier attempt made nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import { startMaasEmulator, type MaasEmulator } from '../../providers/maas/emulator/maas-emulator.js';
import { MaasProvider } from '../../providers/maas/maas-provider.js';

describe('Retry-After from MAAS', () => {
  let emulator: MaasEmulator;
  let provider: MaasProvider;
  let workDir: string;
  let waits: number[];
  beforeEach(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'hl-maas-retry-'));
    emulator = await startMaasEmulator({ worldFile: join(workDir, 'maas-world.json'), seed: 3 });
    waits = [];
    // the waits are recorded, not slept: the test asserts MAAS's values without timing
    provider = new MaasProvider({ retryDelayMs: 1, sleep: async (ms) => void waits.push(ms) });
    await provider.configure({ config: { url: emulator.url, api_key: emulator.apiKey }, configDir: workDir, workDir });
  });
  afterEach(async () => {
    await provider.close();
    await emulator.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const record = (config: Attributes) => provider.planResource({ type: 'maas_dns_record', prior: null, config, providerConfig: {} }).planned;

  it('a create answered 409 twice is read back, then sent again after 5 s each time, and made once', async () => {
    emulator.faults.pathPattern = '^dnsresources/$';
    emulator.faults.methods = ['POST'];
    emulator.faults.conflictNextRequests = 2;
    const created = await provider.create({ type: 'maas_dns_record', planned: record({ type: 'A', fqdn: 'kuma.maas', data: ['192.168.4.60'] }) });
    expect(created.state.data).toEqual(['192.168.4.60']);
    expect(waits).toEqual([5_000, 5_000]);
    const calls = emulator.requestLog.filter((r) => r.path === 'dnsresources/').map((r) => `${r.method} ${r.status}`);
    // each re-send is preceded by the read-back that finds nothing made
    expect(calls).toEqual(['GET 200', 'POST 409', 'GET 200', 'POST 409', 'GET 200', 'POST 200', 'GET 200']);
    expect(emulator.world.dnsresources.filter((r) => r.name === 'kuma')).toHaveLength(1);
  });

  it('a PUT and a DELETE answered 503 wait the 10 s MAAS asks for', async () => {
    const created = await provider.create({ type: 'maas_dns_record', planned: record({ type: 'A', fqdn: 'kuma.maas', data: ['192.168.4.60'] }) });
    emulator.faults.methods = ['PUT', 'DELETE'];
    emulator.faults.unavailableNextRequests = 1;
    const planned = record({ type: 'A', fqdn: 'kuma.maas', data: ['192.168.4.61'] });
    const updated = await provider.update({ type: 'maas_dns_record', id: created.id, prior: created.state, planned });
    expect(updated.state.data).toEqual(['192.168.4.61']);
    emulator.faults.unavailableNextRequests = 1;
    await provider.delete({ type: 'maas_dns_record', id: created.id, prior: updated.state });
    expect(waits).toEqual([10_000, 10_000]);
    expect(emulator.world.dnsresources.filter((r) => r.name === 'kuma')).toHaveLength(0);
  });

  it('when MAAS keeps answering 409 the error says so and is safe to retry later', async () => {
    emulator.faults.methods = ['POST'];
    emulator.faults.conflictNextRequests = 10;
    const e = (await provider
      .create({ type: 'maas_dns_record', planned: record({ type: 'A', fqdn: 'kuma.maas', data: ['192.168.4.60'] }) })
      .catch((x: unknown) => x)) as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.options).toMatchObject({ status: 409, safeToRetry: true, retryAfterMs: 5_000 });
    expect(e.message).toContain('MAAS POST dnsresources/ failed (409)');
    expect(emulator.world.dnsresources.filter((r) => r.name === 'kuma')).toHaveLength(0);
  });
});
