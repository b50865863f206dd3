/**
 * PVE 8.4+ (libpve-http-server-perl 5.2) puts an error's whole text in the JSON body as
 * `message`; the reason phrase keeps only its first line, Latin-1 only. The client takes the
 * body's text when there is one (newlines as spaces), else the reason phrase (PVE 8.0).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PveClient } from '../../providers/pve/client/pve-client.js';
import { PveApiError } from '../../providers/pve/client/pve-error.js';

describe('proxmox client: the error text', () => {
  let server: Server;
  let client: PveClient;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const withMessage = req.url?.includes('/with-message');
      const body = JSON.stringify(withMessage ? { data: null, message: 'pool \u2018caf\u00e9\u2019 does not exist\nsecond line\n' } : { data: null });
      res.writeHead(500, 'pool ?caf?? does not exist', { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new PveClient({
      protocol: 'http',
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      auth: { kind: 'token', tokenId: 'hl@pve!hl', tokenSecret: '5e1f0c2a-7b3d-4c8e-9f60-0a1b2c3d4e5f' },
      fetch: (url, init) => fetch(url, init),
    });
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function reasonOf(path: string): Promise<string> {
    try {
      await client.request('GET', path);
    } catch (e) {
      expect(e).toBeInstanceOf(PveApiError);
      return (e as PveApiError).reason;
    }
    throw new Error('expected a failure');
  }

  it('is the body message (8.4+), whole, on one line', async () => {
    expect(await reasonOf('/with-message')).toBe('pool \u2018caf\u00e9\u2019 does not exist second line');
  });

  it('is the reason phrase when the body has none (before 8.4)', async () => {
    expect(await reasonOf('/without')).toBe('pool ?caf?? does not exist');
  });
});
