/**
 * The HTTP(S) front of the emulator, behaving like pve-proxy/pve-http-server:
 * `/api2/json/...` answered with exactly `application/json;charset=UTF-8` and `{"data": ...}`;
 * query strings and form-encoded (or JSON) bodies, repeated keys joined with `\0` as PVE does;
 * authentication, then 501 for unknown methods, then proxying checks (an offline node answers
 * 595), then parameter verification (400), then the handler (500 with the error as reason
 * phrase). A request first waits for one of the server's workers (request-workers.ts: pveproxy
 * serves three at once) and holds it until its answer is sent, at least the latency of the
 * fault settings after it got it (its own work is done within that time); the other faults
 * (dropped connections, transient 500s, lost answers) apply as before. Every API request is
 * recorded in the request log.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { performance } from 'node:perf_hooks';
import { ApiError, errorText } from './api-error.js';
import type { AuthInfo, Authenticator } from './auth.js';
import { ControlError, handleControl } from './control-api.js';
import type { EmulatorCore } from './emulator-core.js';
import { verifyParams } from './param-schema.js';
import { holdAtLeast } from './request-workers.js';
import type { Method, Router } from './router.js';
import { findNode } from './world.js';

export interface RecordedRequest {
  seq: number;
  /** Epoch ms. */
  time: number;
  method: string;
  /** Path below /api2/json, as sent (URL-encoded). */
  path: string;
  /** Matched route template, e.g. `/nodes/{node}/qemu/{vmid}/config`. */
  route?: string;
  query: Record<string, string[]>;
  body: Record<string, string[]>;
  status: number;
  statusText: string;
  /** The connection was destroyed by an injected fault (before or instead of the answer). */
  dropped?: 'request' | 'response';
  /** From arrival to answer, queue and latency included. */
  durationMs: number;
  /** How long it waited for a worker (set when it did). */
  queuedMs?: number;
}

export interface ApiServerOptions {
  core: EmulatorCore;
  router: Router;
  auth: Authenticator;
  requestLog: RecordedRequest[];
  /** `METHOD /path` answered without credentials. */
  unauthenticated: ReadonlySet<string>;
  tls?: { cert: string; key: string };
  /** Keep at most this many log entries (oldest dropped). */
  maxLogEntries?: number;
}

const CONTENT_TYPE = 'application/json;charset=UTF-8';
const API_PREFIX = '/api2/json';
const MAX_BODY = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'request entity too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function addParam(map: Record<string, string[]>, key: string, value: string): void {
  (map[key] ??= []).push(value);
}

function parseBody(text: string, contentType: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (text === '') return out;
  if (contentType?.includes('application/json')) {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'Parameter verification failed.', { '': 'unable to parse JSON body' });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return out;
    for (const [k, v] of Object.entries(obj)) {
      if (v === null || v === undefined) continue;
      const values = Array.isArray(v) ? v : [v];
      for (const x of values)
        addParam(out, k, typeof x === 'boolean' ? (x ? '1' : '0') : typeof x === 'object' ? JSON.stringify(x) : String(x));
    }
    return out;
  }
  for (const [k, v] of new URLSearchParams(text)) addParam(out, k, v);
  return out;
}

/** A reason phrase Node accepts: first line, printable Latin-1 only. */
function reasonPhrase(message: string): string {
  const first = message.split('\n').find((l) => l.trim() !== '') ?? message;
  return (
    first
      .trim()
      .replace(/[^\t\x20-\x7e\xa0-\xff]/g, '?')
      .slice(0, 512) || 'Error'
  );
}

/**
 * The `message` of an error body (PVE 8.4+, see PveProfile.errorMessageInBody): the whole text
 * of the error, newline included, as pve-manager `PVE/HTTPServer.pm` rest_handler keeps what
 * the handler died with (`die "...\n"`, `raise_param_exc` "Parameter verification failed.\n");
 * only the "not implemented" answer is built without one. Authentication failures (401) are
 * answered before the formatter runs (pve-http-server `src/PVE/APIServer/AnyEvent.pm`
 * handle_request), and a node that cannot be reached by its proxy (595): neither has it.
 */
function bodyMessage(status: number, reason: string): string {
  return status === 501 || reason.endsWith('\n') ? reason : `${reason}\n`;
}

function send(res: ServerResponse, status: number, reason: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, reasonPhrase(reason), {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'max-age=0',
    Pragma: 'no-cache',
    Expires: new Date(Date.now() - 1000).toUTCString(),
    Server: 'pve-api-daemon/3.0',
  });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

