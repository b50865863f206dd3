/**
 * `hl watch`'s status listener: `GET /healthz` (200 `{"status":"ok",...}` or 503
 * `{"status":"unhealthy","reason":...}`) and `GET /metrics` (the Prometheus text exposition of
 * `hl_watch_*`). Loopback only: the host must be 127.0.0.1, ::1 or localhost, anything else is a
 * user error. A known path asked with another method than GET or HEAD answers 405, any other
 * path 404. The answers hold counts, times and provider keys, never a config value or an error's
 * text, so no secret.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import type { WatchMetricsSink } from './watch-metrics.js';

export interface WatchStatusServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  metrics: WatchMetricsSink;
  /** Epoch ms, for `/healthz` (default `Date.now`). */
  now?: () => number;
}

export interface WatchStatusServer {
  /** `http://address:port` as bound (`localhost` gives 127.0.0.1 or [::1]; port 0 the port picked). */
  url: string;
  close(): Promise<void>;
}

export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

const JSON_TYPE = 'application/json; charset=utf-8';

export async function startWatchStatusServer(options: WatchStatusServerOptions): Promise<WatchStatusServer> {
  const host = options.host === '[::1]' ? '::1' : options.host;
  if (!LOOPBACK_HOSTS.includes(host)) {
    throw new DiagnosticsError([
      error(
        `hl watch's status listener must be on loopback, not '${options.host}'`,
        undefined,
        `Use 127.0.0.1, ::1 or localhost; /healthz and /metrics are not meant for the network (put a proxy in front to expose them).`,
      ),
    ]);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new DiagnosticsError([error(`hl watch's status listener port must be an integer from 0 to 65535, not ${options.port}`)]);
  }
  const now = options.now ?? Date.now;
  const server = createServer((req, res) => {
    answer(req, res, options.metrics, now).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        new DiagnosticsError([
          error(`hl watch's status listener could not listen on ${hostPort(host, options.port)}: ${e.code ?? e.message}`),
        ]),
      );
    });
    server.listen(options.port, host, () => resolve());
  });
  // Listening, a failure of the listener (an accept that fails) must not end the watcher it reports on.
  server.removeAllListeners('error');
  server.on('error', () => {});
  // The address bound, not the name asked: `localhost` resolves to one of 127.0.0.1 and ::1 only.
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${hostPort(bound.address, bound.port)}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, metrics: WatchMetricsSink, now: () => number): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://status').pathname;
  if (path !== '/healthz' && path !== '/metrics') {
    send(res, 404, 'text/plain; charset=utf-8', 'not found: try /healthz or /metrics\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  if (path === '/metrics') {
    send(res, 200, metrics.metricsContentType, await metrics.metricsText());
    return;
  }
  const h = metrics.health(now());
  const body: Record<string, unknown> = { status: h.ok ? 'ok' : 'unhealthy' };
  if (h.reason !== undefined) body['reason'] = h.reason;
  if (h.lastSuccessAt !== undefined) body['lastSuccessAt'] = new Date(h.lastSuccessAt).toISOString();
  body['consecutiveFailures'] = h.consecutiveFailures;
  body['failingProviders'] = h.failingProviders;
  send(res, h.ok ? 200 : 503, JSON_TYPE, `${JSON.stringify(body)}\n`);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
