/**
 * Issue 14, item 8: the one classifier of connection failures, on real undici errors (a
 * closed port, https spoken to a plain http server, plain http spoken to a TLS server) and
 * on the codes node and undici use for the rest.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyConnectionFailure, describeUnreachable, endpointOf } from '../../src/provider/connection-failure.js';

const TLS_DIR = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
let plain: Server;
let tls: Server;
const dispatcher = new Agent({ connect: { rejectUnauthorized: false, timeout: 5_000 } });

const listen = async (s: Server): Promise<number> => {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as { port: number }).port;
};

beforeAll(() => {
  plain = createHttpServer((_q, r) => r.end('ok'));
  tls = createTlsServer({ cert: readFileSync(`${TLS_DIR}pve-emulator.crt`), key: readFileSync(`${TLS_DIR}pve-emulator.key`) }, (_q, r) => r.end('ok'));
});
afterAll(async () => {
  plain.close();
  tls.close();
  await dispatcher.close();
});

async function failure(url: string, agent: Agent = dispatcher): Promise<unknown> {
  return fetch(url, { dispatcher: agent }).then(
    () => {
      throw new Error(`${url} answered`);
    },
    (e: unknown) => e,
  );
}

describe('classifyConnectionFailure', () => {
  it('a closed port is refused', async () => {
    const s = createTcpServer();
    const port = await listen(s as unknown as Server);
    await new Promise<void>((resolve) => s.close(() => resolve()));
    expect(classifyConnectionFailure(await failure(`http://127.0.0.1:${port}/`), 'http')).toBe('refused');
  });

  it('https spoken to a plain http port', async () => {
    const port = await listen(plain);
    expect(classifyConnectionFailure(await failure(`https://127.0.0.1:${port}/`), 'https')).toBe('https-to-http');
  });

  it('plain http spoken to a TLS port', async () => {
    const port = await listen(tls);
    expect(classifyConnectionFailure(await failure(`http://127.0.0.1:${port}/`), 'http')).toBe('http-to-https');
  });

  it('a self-signed certificate is an unknown authority', async () => {
    const port = tls.listening ? (tls.address() as { port: number }).port : await listen(tls);
    const strict = new Agent({ connect: { timeout: 5_000 } });
    expect(classifyConnectionFailure(await failure(`https://127.0.0.1:${port}/`, strict), 'https')).toBe('tls-unknown-ca');
    await strict.close();
  });

  it('knows the codes of the rest, and the texts that survive when only a message is kept', () => {
    const wrapped = (code: string, message = code) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
    expect(classifyConnectionFailure(wrapped('ENOTFOUND', 'getaddrinfo ENOTFOUND pve.maas'))).toBe('dns');
    expect(classifyConnectionFailure(wrapped('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'))).toBe('timeout');
    expect(classifyConnectionFailure(wrapped('ETIMEDOUT'))).toBe('timeout');
    expect(classifyConnectionFailure(wrapped('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"))).toBe('tls-name-mismatch');
    expect(classifyConnectionFailure(wrapped('CERT_HAS_EXPIRED', 'certificate has expired'))).toBe('tls-expired');
    expect(classifyConnectionFailure(wrapped('HL_TLS_PIN_MISMATCH', 'the TLS certificate of h has SHA-256 fingerprint AA, not the pinned BB'))).toBe('tls-fingerprint');
    expect(classifyConnectionFailure(wrapped('HPE_INVALID_CONSTANT', 'Expected HTTP/'), 'http')).toBe('http-to-https');
    expect(classifyConnectionFailure('connect ECONNREFUSED 127.0.0.1:8006')).toBe('refused');
    expect(classifyConnectionFailure('self-signed certificate')).toBe('tls-unknown-ca');
    expect(classifyConnectionFailure('socket hang up', 'http')).toBe('http-to-https');
    expect(classifyConnectionFailure('socket hang up', 'https')).toBe('closed');
    // an answer is not a connection failure
    expect(classifyConnectionFailure(new Error('HTTP 500: internal error'))).toBeUndefined();
  });

  it('words every cause with a hint, and names endpoints without credentials or paths', () => {
    for (const c of ['refused', 'timeout', 'dns', 'tls-unknown-ca', 'tls-name-mismatch', 'tls-fingerprint', 'tls-expired', 'tls', 'http-to-https', 'https-to-http', 'closed', 'reset'] as const) {
      const d = describeUnreachable(c);
      expect(d.words.length).toBeGreaterThan(5);
      expect(d.hint.length).toBeGreaterThan(5);
    }
    expect(endpointOf('https://user:secret@pve.maas:8006/api2/json?x=1')).toBe('https://pve.maas:8006');
  });
});
