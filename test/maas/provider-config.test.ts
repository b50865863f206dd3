/**
 * The provider block: transport rules, API key checks, the embedded emulator
 * (`emulated: true`), several regions side by side (aliases), schema and factory.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import type { Attributes } from '../../src/core/value.js';
import { maasProviderFactory } from '../../providers/maas/index.js';
import { MaasProvider } from '../../providers/maas/maas-provider.js';
import { normalizeMaasUrl, parseProviderConfig } from '../../providers/maas/provider-config.js';
import { startMaasEmulator } from '../../providers/maas/emulator/maas-emulator.js';

const KEY = 'ck:tk:secret';

function problemsOf(config: Attributes): string[] {
  const r = parseProviderConfig(config);
  return 'problems' in r ? r.problems.map((p) => `${p.attribute}: ${p.message}`) : [];
}

describe('maas provider block', () => {
  it('accepts https, and http to loopback', () => {
    expect(problemsOf({ url: 'https://maas.maas:5443/MAAS', api_key: KEY })).toEqual([]);
    expect(problemsOf({ url: 'http://127.0.0.1:5240/MAAS', api_key: KEY })).toEqual([]);
    expect(problemsOf({ url: 'http://localhost:5240/MAAS', api_key: KEY })).toEqual([]);
    expect(problemsOf({ url: 'http://[::1]:5240/MAAS', api_key: KEY })).toEqual([]);
  });

  it('refuses plain http to a network host unless allow_http says so', () => {
    expect(problemsOf({ url: 'http://maas.maas:5240/MAAS', api_key: KEY })).toEqual([
      'url: url uses plain http to maas.maas: the OAuth PLAINTEXT signature (your token secret) would cross the network unencrypted. ' +
        'Use https, or set allow_http: true in the maas provider block to accept it (http is accepted to loopback hosts only) (MAAS serves https on :5443 once configured)',
    ]);
    expect(problemsOf({ url: 'http://maas.maas:5240/MAAS', api_key: KEY, allow_http: true })).toEqual([]);
  });

  it.each([
    [{ api_key: KEY }, 'url: url is required (e.g. http://maas.maas:5240/MAAS), or set emulated: true'],
    [{ url: 'ftp://maas/MAAS', api_key: KEY }, 'url: url must be an http(s) URL such as https://maas.example:5443/MAAS, got "ftp://maas/MAAS"'],
    [{ url: 'https://maas/MAAS' }, 'api_key: api_key is required (the output of `maas apikey --username <user>`)'],
    [
      { url: 'https://maas/MAAS', api_key: 'only:two' },
      "api_key: api_key must have the form consumer_key:token_key:token_secret (three non-empty parts separated by ':'), got 2 part(s)",
    ],
    [
      { url: 'https://maas/MAAS', api_key: KEY, tls_fingerprint: 'abcd' },
      'tls_fingerprint: tls_fingerprint must be the SHA-256 fingerprint of the server certificate: 64 hex digits, colons allowed',
    ],
    [
      { url: 'https://maas/MAAS', api_key: KEY, insecure: true, ca_file: 'ca.pem' },
      'insecure: insecure: true turns verification off; it cannot be combined with ca_file or tls_fingerprint',
    ],
    [{ url: 'http://127.0.0.1/MAAS', api_key: KEY, ca_file: 'ca.pem' }, 'ca_file: ca_file applies to https only, but url uses http'],
    [
      { emulated: true, url: 'https://maas/MAAS' },
      'url: url cannot be set with emulated: true (the embedded emulator chooses its own address and key)',
    ],
    [{ url: 'https://maas/MAAS', api_key: KEY, region: 'x' }, 'region: unknown attribute region of the maas provider'],
    [
      { url: 'https://maas/MAAS', api_key: KEY, maas_version: '3.7' },
      'maas_version: maas_version applies only with emulated: true (the release the embedded emulator plays); a real region runs the version it runs',
    ],
    [{ emulated: true, maas_version: '3.4' }, 'maas_version: maas_version must be one of "3.5", "3.6", "3.7", got "3.4"'],
    [{ url: 'https://maas/MAAS', api_key: KEY, timeout_seconds: 0 }, 'timeout_seconds: timeout_seconds must be a number from 1 to 600'],
  ])('%j is refused', (config, message) => {
    expect(problemsOf(config as Attributes)).toEqual([message]);
  });

  it('never echoes the API key in a message', () => {
    const secret = 'SuperSecretToken';
    const all = problemsOf({ url: 'http://maas.maas/MAAS', api_key: `a:b:c:${secret}` }).join('\n');
    expect(all).not.toContain(secret);
  });

  it('normalizes the URL to the MAAS root', () => {
    expect(normalizeMaasUrl('http://maas:5240')).toBe('http://maas:5240/MAAS');
    expect(normalizeMaasUrl('http://maas:5240/MAAS/')).toBe('http://maas:5240/MAAS');
    expect(normalizeMaasUrl('https://maas/MAAS/api/2.0/')).toBe('https://maas/MAAS');
  });

  it('configure() throws a ProviderError listing the problems', async () => {
    const p = new MaasProvider();
    await expect(p.configure({ config: { url: 'http://maas.maas/MAAS', api_key: 'x' }, configDir: '.', workDir: '.' })).rejects.toThrow(
      /^maas provider: api_key must have the form .*; url uses plain http to maas\.maas/,
    );
  });

  it('declares its schema: resources, data source, sensitive api_key', () => {
    const schema = maasProviderFactory.create().getSchema();
    expect(maasProviderFactory.type).toBe('maas');
    expect(Object.keys(schema.resources)).toEqual(['maas_device', 'maas_dns_record', 'maas_dns_domain', 'maas_tag', 'maas_reserved_ip']);
    expect(Object.keys(schema.dataSources)).toEqual(['maas_subnet']);
    expect(schema.providerSensitive).toEqual(['api_key']);
    expect(schema.resources.maas_device!.attributes.system_id).toEqual({ computed: true });
    expect((schema.providerJsonSchema as { properties: object }).properties).toHaveProperty('tls_fingerprint');
  });
});

describe('emulated: true and several regions', () => {
  const dirs: string[] = [];
  const providers: MaasProvider[] = [];
  afterEach(async () => {
    for (const p of providers.splice(0)) await p.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function workDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'hl-maas-work-'));
    dirs.push(d);
    return d;
  }

  it('starts the embedded emulator on loopback, keeps its world in <workDir>/maas-world.json, and close() stops it', async () => {
    const dir = workDir();
    const p = maasProviderFactory.create() as MaasProvider;
    providers.push(p);
    const progress: string[] = [];
    await p.configure({ config: { emulated: true }, configDir: dir, workDir: dir, progress: (m) => progress.push(m) });
    const url = p.emulator!.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/MAAS$/);
    expect(progress[0]).toContain('embedded emulator');
    const config = { hostname: 'emu-host', interfaces: { lan: { mac: 'bc:24:11:00:00:41', subnet: '192.168.4.0/24', ip: '192.168.4.45' } } };
    const planned = p.planResource({ type: 'maas_device', prior: null, config, providerConfig: { emulated: true } }).planned;
    const created = await p.create({ type: 'maas_device', planned });
    const file = join(dir, 'maas-world.json');
    expect(readFileSync(file, 'utf8')).toContain('emu-host');
    await p.close();
    const agent = new Agent();
    await expect(request(`${url}/api/2.0/version/`, { dispatcher: agent })).rejects.toThrow();
    await agent.close();

    // A new instance on the same workDir finds the world again.
    const again = maasProviderFactory.create() as MaasProvider;
    providers.push(again);
    await again.configure({ config: { emulated: true }, configDir: dir, workDir: dir });
    expect((await again.read({ type: 'maas_device', id: created.id, prior: created.state })).state).toEqual(created.state);
    expect(existsSync(file)).toBe(true);
  });

  it('maas_version picks the release the embedded emulator plays (quotes optional)', async () => {
    const dir = workDir();
    const p = maasProviderFactory.create() as MaasProvider;
    providers.push(p);
    await p.configure({ config: { emulated: true, maas_version: 3.7 }, configDir: dir, workDir: dir });
    const agent = new Agent();
    const res = await request(`${p.emulator!.url}/api/2.0/version/`, { dispatcher: agent });
    expect(((await res.body.json()) as { version: string }).version).toBe('3.7.0');
    await agent.close();
  });

  it('two provider instances (aliases for two regions) are independent', async () => {
    const a = maasProviderFactory.create() as MaasProvider;
    const b = maasProviderFactory.create() as MaasProvider;
    providers.push(a, b);
    const da = workDir();
    const db = workDir();
    const region2 = await startMaasEmulator({ worldFile: join(db, 'region2.json'), seed: 99 });
    try {
      await a.configure({ config: { emulated: true }, configDir: da, workDir: da });
      await b.configure({ config: { url: region2.url, api_key: region2.apiKey }, configDir: db, workDir: db });
      const config = { hostname: 'same-name', mac_addresses: ['bc:24:11:00:00:51'] };
      const plannedA = a.planResource({ type: 'maas_device', prior: null, config, providerConfig: {} }).planned;
      const inA = await a.create({ type: 'maas_device', planned: plannedA });
      // The same MAC is free in the other region.
      const inB = await b.create({ type: 'maas_device', planned: plannedA });
      expect(inA.state.hostname).toBe('same-name');
      expect(inB.state.hostname).toBe('same-name');
      expect(region2.world.nodes.filter((n) => n.hostname === 'same-name')).toHaveLength(1);
      expect(a.emulator!.world.nodes.filter((n) => n.hostname === 'same-name')).toHaveLength(1);
      expect((await b.read({ type: 'maas_device', id: inA.id, prior: inA.state })).state).toBeNull();
    } finally {
      await region2.close();
    }
  });

  it('a wrong url path surfaces as a wrong URL, not as "the resource is gone"', async () => {
    const dir = workDir();
    const emu = await startMaasEmulator({ worldFile: join(dir, 'w.json') });
    try {
      const p = new MaasProvider({ retryDelayMs: 1 });
      providers.push(p);
      await p.configure({ config: { url: emu.url.replace('/MAAS', '/maas2'), api_key: emu.apiKey }, configDir: dir, workDir: dir });
      await expect(p.read({ type: 'maas_device', id: 'pqd3ht', prior: {} })).rejects.toThrow(
        /failed \(404\): Unknown API endpoint: \/maas2\/api\/2\.0\/devices\/pqd3ht\/\. \(is url right\?/,
      );
    } finally {
      await emu.close();
    }
  });

  it('an unreachable MAAS is a retryable ProviderError after the retries', async () => {
    const p = new MaasProvider({ retryDelayMs: 1 });
    providers.push(p);
    await p.configure({ config: { url: 'http://127.0.0.1:9/MAAS', api_key: KEY, timeout_seconds: 2 }, configDir: '.', workDir: '.' });
    const err = (await p.read({ type: 'maas_device', id: 'abc123', prior: {} }).catch((e: unknown) => e)) as Error & {
      options?: { retryable?: boolean };
    };
    expect(err.name).toBe('ProviderError');
    expect(err.message).toMatch(/^MAAS GET devices\/abc123\/ failed: .*ECONNREFUSED/);
    expect(err.options?.retryable).toBe(true);
  });
});
