/**
 * What the client puts on the wire, captured by the emulator: the OAuth PLAINTEXT header
 * exactly as MAAS expects it, fresh nonces, `op` in the query string, form-encoded bodies
 * with repeated keys; and MAAS refusing a bad key, a bad signature, a replayed nonce.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { parseOAuthHeader, buildOAuthHeader } from '../../providers/maas/client/oauth-header.js';
import { MaasApi } from '../../providers/maas/client/maas-api.js';
import { MaasHttpClient } from '../../providers/maas/client/maas-http-client.js';
import { Agent } from 'undici';
import { credentialsOf, startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

const HEADER_RE =
  /^OAuth realm="", oauth_consumer_key="([^"]+)", oauth_token="([^"]+)", oauth_signature_method="PLAINTEXT", oauth_signature="%26([^"]+)", oauth_timestamp="(\d+)", oauth_nonce="([0-9a-f]{32})", oauth_version="1\.0"$/;

describe('OAuth header and body encoding', () => {
  let f: MaasFixture;
  beforeEach(async () => {
    f = await startMaasFixture({ apiKeys: ['Ck3yAbCdEf:T0kenKeyXyZ:S3cr3tT0kenSecretValue123'] });
  });
  afterEach(async () => {
    await f.stop();
  });

  it('sends the exact PLAINTEXT header with a fresh timestamp and nonce per request', async () => {
    const config = {
      hostname: 'kuma-pve',
      mac_addresses: ['bc:24:11:00:00:21', 'bc:24:11:00:00:22'],
      interfaces: { lan: { mac: 'bc:24:11:00:00:21', subnet: '192.168.4.0/24', ip: '192.168.4.40' } },
    };
    const planned = f.provider.planResource({ type: 'maas_device', prior: null, config, providerConfig: {} }).planned;
    const t0 = Math.floor(Date.now() / 1000);
    await f.provider.create({ type: 'maas_device', planned });
    const t1 = Math.floor(Date.now() / 1000);

    const headers = f.emulator.requestLog.map((r) => r.authorization ?? '');
    expect(headers.length).toBeGreaterThan(3);
    const nonces = new Set<string>();
    for (const h of headers) {
      const m = HEADER_RE.exec(h);
      expect(m, h).not.toBeNull();
      expect(m![1]).toBe('Ck3yAbCdEf');
      expect(m![2]).toBe('T0kenKeyXyZ');
      expect(m![3]).toBe('S3cr3tT0kenSecretValue123');
      expect(Number(m![4])).toBeGreaterThanOrEqual(t0);
      expect(Number(m![4])).toBeLessThanOrEqual(t1);
      nonces.add(m![5]!);
    }
    expect(nonces.size).toBe(headers.length);
    // Decoded, the signature is "&<token secret>" (empty consumer secret).
    expect(parseOAuthHeader(headers[0]!)!.get('oauth_signature')).toBe('&S3cr3tT0kenSecretValue123');
  });

  it('form-encodes POST bodies with repeated mac_addresses keys and puts op in the query string', async () => {
    const config = {
      hostname: 'kuma-pve',
      description: 'Uptime Kuma & friends',
      mac_addresses: ['bc:24:11:00:00:21', 'bc:24:11:00:00:22'],
      interfaces: { lan: { mac: 'bc:24:11:00:00:21', subnet: '192.168.4.0/24', ip: '192.168.4.40' } },
    };
    const planned = f.provider.planResource({ type: 'maas_device', prior: null, config, providerConfig: {} }).planned;
    await f.provider.create({ type: 'maas_device', planned });

    const create = f.emulator.requestLog.find((r) => r.method === 'POST' && r.path === 'devices/')!;
    expect(create.contentType).toBe('application/x-www-form-urlencoded');
    expect(create.body).toBe(
      'hostname=kuma-pve&description=Uptime+Kuma+%26+friends&mac_addresses=bc%3A24%3A11%3A00%3A00%3A21&mac_addresses=bc%3A24%3A11%3A00%3A00%3A22',
    );
    expect(create.url).toBe('/MAAS/api/2.0/devices/');

    const link = f.emulator.requestLog.find((r) => r.op === 'link_subnet')!;
    expect(link.url).toMatch(/^\/MAAS\/api\/2\.0\/nodes\/[a-z0-9]+\/interfaces\/\d+\/\?op=link_subnet$/);
    expect(link.body).toBe('mode=STATIC&subnet=1&ip_address=192.168.4.40');
    expect(link.form.some(([k]) => k === 'op')).toBe(false);

    const ranges = f.emulator.requestLog.find((r) => r.op === 'reserved_ip_ranges')!;
    expect(ranges.method).toBe('GET');
    expect(ranges.url).toBe('/MAAS/api/2.0/subnets/1/?op=reserved_ip_ranges');
    const lookup = f.emulator.requestLog.find((r) => r.path === 'nodes/' && r.method === 'GET')!;
    expect(lookup.url).toBe('/MAAS/api/2.0/nodes/?mac_address=bc%3A24%3A11%3A00%3A00%3A21&mac_address=bc%3A24%3A11%3A00%3A00%3A22');
  });

  it('percent-encodes a token secret with reserved characters twice, as RFC 5849 and MAAS expect', () => {
    const h = buildOAuthHeader({ consumerKey: 'ck', tokenKey: 'tk', tokenSecret: 'a&b c' }, { timestamp: 1, nonce: 'n' });
    expect(h).toBe(
      'OAuth realm="", oauth_consumer_key="ck", oauth_token="tk", oauth_signature_method="PLAINTEXT", ' +
        'oauth_signature="%26a%2526b%2520c", oauth_timestamp="1", oauth_nonce="n", oauth_version="1.0"',
    );
    expect(parseOAuthHeader(h)!.get('oauth_signature')).toBe('&a%26b%20c');
  });
});

describe('MAAS refuses bad credentials', () => {
  let f: MaasFixture;
  let agent: Agent;
  beforeEach(async () => {
    f = await startMaasFixture();
    agent = new Agent();
  });
  afterEach(async () => {
    await agent.close();
    await f.stop();
  });

  function apiWith(apiKey: string): MaasApi {
    return new MaasApi(new MaasHttpClient({ url: f.emulator.url, credentials: credentialsOf(apiKey), dispatcher: agent, retryDelayMs: 1 }));
  }

  it('an unknown consumer key: 401 "Authorization Error: Invalid API key."', async () => {
    const err = await apiWith('nope:nope:nope').listDevices({}).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      'MAAS GET devices/ failed (401): Authorization Error: Invalid API key. (check api_key: MAAS refused the OAuth signature)',
    );
  });

  it('a known consumer with an unknown token', async () => {
    const [ck] = f.emulator.apiKey.split(':');
    const err = await apiWith(`${ck}:wrongtoken:secret`).listDevices({}).catch((e: Error) => e);
    expect((err as Error).message).toContain("401): Authorization Error: 'Invalid access token: wrongtoken'");
  });

  it('a wrong secret: 401, and the expected signature MAAS echoes is redacted from the error', async () => {
    const [ck, tk, secret] = f.emulator.apiKey.split(':');
    const res = await request(`${f.emulator.url}/api/2.0/devices/`, {
      headers: { authorization: buildOAuthHeader({ consumerKey: ck!, tokenKey: tk!, tokenSecret: 'wrong' }) },
      dispatcher: agent,
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('OAuth realm="OAuth"');
    expect(await res.body.text()).toBe(`Authorization Error: 'Invalid signature. Expected signature base string: &${secret}'`);

    const err = await apiWith(`${ck}:${tk}:wrong`).listDevices({}).catch((e: Error) => e);
    expect((err as Error).message).toContain('Invalid signature. Expected signature base string: [redacted]');
    expect((err as Error).message).not.toContain(secret);
  });

  it('a replayed nonce is refused', async () => {
    const header = buildOAuthHeader(credentialsOf(f.emulator.apiKey));
    const first = await request(`${f.emulator.url}/api/2.0/domains/`, { headers: { authorization: header }, dispatcher: agent });
    expect(first.statusCode).toBe(200);
    await first.body.text();
    const replay = await request(`${f.emulator.url}/api/2.0/domains/`, { headers: { authorization: header }, dispatcher: agent });
    expect(replay.statusCode).toBe(401);
    const nonce = parseOAuthHeader(header)!.get('oauth_nonce');
    expect(await replay.body.text()).toBe(`Authorization Error: 'Nonce already used: ${nonce}'`);
  });

  it('a stale timestamp is refused', async () => {
    const header = buildOAuthHeader(credentialsOf(f.emulator.apiKey), { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const res = await request(`${f.emulator.url}/api/2.0/domains/`, { headers: { authorization: header }, dispatcher: agent });
    expect(res.statusCode).toBe(401);
    expect(await res.body.text()).toMatch(/^Authorization Error: 'Expired timestamp: given \d+ and now \d+ has a greater difference than threshold 300'$/);
  });

  it('no credentials: 401 Forbidden; version/ stays anonymous', async () => {
    const res = await request(`${f.emulator.url}/api/2.0/devices/`, { dispatcher: agent });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(await res.body.text()).toBe('Forbidden');
    const v = await request(`${f.emulator.url}/api/2.0/version/`, { dispatcher: agent });
    expect(v.statusCode).toBe(200);
    expect(JSON.parse(await v.body.text())).toMatchObject({ version: '3.5.4', capabilities: expect.arrayContaining(['devices-management']) });
  });
});
