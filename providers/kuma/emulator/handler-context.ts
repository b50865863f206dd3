/**
 * How the emulator's socket handlers are written and wired: a handler receives the call's
 * arguments (callback removed) and returns the callback answer; an exception becomes
 * `{ok: false, msg: error.message}` as in Kuma's try/catch blocks. The wiring applies the
 * fault switches (latency before handling; a silent server handles the call but never
 * answers; the answers of the next N logins are lost) and counts calls for tests.
 */
import type { Server, Socket } from 'socket.io';
import type { KumaEmulatorTiming } from './emulator-timing.js';
import type { KumaWorld } from './kuma-world.js';
import type { LoginRateLimiter } from './login-rate-limiter.js';
import type { MonitorChecks } from './push-monitor-checks.js';
import type { KumaVersionProfile } from './version-profiles.js';

export interface EmulatorFaults {
  /** Handle calls but never call their callbacks back. */
  silent?: boolean;
  /** Delay before each call is handled. */
  latencyMs?: number;
  /**
   * Lose the answer of the next N `login`/`loginByToken` calls (Infinity: every one): the
   * login is still done (session, pushes, rate limit), only its callback is never called.
   */
  dropLoginAnswers?: number;
}

const LOGIN_EVENTS = new Set(['login', 'loginByToken']);

export interface EmulatorStats {
  /** Calls received per event name. */
  calls: Record<string, number>;
  /** `login` calls that reached the password check (rate-limited ones excluded). */
  passwordChecks: number;
}

/** State shared by every connection of one emulator. */
export interface EmulatorShared {
  world: KumaWorld;
  profile: KumaVersionProfile;
  io: Server;
  limiter: LoginRateLimiter;
  faults: EmulatorFaults;
  stats: EmulatorStats;
  timing: KumaEmulatorTiming;
  /** The running monitors' checks (push monitors'): started and stopped as monitors are. */
  checks: MonitorChecks;
}

/** One socket's session: who is logged in on it. */
export interface SocketSession {
  userId: number | null;
}

export interface HandlerCall {
  shared: EmulatorShared;
  socket: Socket;
  session: SocketSession;
  args: unknown[];
  /** Runs `fn` after the callback was answered (pushes Kuma sends after its callback). */
  after(fn: () => void): void;
}

/** A handler's answer; NO_ANSWER when Kuma would not call the callback at all. */
export type Handler = (call: HandlerCall) => unknown;

export const NO_ANSWER = Symbol('no answer');

export function userRoom(userId: number): string {
  return `user:${userId}`;
}

/** checkLogin() of util-server.js. */
export function requireLogin(call: HandlerCall): number {
  if (call.session.userId === null) throw new Error('You are not logged in.');
  return call.session.userId;
}

/** The message a JavaScript TypeError would carry when reading `prop` of a missing value. */
export function readingOf(value: unknown, prop: string): Error {
  return new TypeError(`Cannot read properties of ${value === null ? 'null' : 'undefined'} (reading '${prop}')`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function registerHandlers(shared: EmulatorShared, socket: Socket, session: SocketSession, handlers: Record<string, Handler>): void {
  for (const [event, handler] of Object.entries(handlers)) {
    socket.on(event, (...raw: unknown[]) => {
      shared.stats.calls[event] = (shared.stats.calls[event] ?? 0) + 1;
      const cb = typeof raw[raw.length - 1] === 'function' ? (raw.pop() as (answer: unknown) => void) : undefined;
      void (async () => {
        const latency = shared.faults.latencyMs ?? 0;
        if (latency > 0) await sleep(latency);
        const afters: (() => void)[] = [];
        let answer: unknown;
        try {
          answer = await handler({ shared, socket, session, args: raw, after: (fn) => afters.push(fn) });
        } catch (e) {
          answer = { ok: false, msg: (e as Error).message };
        }
        const drops = LOGIN_EVENTS.has(event) ? (shared.faults.dropLoginAnswers ?? 0) : 0;
        if (cb && answer !== NO_ANSWER && drops > 0) shared.faults.dropLoginAnswers = drops - 1;
        else if (cb && answer !== NO_ANSWER && !shared.faults.silent) cb(answer);
        for (const fn of afters) fn();
      })();
    });
  }
}
