/**
 * An in-process MAAS region (API 2.0) on loopback for tests and `emulated: true`:
 * `startMaasEmulator({port?, worldFile?, seed?, apiKeys?, faults?, tls?, maasVersion?})` →
 * `{url, apiKey, world, requestLog, faults, close()}`.
 *
 * Requests are authenticated like MAAS (OAuth 1.0 PLAINTEXT, nonces remembered), routed to
 * handlers that keep MAAS's status codes and error bodies, and every change is persisted to
 * `worldFile` (atomically) before the answer is sent. Faults (faults.ts) can be injected:
 * latency, transient 500s before any change, MAAS's 409/503 with Retry-After, dropped
 * connections, and answers dropped after a request was applied (to test "the create happened
 * but the answer was lost").
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseApiKey, isCredentials } from '../client/api-key.js';
import { FaultInjector, type MaasEmulatorFaults } from './faults.js';
import { maasProfile, type MaasVersion } from './maas-profile.js';
import { OAuthVerifier, type EmulatorApiKey } from './oauth-verifier.js';
import {
  API_PREFIX,
  apiException,
  retryConflict,
  rpcUnavailable,
  unknownEndpoint,
  unrecognisedSignature,
  type EmulatorRequest,
  type EmulatorResponse,
} from './maas-responses.js';
import { parseFormBody } from './request-body.js';
import { maasRoutes, matchRoute } from './router.js';
import { dropUnbackedDnsAddresses, reservedIps } from './static-ip-addresses.js';
import { seedHomelabWorld } from './world-seed.js';
import { loadWorld, saveWorld } from './world-store.js';
import { withWorldDefaults, type MaasWorld } from './world.js';

export type { MaasEmulatorFaults } from './faults.js';
export { DEFAULT_MAAS_VERSION, MAAS_VERSIONS, isMaasVersion, type MaasVersion } from './maas-profile.js';

export interface MaasEmulatorOptions {
  /** 0 or absent: an ephemeral port. */
  port?: number;
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  /** Where the world lives; loaded when it exists, else seeded and written. */
  worldFile?: string;
  /** PRNG seed of a new world (system ids). */
  seed?: number;
  /**
   * API keys accepted (`consumer:token:secret`); default: one random key. A key given as
   * `{key, admin: false}` belongs to a non-admin user, refused where MAAS wants an admin
   * (router.ts `adminOnly`: DNS records, domains, tags, reserved IPs).
   */
  apiKeys?: (string | { key: string; admin?: boolean })[];
  faults?: MaasEmulatorFaults;
  /** Serve https with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  /** Seconds since the epoch, for OAuth timestamp checks (default: the clock). */
  now?: () => number;
  /** The MAAS release to behave as: `3.5` (default), `3.6` or `3.7`. See maas-profile.ts. */
  maasVersion?: MaasVersion;
}

export interface RequestLogEntry {
  method: string;
  /** Full request path with query string. */
  url: string;
  /** Path below the API root. */
  path: string;
  op?: string;
  query: [string, string][];
  authorization?: string;
  contentType?: string;
  /** Raw body text. */
  body: string;
  form: [string, string][];
  status: number;
}

export interface MaasEmulator {
  /** The MAAS URL (`http://127.0.0.1:<port>/MAAS`), as a provider `url`. */
  url: string;
  /** The first accepted API key (admin unless given otherwise). */
  apiKey: string;
  readonly world: MaasWorld;
  requestLog: RequestLogEntry[];
  faults: MaasEmulatorFaults;
  /** Writes the world now (handlers persist by themselves; for tests editing `world` directly). */
  persist(): void;
  close(): Promise<void>;
}