export function createApiServer(opts: ApiServerOptions): Server {
  const { core, router, auth, requestLog } = opts;
  const maxLog = opts.maxLogEntries ?? 100_000;
  let seq = 0;

  const record = (entry: Omit<RecordedRequest, 'seq'>): void => {
    requestLog.push({ seq: ++seq, ...entry });
    if (requestLog.length > maxLog) requestLog.splice(0, requestLog.length - maxLog);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, bodyText: string): Promise<void> => {
    const arrived = Date.now();
    const { release, waitedMs } = await core.workers.acquire();
    try {
      await serveApi(req, res, url, bodyText, arrived, waitedMs);
    } finally {
      release();
    }
  };

  /** One request, on a worker: the latency, the faults, the handler, the answer. */
  const serveApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    bodyText: string,
    started: number,
    waitedMs: number,
  ): Promise<void> => {
    const admitted = performance.now();
    const queued = waitedMs > 0 ? { queuedMs: Math.round(waitedMs * 100) / 100 } : {};
    const method = (req.method ?? 'GET').toUpperCase();
    const rel = url.pathname.slice(API_PREFIX.length) || '/';
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) addParam(query, k, v);
    let body: Record<string, string[]> = {};
    let route: string | undefined;
    const finish = (status: number, statusText: string, payload: unknown, dropResponse = false): void => {
      const entry: Omit<RecordedRequest, 'seq'> = {
        time: started,
        method,
        path: rel,
        query,
        body,
        status,
        statusText: reasonPhrase(statusText),
        durationMs: Date.now() - started,
        ...queued,
      };
      if (route) entry.route = route;
      if (dropResponse) {
        entry.dropped = 'response';
        record(entry);
        req.socket.destroy();
        return;
      }
      record(entry);
      send(res, status, statusText, payload);
    };

    // The latency is the least time the request holds its worker: its own work (handler,
    // world file) is done within it, and the answer goes when both are over.
    const latency = core.faults.latencyMs();
    if (core.faults.shouldDropConnection(method, rel)) {
      await holdAtLeast(latency, admitted);
      record({
        time: started,
        method,
        path: rel,
        query,
        body,
        status: 0,
        statusText: 'connection dropped',
        dropped: 'request',
        durationMs: Date.now() - started,
        ...queued,
      });
      req.socket.destroy();
      return;
    }
    let status = 200;
    let reason = 'OK';
    let payload: unknown;
    try {
      body = parseBody(bodyText, req.headers['content-type']);
      const injected = core.faults.transient500(method, rel);
      if (injected !== undefined) throw new ApiError(500, injected);
      core.syncFromDisk();
      const authKey = `${method} ${rel}`;
      const authInfo: AuthInfo = opts.unauthenticated.has(authKey)
        ? { userid: 'anonymous@pve', authuser: 'anonymous@pve', isRoot: false, has: () => false }
        : auth.authenticate(req.headers, method);
      const match = ['GET', 'POST', 'PUT', 'DELETE'].includes(method) ? router.match(method, rel) : undefined;
      if (!match || match.route.available?.(core.profile) === false) throw new ApiError(501, `Method '${method} ${rel}' not implemented`);
      route = match.route.path;
      if (match.route.proxyToNode) {
        const nodeName = match.pathParams.node as string;
        const node = findNode(core.world, nodeName);
        if (!node)
          throw new ApiError(
            500,
            `hostname lookup '${nodeName}' failed - failed to get address info for: ${nodeName}: Name or service not known`,
          );
        if (!node.online) throw new ApiError(595, 'No route to host');
      }
      const raw: Record<string, string> = {};
      for (const src of [query, body]) for (const [k, v] of Object.entries(src)) raw[k] = v.join('\0');
      Object.assign(raw, match.pathParams);
      const params = verifyParams(match.route.params, raw);
      payload = { data: (await match.route.handler(core, { method: method as Method, path: rel, params, auth: authInfo })) ?? null };
    } catch (err) {
      if (err instanceof ApiError) {
        status = err.status;
        reason = err.message;
        payload = err.errors ? { data: null, errors: err.errors } : { data: null };
        if (status === 401) await sleep(core.faults.authFailureDelayMs());
      } else {
        status = 500;
        reason = errorText(err);
        payload = { data: null };
      }
      if (core.profile.errorMessageInBody && status !== 401 && status !== 595)
        (payload as Record<string, unknown>).message = bodyMessage(status, reason);
    }
    if (method !== 'GET') {
      try {
        core.persist();
      } catch (err) {
        status = 500;
        reason = `unable to write world file - ${errorText(err)}`;
        payload = { data: null };
      }
    }
    const dropResponse = core.faults.shouldDropResponse(method, rel);
    await holdAtLeast(latency, admitted);
    finish(status, reason, payload, dropResponse);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      let bodyText = '';
      try {
        bodyText = await readBody(req);
      } catch {
        if (!res.headersSent) send(res, 413, 'request entity too large', { data: null });
        return;
      }
      const url = new URL(req.url ?? '/', 'http://emulator.invalid');
      const method = (req.method ?? 'GET').toUpperCase();
      if (url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/')) {
        try {
          const a = handleControl(core, requestLog, method, url.pathname, bodyText);
          const text = JSON.stringify(a.body);
          res.writeHead(a.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
          res.end(text);
        } catch (err) {
          const status = err instanceof ControlError ? err.status : 500;
          const text = JSON.stringify({ error: errorText(err) });
          res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
          res.end(text);
        }
        return;
      }
      if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) {
        send(res, 501, `Method '${method} ${url.pathname}' not implemented`, { data: null });
        return;
      }
      await handleApi(req, res, url, bodyText);
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, errorText(err), { data: null });
      else res.destroy();
    });
  };

  return opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, listener) : createHttpServer(listener);
}
