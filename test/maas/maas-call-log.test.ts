/**
 * The MAAS client reports every attempt and every retry to the provider call log (HL_LOG):
 * a GET MAAS answers 503 with Retry-After is logged once per attempt with its status, and
 * each wait as a WARN retry line (attempt n of m, the wait); the OAuth1 header (signature,
 * token) and the credential-named form fields never appear.
 */
import { createServer, type Server } from 'node:http';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRedactor } from '../../src/core/redact.js';
import { makeProviderCallLog } from '../../src/provider/call-log.js';
import { MaasHttpClient } from '../../providers/maas/client/maas-http-client.js';

const credentials = { consumerKey: 'consumer-k', tokenKey: 'token-key-1234', tokenSecret: 'token-secret-5678' };
let server: Server;
let port: number;
const dispatcher = new Agent();

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
    res.end('Unable to connect to the region controller');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dispatcher.close();
});

describe('the MAAS client and the call log', () => {
  it('logs each attempt with its status and each retry with attempt n of m and the wait, without credentials', async () => {
    const lines: string[] = [];
    let t = 0;
    const log = makeProviderCallLog({
      run: { level: 'trace', clock: { now: () => (t += 5), timestamp: () => 'T' }, write: (l) => lines.push(l) },
      provider: 'maas',
      redact: makeRedactor([]),
    });
    const waits: number[] = [];
    const client = new MaasHttpClient({
      url: `http://127.0.0.1:${port}/MAAS`,
      credentials: credentials as never,
      dispatcher,
      maxRetries: 2,
      log,
      sleep: async (ms) => void waits.push(ms),
    });
    await expect(client.get('devices/', { query: { hostname: 'docker', token: 'tok-in-query' } })).rejects.toThrow(/503/);
    expect(waits).toEqual([1000, 1000]);
    const calls = lines.filter((l) => l.startsWith('T [DEBUG] maas: GET /MAAS/api/2.0/devices/?hostname=docker&token='));
    expect(calls).toHaveLength(3);
    for (const c of calls) expect(c).toMatch(/ 503 5ms req_bytes=0 resp_bytes=42 instance=maas endpoint=http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(lines.filter((l) => l.includes('[WARN]'))).toEqual([
      'T [WARN] maas: GET /MAAS/api/2.0/devices/ failed (503); retrying in 1000ms (attempt 2 of 3)\n',
      'T [WARN] maas: GET /MAAS/api/2.0/devices/ failed (503); retrying in 1000ms (attempt 3 of 3)\n',
    ]);
    const text = lines.join('');
    for (const secret of ['token-key-1234', 'token-secret-5678', 'consumer-k', 'oauth_signature', 'tok-in-query']) expect(text).not.toContain(secret);
  });
});
