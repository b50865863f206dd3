/**
 * Issue 14, items 10 and 8 (MAAS client): a 503 with Retry-After becomes a ProviderError the
 * engine retries after that wait (safe to retry, even a POST: MAAS did not take it on), and a
 * connection that cannot be made carries its cause and endpoint up as `unreachable`.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/provider/contract.js';
import { mayRetry } from '../../src/provider/retry-provider-call.js';
import { MaasHttpClient } from '../../providers/maas/client/maas-http-client.js';
import { parseRetryAfter } from '../../providers/maas/client/maas-api-error.js';

const credentials = { consumerKey: 'c', tokenKey: 't', tokenSecret: 's' };
let server: Server;
let port: number;
const dispatcher = new Agent();

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '7' });
    res.end('Unable to connect to the region controller');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dispatcher.close();
});

describe('MAAS client failures the engine acts on', () => {
  it('a 503 with Retry-After is safe to retry after that wait, for a POST too', async () => {
    const client = new MaasHttpClient({ url: `http://127.0.0.1:${port}/MAAS`, credentials: credentials as never, dispatcher, maxRetries: 0 });
    const e = await client.post('devices/', { form: { hostname: 'x' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    const p = e as ProviderError;
    expect(p.options.status).toBe(503);
    expect(p.options.retryAfterMs).toBe(7_000);
    expect(p.options.safeToRetry).toBe(true);
    expect(mayRetry('write', p)).toBe(true);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });

  it('a refused connection carries its cause and endpoint', async () => {
    const tcp = createTcpServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const closed = (tcp.address() as { port: number }).port;
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    const client = new MaasHttpClient({ url: `http://127.0.0.1:${closed}/MAAS`, credentials: credentials as never, dispatcher, maxRetries: 0 });
    const e = (await client.get('devices/').catch((x: unknown) => x)) as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.options.unreachable).toEqual({ cause: 'refused', endpoint: `http://127.0.0.1:${closed}` });
    expect(mayRetry('read', e)).toBe(false);
  });
});
