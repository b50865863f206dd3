/**
 * The PVE client under a server that turns calls away: 429 and 503 are retried with backoff
 * and jitter, a `Retry-After` is honoured (capped), the attempts are bounded, and a refresh
 * keeps its requests in flight within the provider's `read_concurrency` while the server
 * fails half of them — retries wait inside that limit, so they never add to it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetch as undiciFetch } from 'undici';
import { PveClient } from '../../providers/pve/client/pve-client.js';
import { PveApiError, isTransientAnswer } from '../../providers/pve/client/pve-error.js';
import { classifyForRetry, retryDelay, TRANSIENT_RETRY, withRetry } from '../../providers/pve/client/retry-policy.js';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from '../../providers/pve/emulator/start-emulator.js';
import { DEFAULT_RETRY_POLICY, retryProviderCall } from '../../src/provider/retry-provider-call.js';
import { startFixture, type Fixture } from './support/provider-fixture.js';

/** A server answering each request with the next of `answers` (the last one repeated). */
async function stubServer(answers: { status: number; retryAfter?: string; body?: unknown }[]): Promise<{ server: Server; port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    req.resume();
    const a = answers[Math.min(hits, answers.length - 1)]!;
    hits++;
    const text = JSON.stringify(a.body ?? { data: null });
    res.writeHead(a.status, a.status === 200 ? 'OK' : 'Too Many Requests', {
      'content-type': 'application/json;charset=UTF-8',
      ...(a.retryAfter !== undefined ? { 'retry-after': a.retryAfter } : {}),
    });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, hits: () => hits };
}

function clientOf(port: number): PveClient {
  return new PveClient({
    protocol: 'http',
    host: '127.0.0.1',
    port,
    auth: { kind: 'token', tokenId: DEFAULT_TOKEN_ID, tokenSecret: DEFAULT_TOKEN_SECRET },
    fetch: (url, init) => undiciFetch(url, init),
  });
}

describe('PVE client retries of a server that turns calls away', () => {
  let server: Server | undefined;
  let f: Fixture | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
    await f?.stop();
    f = undefined;
  });

  it('counts 429 as a transient answer, as 503', () => {
    expect(isTransientAnswer(429, 'Too Many Requests')).toBe(true);
    expect(isTransientAnswer(503, 'Service Unavailable')).toBe(true);
    expect(isTransientAnswer(400, 'Parameter verification failed.')).toBe(false);
    expect(classifyForRetry(new PveApiError('POST', '/x', 'http', 'Too Many Requests', 429), false)).toBe('transient');
  });

  it.each([
    { reason: 'backoff with jitter without Retry-After', after: undefined, random: 0.5, attempt: 2, want: 600 },
    { reason: "the server's Retry-After, at the least", after: 3000, random: 0, attempt: 0, want: 3000 },
    { reason: 'Retry-After plus up to one base delay of jitter', after: 3000, random: 1, attempt: 0, want: 3200 },
    { reason: 'Retry-After capped', after: 600_000, random: 0, attempt: 0, want: 30_000 },
  ])('waits $reason', ({ after, random, attempt, want }) => {
    const e = new PveApiError('GET', '/x', 'http', 'Too Many Requests', 429, {}, after);
    expect(retryDelay(TRANSIENT_RETRY, attempt, e, () => random)).toBe(want);
  });

  it('honours Retry-After between attempts and gives up after the policy\'s attempts', async () => {
    const waits: number[] = [];
    let calls = 0;
    const op = async (): Promise<never> => {
      calls++;
      throw new PveApiError('GET', '/version', 'http', 'Too Many Requests', 429, {}, 2000);
    };
    const r = withRetry(op, { idempotent: true, sleep: async (ms) => void waits.push(ms), random: () => 0 });
    await expect(r).rejects.toMatchObject({ status: 429, retryAfterMs: 2000 });
    expect(calls).toBe(TRANSIENT_RETRY.attempts);
    expect(waits).toEqual([2000, 2000, 2000, 2000]);
  });

  it('sends a call again after 429s with Retry-After, and reads the header into the error', async () => {
    const stub = await stubServer([
      { status: 429, retryAfter: '0' },
      { status: 429, retryAfter: '0' },
      { status: 200, body: { data: { version: '9.1.1' } } },
    ]);
    server = stub.server;
    expect(await clientOf(stub.port).call('GET', '/version')).toEqual({ version: '9.1.1' });
    expect(stub.hits()).toBe(3);

    const always = await stubServer([{ status: 429, retryAfter: '0' }]);
    const e = await clientOf(always.port)
      .request('GET', '/version')
      .catch((x: unknown) => x);
    await new Promise<void>((r) => always.server.close(() => r()));
    expect(e).toBeInstanceOf(PveApiError);
    expect(e).toMatchObject({ status: 429, retryAfterMs: 0 });
    expect((e as PveApiError).options).toMatchObject({ retryable: true, retryAfterMs: 0 });
  });

  it('keeps a refresh within read_concurrency while the server fails half the reads', async () => {
    f = await startFixture({ settings: { read_concurrency: 2 } });
    const guests = Object.values(f.emu.world.guests).filter((g) => g.type === 'qemu' || g.type === 'lxc');
    expect(guests.length).toBeGreaterThanOrEqual(6);
    f.emu.setFaults({ seed: 7, transient500Rate: 0.5, pathPattern: '/(status/current|pending)$', latencyMs: 20 });
    f.emu.resetStats();
    // As the refresh reads: the engine's retry around the provider's (whose client retries too).
    const policy = { ...DEFAULT_RETRY_POLICY, sleep: async () => undefined };
    const reads = await Promise.all(
      guests.map((g) =>
        retryProviderCall(
          'read',
          () =>
            f!.provider.read({
              type: g.type === 'qemu' ? 'proxmox_vm' : 'proxmox_lxc',
              id: `${g.node}/${g.vmid}`,
              prior: { node: g.node, vmid: g.vmid },
            }),
          { policy },
        ),
      ),
    );
    const stats = f.emu.stats();
    expect(reads.every((r) => r.state !== null)).toBe(true);
    const refused = f.providerRequests().filter((r) => r.status === 500).length;
    expect(refused).toBeGreaterThan(0);
    // Two guests at a time, two reads each; the listing and cluster options once before them.
    expect(stats.maxConcurrent).toBeLessThanOrEqual(4);
  });
});
