/**
 * One authenticated socket.io connection to one Uptime Kuma server, shared by every
 * operation of a provider instance:
 * - opened lazily on the first call; concurrent callers share the same opening;
 * - waits, as Kuma's own web UI does (src/mixins/socket.js), for the server's first `info` or
 *   `loginRequired` before sending anything: Kuma 2.x registers its handlers only after
 *   `await sendInfo(...)` in `io.on("connection")` (server/server.js) and drops what arrives
 *   earlier;
 * - logs in with the JWT cached from an earlier run when there is one (`loginByToken`), else
 *   with username/password (and 2FA token), and keeps the JWT for reconnects and later runs;
 *   a login whose answer is lost is sent once more; a refused login is remembered and never
 *   retried in the same run, so Kuma's login rate limit (20 a minute) is never hammered;
 * - after a login waits for the lists Kuma pushes (`monitorList`, `info` with the version,
 *   `notificationList`): 1.23 answers `login` before it sends them;
 * - every call has a timeout and fails with "Uptime Kuma at URL did not answer `event`
 *   within N s" instead of hanging; a refused connection fails at once;
 * - learns the server's version from the `info` push after login, which decides the
 *   protocol generation, and keeps the monitor and notification caches from the pushes.
 */
import type { Socket } from 'socket.io-client';
import { lazyModule } from '../../../src/core/lazy-module.js';
import { classifyConnectionFailure, endpointOf, schemeOf } from '../../../src/provider/connection-failure.js';
import { SILENT_CALL_LOG, type ProviderCallLog } from '../../../src/provider/call-log.js';
import { ProviderError } from '../../../src/provider/contract.js';
import { MonitorCache } from '../protocol/monitor-cache.js';
import { NotificationCache } from '../protocol/notification-cache.js';
import { parseKumaVersion, type KumaServerVersion } from '../protocol/kuma-version.js';
import {
  asAnswer,
  describeAnswer,
  formatSeconds,
  NOT_LOGGED_IN,
  RATE_LIMITED,
  refusalError,
  silenceError,
  type KumaAnswer,
} from './kuma-answers.js';
import type { KumaTlsClientOptions } from './tls-options.js';
import type { TokenStore } from './token-cache.js';

const socketIo = lazyModule<typeof import('socket.io-client')>('socket.io-client');

/** Password logins one session may try (timeouts included) before giving up for the run. */
const MAX_PASSWORD_LOGINS = 3;

/** Times a login (password or token) is sent on one connection when its answer is lost. */
const LOGIN_SENDS = 2;

/** Calls that change nothing, so they can be sent again after a dropped connection. */
const READ_ONLY_EVENTS = new Set(['getMonitor', 'getMonitorList', 'getTags', 'needSetup']);

/** The connection closed while a call was waiting for its answer. */
class ConnectionDropped extends Error {
  constructor(readonly event: string) {
    super(`the connection dropped during ${event}`);
  }
}

export interface KumaSessionOptions {
  url: string;
  username: string;
  password: string;
  /** 2FA token sent with the password login. */
  token?: string;
  timeoutMs: number;
  tls?: KumaTlsClientOptions;
  /** Keeps the JWT between runs. */
  tokens?: TokenStore;
  /** Where every event sent and its answer are logged (HL_LOG). */
  log?: ProviderCallLog;
}

/** Events whose arguments are all credentials: logged by name only. */
const CREDENTIAL_EVENTS = new Set(['login', 'loginByToken']);

export class KumaSession {
  readonly monitors = new MonitorCache();
  readonly notifications = new NotificationCache();
  private socket: Socket | undefined;
  private opening: Promise<void> | undefined;
  private loggedIn = false;
  private jwt: string | undefined;
  /** A login refusal: rethrown without asking the server again. */
  private refused: ProviderError | undefined;
  private version: KumaServerVersion | undefined;
  private versionWaiters: (() => void)[] = [];
  private closed = false;
  /** Logins attempted with the password in this session. */
  private passwordLogins = 0;
  /** Whether the token store was read (once per session). */
  private tokenLoaded = false;
  /** The server greeted the current connection (`info` or `loginRequired`): its handlers are there. */
  private greeted = false;
  private greetWaiters: (() => void)[] = [];

