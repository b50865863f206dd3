/**
 * A bare socket.io client for tests: talks to the emulator the way Kuma's own web UI (or a
 * person editing monitors behind hl's back) does, without going through the provider.
 */
import { io, type Socket } from 'socket.io-client';

export interface RawKumaClient {
  socket: Socket;
  /** Emits with a callback and resolves with its answer (rejects after `timeoutMs`). */
  ask<T = Record<string, unknown>>(event: string, ...args: unknown[]): Promise<T>;
  /** Resolves with the payload of the next `event` received after this call. */
  next<T = unknown>(event: string, timeoutMs?: number): Promise<T>;
  /** Resolves with the first payload of `event` ever received (waiting for it if needed). */
  first<T = unknown>(event: string): Promise<T>;
  /** Every payload of `event` received so far. */
  seen(event: string): unknown[];
  close(): void;
}

export async function connectRaw(url: string, opts: { login?: { username: string; password: string }; timeoutMs?: number; /** Do not wait for `info` before returning. */ early?: boolean } = {}): Promise<RawKumaClient> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  const received = new Map<string, unknown[]>();
  const waiters = new Map<string, ((v: unknown) => void)[]>();
  socket.onAny((event: string, ...args: unknown[]) => {
    const payload = args.length <= 1 ? args[0] : args;
    const list = received.get(event) ?? [];
    list.push(payload);
    received.set(event, list);
    const ws = waiters.get(event) ?? [];
    waiters.delete(event);
    for (const w of ws) w(payload);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const client: RawKumaClient = {
    socket,
    ask: <T>(event: string, ...args: unknown[]) =>
      new Promise<T>((resolve, reject) => {
        socket.timeout(timeoutMs).emit(event, ...args, (err: Error | null, answer: T) => (err ? reject(new Error(`no answer to ${event}`)) : resolve(answer)));
      }),
    next: <T>(event: string, ms = timeoutMs) =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} push within ${ms} ms`)), ms);
        const list = waiters.get(event) ?? [];
        list.push((v) => {
          clearTimeout(timer);
          resolve(v as T);
        });
        waiters.set(event, list);
      }),
    first: <T>(event: string) => (received.has(event) ? Promise.resolve(received.get(event)![0] as T) : client.next<T>(event)),
    seen: (event) => received.get(event) ?? [],
    close: () => {
      socket.close();
    },
  };
  // as Kuma's web UI does: nothing is sent before the server's first `info` (2.x registers its
  // handlers only after sending it and drops what arrives earlier)
  if (!opts.early) await client.first('info');
  if (opts.login) {
    const answer = await client.ask<{ ok: boolean; msg?: string }>('login', { ...opts.login, token: '' });
    if (!answer.ok) throw new Error(`raw login failed: ${answer.msg}`);
  }
  return client;
}

/** A monitor object as Kuma's web UI sends it to `add` (2.x shape). */
export function uiMonitor(fields: Record<string, unknown>, generation: 1 | 2 = 2): Record<string, unknown> {
  return {
    type: 'http',
    name: 'ui monitor',
    url: 'https://example.test',
    method: 'GET',
    interval: 60,
    retryInterval: 60,
    resendInterval: 0,
    maxretries: 0,
    timeout: 48,
    notificationIDList: {},
    ignoreTls: false,
    upsideDown: false,
    maxredirects: 10,
    accepted_statuscodes: ['200-299'],
    dns_resolve_type: 'A',
    dns_resolve_server: '1.1.1.1',
    ...(generation === 2 ? { conditions: [] } : {}),
    ...fields,
  };
}
