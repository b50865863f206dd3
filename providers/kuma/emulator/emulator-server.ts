/**
 * The Uptime Kuma emulator's server: an HTTP (or HTTPS) server on loopback with a socket.io
 * server on it, answering the socket API the way Kuma 2.5.3 (or 1.23.16) does. The HTTP side
 * answers socket.io's polling handshake (`GET /socket.io/?EIO=4&transport=polling` → `0{...}`),
 * which is how a real Kuma is known to be ready, and the push endpoint `/api/push/:token`
 * (push-api.ts); push monitors are checked for missing pushes (push-monitor-checks.ts) from
 * the start. What a connection sees first follows the
 * version's `io.on("connection")` in server/server.js:
 * - 2.5.3 awaits `sendInfo` (its settings queries) before registering any handler, so an event
 *   sent before `info` arrives is dropped unanswered; then `setup` (no user yet), the handlers,
 *   and `loginRequired` once the `disableAuth` setting was read;
 * - 1.23.16 registers its handlers at once and sends `info` when its queries finish; it has no
 *   `loginRequired`.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { authHandlers } from './auth-handlers.js';
import { registerHandlers, type EmulatorFaults, type EmulatorShared, type EmulatorStats, type SocketSession } from './handler-context.js';
import { KumaWorld } from './kuma-world.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { monitorHandlers } from './monitor-handlers.js';
import { notificationHandlers } from './notification-handlers.js';
import { hashPassword } from './password-hash.js';
import { answerPush } from './push-api.js';
import { PushMonitorChecks, type PushShared } from './push-monitor-checks.js';
import { sendInfo } from './server-pushes.js';
import { effectiveTiming, type KumaEmulatorTiming } from './emulator-timing.js';
import { tagHandlers } from './tag-handlers.js';
import { versionProfile, type KumaEmulatorVersion } from './version-profiles.js';

export interface KumaEmulatorUser {
  username: string;
  password: string;
  /** A raw TOTP secret: the user then has 2FA enabled. */
  twofaSecret?: string;
}

export interface KumaEmulatorOptions {
  /** Port on 127.0.0.1; 0 or absent for an ephemeral one. */
  port?: number;
  /** Where the world is kept; absent for an in-memory world. */
  worldFile?: string;
  version?: KumaEmulatorVersion;
  /** Users created when the world has none (otherwise the server waits for `setup`). */
  users?: KumaEmulatorUser[];
  faults?: EmulatorFaults;
  /** How long the server's own queries take (shorter in tests; never zero). */
  timing?: Partial<KumaEmulatorTiming>;
  /** Serve HTTPS with this key pair instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface KumaEmulator {
  /** `http://127.0.0.1:PORT` (or https). */
  readonly url: string;
  readonly version: KumaEmulatorVersion;
  readonly world: KumaWorld;
  readonly stats: EmulatorStats;
  /** Stop (true) or resume (false) answering callbacks; calls are still handled. */
  setSilent(silent: boolean): void;
  setLatency(ms: number): void;
  /** Drops every client connection (they reconnect on their own). */
  disconnectAll(): void;
  close(): Promise<void>;
}

function answerPlainHttp(req: IncomingMessage, res: ServerResponse, push: PushShared): void {
  if (answerPush(push, req, res)) return;
  if (req.url === '/' || req.url === '') {
    res.writeHead(302, { location: '/dashboard' }).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><title>Uptime Kuma</title><div id="app"></div>');
}

export async function startKumaEmulator(options: KumaEmulatorOptions = {}): Promise<KumaEmulator> {
  const version = options.version ?? '2.5.3';
  const profile = versionProfile(version);
  const world = KumaWorld.open(options.worldFile);
  if (options.users && world.needSetup) {
    for (const u of options.users) {
      world.data.users.push({
        id: world.nextId('user'),
        username: u.username,
        password: hashPassword(u.password),
        active: true,
        twofa_secret: u.twofaSecret ?? null,
        twofa_status: u.twofaSecret ? 1 : 0,
        twofa_last_token: null,
      });
    }
    world.commit();
  }

  // the HTTP routes are given now (socket.io wraps the listeners there are when it attaches)
  let push: PushShared | undefined;
  const answer = (req: IncomingMessage, res: ServerResponse): void => answerPlainHttp(req, res, push!);
  const httpServer: HttpServer = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, answer)
    : createHttpServer(answer);
  const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 1e8 });
  const faults: EmulatorFaults = {
    silent: options.faults?.silent ?? false,
    latencyMs: options.faults?.latencyMs ?? 0,
    dropLoginAnswers: options.faults?.dropLoginAnswers ?? 0,
  };
  const stats: EmulatorStats = { calls: {}, passwordChecks: 0 };
  const timing: KumaEmulatorTiming = effectiveTiming(options.timing);
  push = { world, io, profile, timing };
  const checks = new PushMonitorChecks(push);
  const shared: EmulatorShared = { world, profile, io, limiter: new LoginRateLimiter(), faults, stats, timing, checks };
  const handlers = { ...authHandlers, ...monitorHandlers, ...tagHandlers, ...notificationHandlers };

  io.on('connection', (socket) => {
    const session: SocketSession = { userId: null };
    if (profile.handlersAfterInfo) {
      // 2.5.3: `await sendInfo(socket, true)` comes first; what arrives meanwhile has no listener.
      setTimeout(() => {
        if (socket.disconnected) return;
        sendInfo(shared, socket, true);
        if (world.needSetup) socket.emit('setup');
        registerHandlers(shared, socket, session, handlers);
        setTimeout(() => socket.emit('loginRequired'), timing.queryMs);
      }, timing.queryMs);
    } else {
      // 1.23.16: sendInfo is not awaited; the handlers are there at once.
      registerHandlers(shared, socket, session, handlers);
      setTimeout(() => sendInfo(shared, socket, true), timing.queryMs);
      if (world.needSetup) socket.emit('setup');
    }
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  checks.startAll();
  let closed: Promise<void> | undefined;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    version,
    world,
    stats,
    setSilent: (silent) => {
      faults.silent = silent;
    },
    setLatency: (ms) => {
      faults.latencyMs = ms;
    },
    disconnectAll: () => {
      io.disconnectSockets(true);
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        checks.stopAll();
        io.disconnectSockets(true);
        void io.close(() => resolve());
        httpServer.closeAllConnections?.();
      });
      return closed;
    },
  };
}