  constructor(private readonly opts: KumaSessionOptions) {}

  get url(): string {
    return this.opts.url;
  }

  /** Connects and logs in when needed. */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new ProviderError(`the connection to Uptime Kuma at ${this.url} was closed`));
    if (this.refused) return Promise.reject(this.refused);
    if (this.socket?.connected && this.loggedIn) return Promise.resolve();
    this.opening ??= this.open().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  async serverVersion(): Promise<KumaServerVersion> {
    await this.ready();
    return this.version!;
  }

  /** A call that must answer `{ok: true}`; any other answer is a ProviderError. */
  async call(event: string, ...args: unknown[]): Promise<KumaAnswer> {
    const answer = await this.request(event, ...args);
    if (answer.ok !== true) throw refusalError(this.url, event, answer);
    return answer;
  }

  /** A call whose answer the caller interprets. */
  async request(event: string, ...args: unknown[]): Promise<KumaAnswer> {
    await this.ready();
    let answer: KumaAnswer;
    try {
      answer = await this.emit(event, args);
    } catch (e) {
      if (!(e instanceof ConnectionDropped)) throw e;
      // A read is asked again on the new connection; a write may or may not have been done.
      if (!READ_ONLY_EVENTS.has(event)) {
        throw new ProviderError(
          `the connection to Uptime Kuma at ${this.url} dropped during \`${event}\`; Kuma may or may not have done it`,
          { retryable: true },
        );
      }
      await this.ready();
      answer = await this.emit(event, args);
    }
    if (answer.ok === false && answer.msg === NOT_LOGGED_IN) {
      // The server restarted or dropped the session between our login and this call.
      this.loggedIn = false;
      await this.ready();
      answer = await this.emit(event, args);
    }
    return answer;
  }

  /** Asks for the whole monitor list and waits until the push has been applied. */
  async refreshMonitors(): Promise<void> {
    const seq = this.monitors.sequence;
    await this.call('getMonitorList');
    await this.within(this.monitors.wholeListAfter(seq), 'the `monitorList` push after `getMonitorList`');
  }

  /** Waits for a notification list push newer than `afterSeq`. */
  async notificationsAfter(afterSeq: number): Promise<void> {
    await this.within(this.notifications.after(afterSeq), 'the `notificationList` push');
  }

  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.socket = undefined;
    socket?.removeAllListeners();
    socket?.disconnect();
    this.opts.tls?.agent?.destroy();
  }

  // --- connection ----------------------------------------------------------------------

  private async open(): Promise<void> {
    await this.connect();
    await this.authenticate();
  }

  private createSocket(): Socket {
    const { tls } = this.opts;
    const socket = socketIo().io(this.url, {
      transports: ['websocket'],
      autoConnect: false,
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: this.opts.timeoutMs,
      ...(tls?.ca !== undefined ? { ca: tls.ca } : {}),
      ...(tls?.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
      // engine.io-client types `agent` as string | boolean; on Node it is handed to `ws` as an http.Agent.
      ...(tls?.agent ? { agent: tls.agent as unknown as string } : {}),
    });
    socket.on('disconnect', () => {
      this.loggedIn = false;
      this.greeted = false;
    });
    const greet = (): void => {
      this.greeted = true;
      for (const w of this.greetWaiters.splice(0)) w();
    };
    socket.on('loginRequired', greet);
    socket.on('info', (info: unknown) => {
      greet();
      const text = info && typeof info === 'object' ? (info as { version?: unknown }).version : undefined;
      const parsed = typeof text === 'string' ? parseKumaVersion(text) : undefined;
      if (!parsed) return;
      this.version = parsed;
      for (const w of this.versionWaiters.splice(0)) w();
    });
    socket.on('monitorList', (list: unknown) => this.monitors.replaceAll(list));
    socket.on('updateMonitorIntoList', (list: unknown) => this.monitors.merge(list));
    socket.on('deleteMonitorFromList', (id: unknown) => this.monitors.remove(id));
    socket.on('notificationList', (list: unknown) => this.notifications.replaceAll(list));
    return socket;
  }

  private async connect(): Promise<void> {
    this.socket ??= this.createSocket();
    const socket = this.socket;
    if (socket.connected) return;
    let lastError = 'no answer';
    let lastCause: unknown;
    await new Promise<void>((resolve, reject) => {
      const onConnect = (): void => {
        cleanup();
        resolve();
      };
      const giveUp = (within: boolean): void => {
        cleanup();
        socket.removeAllListeners();
        socket.disconnect();
        if (this.socket === socket) this.socket = undefined;
        // never connected: the server cannot be reached (why, when the socket said; else a timeout)
        const unreachable = {
          cause: classifyConnectionFailure(lastCause ?? lastError, schemeOf(this.url)) ?? 'timeout',
          endpoint: endpointOf(this.url),
        };
        const when = within ? ` within ${formatSeconds(this.opts.timeoutMs)}` : '';
        reject(new ProviderError(`could not connect to Uptime Kuma at ${this.url}${when}: ${lastError}`, { retryable: true, unreachable }));
      };
      const onError = (err: Error): void => {
        const cause = (err as { description?: { message?: unknown; error?: { message?: unknown } } }).description;
        const why = cause?.error?.message ?? cause?.message;
        lastError =
          this.opts.tls?.lastFailure?.() ?? (typeof why === 'string' && why !== err.message ? `${err.message} (${why})` : err.message);
        lastCause = { message: lastError, errors: [err, cause?.error, cause] };
        // nothing listens there: waiting out the timeout would only delay the same answer
        if (classifyConnectionFailure(lastCause, schemeOf(this.url)) === 'refused') giveUp(false);
      };
      const timer = setTimeout(() => giveUp(true), this.opts.timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        socket.off('connect', onConnect);
        socket.off('connect_error', onError);
      };
      socket.on('connect', onConnect);
      socket.on('connect_error', onError);
      if (!socket.active) socket.connect();
    });
  }

  private async authenticate(): Promise<void> {
    await this.within(this.greeting(), 'its first `info` after the connection opened');
    const listSeq = this.monitors.sequence;
    const notificationSeq = this.notifications.sequence;
    if (!this.tokenLoaded) {
      this.tokenLoaded = true;
      this.jwt ??= await this.opts.tokens?.load();
    }
    let ok = false;
    if (this.jwt) {
      const answer = await this.sendLogin('loginByToken', [this.jwt]);
      ok = answer.ok === true;
      if (!ok) {
        // Kuma refuses a token after a password change or when the user was disabled
        this.jwt = undefined;
        await this.opts.tokens?.forget();
      }
    }
    if (!ok) {
      this.countPasswordLogin();
      const answer = await this.sendLogin('login', [
        { username: this.opts.username, password: this.opts.password, token: this.opts.token ?? '' },
      ]);
      if (answer.ok === true && typeof answer.token === 'string') {
        this.jwt = answer.token;
        await this.opts.tokens?.save(answer.token);
      } else {
        this.refused = await this.loginRefusal(answer);
        throw this.refused;
      }
    }
    // 2.x sends these before its answer, 1.23 after it (afterLogin() is not awaited there)
    await this.within(this.monitors.wholeListAfter(listSeq), 'the `monitorList` push after login');
    await this.within(this.notifications.after(notificationSeq), 'the `notificationList` push after login');
    if (!this.version)
      await this.within(new Promise<void>((r) => this.versionWaiters.push(r)), 'the `info` push with the server version after login');
    this.loggedIn = true;
  }

  /** Resolves once the server greeted the current connection (its handlers are registered). */
  private greeting(): Promise<void> {
    if (this.greeted) return Promise.resolve();
    return new Promise<void>((r) => this.greetWaiters.push(r));
  }

  /** Counts one password login of the run, or gives up (for the run) once the limit is reached. */
  private countPasswordLogin(): void {
    if (this.passwordLogins >= MAX_PASSWORD_LOGINS) {
      this.refused = new ProviderError(
        `gave up logging in to Uptime Kuma at ${this.url} after ${MAX_PASSWORD_LOGINS} attempts (Kuma allows 20 logins a minute)`,
        { retryable: true },
      );
      throw this.refused;
    }
    this.passwordLogins += 1;
  }

  /** A login call, sent once more when its answer is lost (never when it was answered). */
  private async sendLogin(event: 'login' | 'loginByToken', args: unknown[]): Promise<KumaAnswer> {
    for (let sent = 1; ; sent += 1) {
      // a re-sent password login counts against the run's limit like any other
      if (sent > 1 && event === 'login') this.countPasswordLogin();
      try {
        return await this.emit(event, args);
      } catch (e) {
        if (e instanceof ConnectionDropped)
          throw new ProviderError(`the connection to Uptime Kuma at ${this.url} dropped during \`${event}\``, { retryable: true });
        if (!(e instanceof ProviderError) || sent >= LOGIN_SENDS || !this.socket?.connected) throw e;
      }
    }
  }

  private async loginRefusal(answer: KumaAnswer): Promise<ProviderError> {
    const who = `${this.opts.username} at Uptime Kuma ${this.url}`;
    if (answer.tokenRequired === true) {
      return new ProviderError(`the login of ${who} needs a 2FA token: set \`token\` in the provider block`);
    }
    if (answer.msg === RATE_LIMITED) {
      return new ProviderError(
        `the login of ${who} was refused by Kuma's login rate limit (${RATE_LIMITED}); hl does not retry logins, run again in a minute`,
        { retryable: true },
      );
    }
    let hint = '';
    if (answer.msg === 'authIncorrectCreds' || answer.msg === 'Incorrect username or password.') {
      const setup = await this.emit('needSetup', []).catch(() => undefined);
      if (setup?.value === true) hint = ' (this Kuma has no user yet: finish its setup first)';
    }
    return new ProviderError(`the login of ${who} was refused: ${describeAnswer(answer)}${hint}`, { detail: JSON.stringify(answer) });
  }

  private emit(event: string, args: unknown[]): Promise<KumaAnswer> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new ProviderError(`not connected to Uptime Kuma at ${this.url}`, { retryable: true }));
    const call = (this.opts.log ?? SILENT_CALL_LOG).start({
      event,
      ...(CREDENTIAL_EVENTS.has(event) ? {} : { args }),
      endpoint: this.url,
    });
    return new Promise((resolve, reject) => {
      socket.timeout(this.opts.timeoutMs).emit(event, ...args, (err: Error | null, answer: unknown) => {
        if (!err) {
          const a = asAnswer(answer);
          call.end({
            status: a.ok === true ? 'ok' : a.ok === false ? `refused${typeof a.msg === 'string' ? ` (${a.msg})` : ''}` : 'answered',
            responseBody: a,
          });
          resolve(a);
        } else if (/disconnected/.test(err.message)) {
          call.end({ error: 'the connection dropped before the answer' });
          reject(new ConnectionDropped(event));
        } else {
          call.end({ error: `no answer within ${formatSeconds(this.opts.timeoutMs)}` });
          reject(silenceError(this.url, event, this.opts.timeoutMs));
        }
      });
    });
  }

  private within<T>(promise: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new ProviderError(`Uptime Kuma at ${this.url} did not send ${what} within ${formatSeconds(this.opts.timeoutMs)}`, {
              retryable: true,
            }),
          ),
        this.opts.timeoutMs,
      );
      promise.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}
