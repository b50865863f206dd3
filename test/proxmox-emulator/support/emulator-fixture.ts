/**
 * Test support: an emulator per test file and the REAL `proxmox-api` client talking to it over
 * HTTP, plus raw undici requests for what the client hides (status lines, headers).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import proxmoxApi from 'proxmox-api';
import {
  DEFAULT_TOKEN_ID,
  DEFAULT_TOKEN_SECRET,
  startProxmoxEmulator,
  type ProxmoxEmulator,
  type ProxmoxEmulatorOptions,
} from '../../../providers/pve/emulator/start-emulator.js';

// The client's typings follow PVE 8.1 and cap indexed keys; tests use it untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Api = any;

export function clientFor(emu: ProxmoxEmulator, opts: { tokenID?: string; tokenSecret?: string } = {}): Api {
  return proxmoxApi({
    host: emu.host,
    port: emu.port,
    schema: 'http',
    tokenID: opts.tokenID ?? DEFAULT_TOKEN_ID,
    tokenSecret: opts.tokenSecret ?? DEFAULT_TOKEN_SECRET,
    queryTimeout: 20_000,
  });
}

export interface RawAnswer {
  status: number;
  statusText: string;
  contentType: string | undefined;
  body: string;
  json(): { data: unknown; errors?: Record<string, string> };
}

/** A raw request below /api2/json with the default token (or the given headers). */
export async function raw(
  emu: ProxmoxEmulator,
  method: string,
  path: string,
  opts: { form?: Record<string, string>; headers?: Record<string, string>; noAuth?: boolean } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (!opts.noAuth && !headers.authorization) headers.authorization = `PVEAPIToken=${DEFAULT_TOKEN_ID}=${DEFAULT_TOKEN_SECRET}`;
  let body: string | undefined;
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${emu.url}/api2/json${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          contentType: res.headers['content-type'],
          body: text,
          json: () => JSON.parse(text) as { data: unknown; errors?: Record<string, string> },
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Polls a task on the node its UPID names until it stops; returns the final status. */
export async function waitTask(api: Api, upid: string, timeoutMs = 15_000): Promise<{ status: string; exitstatus?: string }> {
  const node = upid.split(':')[1];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await api.nodes.$(node).tasks.$(upid).status.$get();
    if (st.status === 'stopped') return st;
    if (Date.now() > deadline) throw new Error(`task ${upid} still running`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Expects a promise to reject with an Error whose message contains all `parts`. */
export async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the call to fail');
}

export interface TestEmulator {
  emu: ProxmoxEmulator;
  api: Api;
  dir: string;
  close(): Promise<void>;
}

/** Starts an emulator on an ephemeral port with short tasks and a temp world file. */
export async function startTestEmulator(opts: ProxmoxEmulatorOptions = {}): Promise<TestEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-pve-emu-'));
  const emu = await startProxmoxEmulator({ port: 0, taskDurationMs: 20, worldFile: join(dir, 'world.json'), ...opts });
  return {
    emu,
    api: clientFor(emu),
    dir,
    close: async () => {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