function randomKey(): string {
  const part = (n: number) =>
    randomBytes(n)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, 'x')
      .slice(0, n + 4);
  return `${part(14)}:${part(14)}:${part(28)}`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startMaasEmulator(options: MaasEmulatorOptions = {}): Promise<MaasEmulator> {
  const host = options.host ?? '127.0.0.1';
  const apiKeys = (options.apiKeys ?? [randomKey()]).map((k) => (typeof k === 'string' ? { key: k } : k));
  const keys: EmulatorApiKey[] = apiKeys.map((k) => {
    const parsed = parseApiKey(k.key);
    if (!isCredentials(parsed)) throw new Error(`startMaasEmulator: ${parsed.problem}`);
    return { ...parsed, admin: k.admin !== false };
  });
  const worldFile = options.worldFile;
  const profile = maasProfile(options.maasVersion);
  let world = withWorldDefaults((worldFile ? loadWorld(worldFile) : undefined) ?? seedHomelabWorld(options.seed ?? 1));
  // The release the world was last served as is recorded in it (an upgrade rewrites it).
  world.version = profile.release;
  reservedIps(world); // a world written before reserved addresses were modelled gets them now
  const persist = () => {
    if (worldFile) saveWorld(worldFile, world);
  };
  if (worldFile) persist();
  const verifier = new OAuthVerifier(keys, options.now);
  const routes = maasRoutes(profile);
  const faults: MaasEmulatorFaults = { ...(options.faults ?? {}) };
  const injector = new FaultInjector(faults);
  const requestLog: RequestLogEntry[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const body = await readBody(req);
    const form = parseFormBody(req.headers['content-type'], body);
    const op = url.searchParams.get('op') ?? form.get('op') ?? undefined;
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = {
      method,
      url: req.url ?? '/',
      path,
      ...(op !== undefined ? { op } : {}),
      query: [...url.searchParams.entries()],
      ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}),
      ...(req.headers['content-type'] !== undefined ? { contentType: req.headers['content-type'] } : {}),
      body: body.toString('utf8'),
      form: [...form.entries()],
      status: 0,
    };
    requestLog.push(entry);

    const send = (r: EmulatorResponse) => {
      entry.status = r.status;
      res.statusCode = r.status;
      res.setHeader('Content-Type', r.contentType);
      res.setHeader('X-MAAS-API-Hash', 'c4a1f6d9e1b7a3c2d5e8f0a9b6c3d2e1f4a7b8c9');
      for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
      res.end(r.body);
    };

    const delay = injector.delayMs();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (!url.pathname.startsWith(API_PREFIX)) {
      send(unknownEndpoint(url.pathname));
      return;
    }
    const match = matchRoute(routes, method, path, op);
    if (match.kind === 'no-route') {
      send(unknownEndpoint(url.pathname));
      return;
    }
    let isAdmin = true;
    if (!match.route.anonymous) {
      const verdict = verifier.verify(req.headers.authorization);
      if (!verdict.ok) {
        send({
          status: verdict.status,
          contentType: verdict.contentType,
          body: verdict.body,
          ...(verdict.wwwAuthenticate ? { headers: { 'WWW-Authenticate': verdict.wwwAuthenticate } } : {}),
        });
        return;
      }
      isAdmin = verdict.key.admin !== false;
    }
    const fault = injector.before(method, path);
    if (fault === 'dropConnection') {
      entry.status = -1;
      res.socket?.destroy();
      return;
    }
    if (fault === 'error500') {
      send({ status: 500, contentType: 'text/plain; charset=utf-8', body: 'Internal server error (injected fault)' });
      return;
    }
    if (fault === 'conflict409' || fault === 'unavailable503') {
      send(fault === 'conflict409' ? retryConflict() : rpcUnavailable());
      return;
    }
    if (match.kind === 'bad-signature') {
      send(unrecognisedSignature(method, op));
      return;
    }
    const refusal = match.route.adminOnly?.[match.key];
    if (refusal && !isAdmin) {
      // maasserver/middleware.py: PermissionDenied → 403 text/plain with its message
      send(apiException(403, refusal === 'admin-method' ? 'This method is reserved for admin users.' : ''));
      return;
    }
    const request: EmulatorRequest = { method, path, fullPath: url.pathname, query: url.searchParams, form, op };
    let changed = false;
    const snapshot = JSON.stringify(world);
    let response: EmulatorResponse;
    try {
      response = match.handler({ world, profile, req: request, params: match.params, changed: () => (changed = true) });
    } catch (err) {
      world = JSON.parse(snapshot) as MaasWorld;
      response = { status: 500, contentType: 'text/plain; charset=utf-8', body: `Internal server error: ${(err as Error).message}` };
    }
    if (changed) {
      dropUnbackedDnsAddresses(world);
      persist();
    }
    if (injector.dropAfter(method, path, op)) {
      entry.status = -1;
      res.socket?.destroy();
      return;
    }
    send(response);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end(String(err));
      }
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${hostPart}:${port}/MAAS`,
    apiKey: apiKeys[0]!.key,
    get world() {
      return world;
    },
    requestLog,
    faults,
    persist,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
