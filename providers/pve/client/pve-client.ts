/**
 * The PVE API client: the `proxmox-api` package over a fetch of our own (TLS trust scoped to
 * this client, see tls-fetch.ts), with failures turned into PveApiError and a retry policy.
 *
 * proxmox-api re-sends any request whose fetch threw, once. That is harmless for a GET and
 * dangerous for a create or clone, whose first attempt may have reached the server before the
 * connection dropped. Each call runs in an AsyncLocalStorage context that the fetch wrapper
 * sees: it counts attempts, refuses to send a second attempt of a call marked non-resendable
 * (the caller then finds out what the first one did), and keeps the status, reason phrase and
 * body of an error answer, which proxmox-api only folds into a message string.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { lazyModule } from '../../../src/core/lazy-module.js';
import { SILENT_CALL_LOG, type ProviderCallLog } from '../../../src/provider/call-log.js';

import type { RequestInit } from 'undici';
import type { ProxmoxAuth } from '../provider-settings.js';
import { parseRetryAfter } from '../../shared/retry-after.js';
import { PveApiError } from './pve-error.js';
import { withRetry } from './retry-policy.js';
import { TlsPinError, type FetchFn } from './tls-fetch.js';

const proxmoxApiModule = lazyModule<typeof import('proxmox-api')>('proxmox-api');

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Params = Record<string, string | number | boolean | undefined>;

export interface PveClientOptions {
  protocol: 'https' | 'http';
  host: string;
  port: number;
  auth: ProxmoxAuth;
  fetch: FetchFn;
  /** Per-request timeout (default 60 s). */
  queryTimeoutMs?: number;
  /** Where every request and retry is logged (HL_LOG). */
  log?: ProviderCallLog;
}

export interface CallOptions {
  /** May the call be repeated safely (default: GET only)? */
  idempotent?: boolean;
  signal?: AbortSignal;
  onRetry?: (message: string) => void;
}

interface CallState {
  attempts: number;
  resend: boolean;
  signal?: AbortSignal;
  response?: { status: number; statusText: string; body?: string; retryAfter?: string };
  ticketResponse?: { status: number; statusText: string };
  networkError?: unknown;
  blockedResend?: boolean;
}

class ResendRefused extends Error {
  constructor() {
    super('a second attempt of a non-idempotent request was refused');
    this.name = 'ResendRefused';
  }
}

const TLS_CODES = new Set([
  'HL_TLS_PIN_MISMATCH',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

/** The innermost useful error of a fetch failure (undici wraps the socket error in `cause`). */
function rootCause(e: unknown): unknown {
  let cur = e;
  for (let i = 0; i < 5; i++) {
    const next = (cur as { cause?: unknown } | undefined)?.cause;
    if (next === undefined || next === null) break;
    cur = next;
  }
  return cur;
}

function findTlsError(e: unknown): Error | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur; i++) {
    if (cur instanceof TlsPinError) return cur;
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_CODES.has(code)) return cur as Error;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function parseParamErrors(body: string | undefined): Record<string, string> {
  if (!body) return {};
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    if (parsed.errors && typeof parsed.errors === 'object') {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(parsed.errors as Record<string, unknown>)) out[k] = String(v);
      return out;
    }
  } catch {
    // not JSON
  }
  return {};
}

/**
 * The error text of an answer's body: PVE 8.4+ (libpve-http-server-perl 5.2,
 * `src/PVE/APIServer/Formatter/Standard.pm`) puts the whole message there, where the reason
 * phrase keeps only its first line. Undefined for older servers and answers without one.
 */
function bodyMessage(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string' && parsed.message.trim() !== '') return parsed.message.trim().replace(/\s*\n\s*/g, ' ');
  } catch {
    // not JSON
  }
  return undefined;
}

interface Navigable {
  $: (segment: string) => Navigable;
  $get: (p?: Params) => Promise<unknown>;
  $post: (p?: Params) => Promise<unknown>;
  $put: (p?: Params) => Promise<unknown>;
  $delete: (p?: Params) => Promise<unknown>;
}

/** The server's Proxmox VE release, from `GET /version`. */
export interface PveRelease {
  /** pve-manager version, e.g. `8.4.14`. */
  version: string;
  major: number;
  minor: number;
}

/** `major.minor` of a pve-manager version string; undefined when it is not one. */
export function parseRelease(version: unknown): PveRelease | undefined {
  const m = typeof version === 'string' ? /^(\d+)\.(\d+)/.exec(version) : null;
  return m ? { version: version as string, major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export class PveClient {
  private readonly api: Navigable;
  private readonly calls = new AsyncLocalStorage<CallState>();
  private releaseRead: Promise<PveRelease | undefined> | undefined;

  constructor(private readonly options: PveClientOptions) {
    const { auth } = options;
    const credentials =
      auth.kind === 'token'
        ? { tokenID: auth.tokenId, tokenSecret: auth.tokenSecret }
        : { username: auth.username, password: auth.password };
    const guarded = (url: string | URL, init?: RequestInit) => this.guardedFetch(url, init);
    this.api = proxmoxApiModule().proxmoxApi({
      host: options.host,
      port: options.port,
      schema: options.protocol,
      queryTimeout: options.queryTimeoutMs ?? 60_000,
      authTimeout: options.queryTimeoutMs ?? 60_000,
      ...credentials,
      // proxmox-api types its fetch with its own copy of undici; the shapes are the same.
      fetch: guarded as never,
    }) as unknown as Navigable;
  }

  /**
   * The server's release, read once per client (one provider run); undefined when `/version`
   * answers something that is not a version. A failed read is tried again next time.
   */
  release(opts: { signal?: AbortSignal } = {}): Promise<PveRelease | undefined> {
    this.releaseRead ??= this.call<{ version?: unknown }>('GET', '/version', undefined, opts)
      .then((v) => parseRelease(v?.version))
      .catch((e: unknown) => {
        this.releaseRead = undefined;
        throw e;
      });
    return this.releaseRead;
  }

  /** The endpoint, for messages. */
  get endpoint(): string {
    return `${this.options.protocol}://${this.options.host}:${this.options.port}`;
  }

  private get log(): ProviderCallLog {
    return this.options.log ?? SILENT_CALL_LOG;
  }

  /** The fetch, with the request and its answer told to the call log. */
  private async loggedFetch(url: string | URL, init?: RequestInit) {
    const log = this.log;
    if (!log.wants('warn')) return this.options.fetch(url, init);
    const u = new URL(String(url));
    const body = typeof init?.body === 'string' ? init.body : undefined;
    const call = log.start({
      method: (init?.method ?? 'GET').toUpperCase(),
      path: `${u.pathname}${u.search}`,
      endpoint: this.endpoint,
      ...(body !== undefined ? { requestBody: body } : {}),
    });
    try {
      const res = await this.options.fetch(url, init);
      if (log.wants('debug')) {
        let text: string | undefined;
        try {
          text = await res.clone().text();
        } catch {
          // an unreadable answer is told without its size
        }
        call.end({
          status: res.status,
          ...(text !== undefined ? { responseBytes: Buffer.byteLength(text) } : {}),
          ...(text !== undefined && log.wants('trace') ? { responseBody: text } : {}),
        });
      } else call.end({ status: res.status });
      return res;
    } catch (e) {
      const cause = rootCause(e);
      call.end({ error: cause instanceof Error ? cause.message : String(cause) });
      throw e;
    }
  }

  private async guardedFetch(url: string | URL, init?: RequestInit) {
    const state = this.calls.getStore();
    const isTicket = String(url).endsWith('/access/ticket');
    if (state && !isTicket) {
      state.attempts++;
      if (state.attempts > 1 && !state.resend) {
        state.blockedResend = true;
        throw new ResendRefused();
      }
    }
    const signals = [init?.signal, state?.signal].filter((s): s is AbortSignal => s instanceof AbortSignal);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    try {
      const res = await this.loggedFetch(url, { ...init, ...(signal ? { signal } : {}) });
      if (state && isTicket) state.ticketResponse = { status: res.status, statusText: res.statusText };
      else if (state) {
        state.response = { status: res.status, statusText: res.statusText };
        const retryAfter = res.headers.get('retry-after');
        if (res.status !== 200 && retryAfter !== null) state.response.retryAfter = retryAfter;
        if (res.status !== 200) {
          try {
            state.response.body = await res.clone().text();
          } catch {
            // body unreadable: the reason phrase is enough
          }
        }
      }
      return res;
    } catch (e) {
      if (state) state.networkError = e;
      throw e;
    }
  }

  /**
   * One request. `resend` lets proxmox-api repeat it once after a lost answer (only for
   * idempotent calls). Throws PveApiError.
   */
  async request<T = unknown>(
    method: HttpMethod,
    path: string,
    params?: Params,
    opts: { resend?: boolean; signal?: AbortSignal } = {},
  ): Promise<T> {
    const state: CallState = { attempts: 0, resend: opts.resend ?? method === 'GET', ...(opts.signal ? { signal: opts.signal } : {}) };
    const clean: Params = {};
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) clean[k] = v;
    let node = this.api;
    for (const seg of path.split('/').filter((s) => s !== '')) node = node.$(seg);
    const fn = { GET: node.$get, POST: node.$post, PUT: node.$put, DELETE: node.$delete }[method];
    try {
      return (await this.calls.run(state, () => fn(Object.keys(clean).length > 0 ? clean : undefined))) as T;
    } catch (e) {
      throw this.toApiError(method, path, e, state);
    }
  }

  /** A request with the retry policy (lock contention, transient failures; see retry-policy.ts). */
  async call<T = unknown>(method: HttpMethod, path: string, params?: Params, opts: CallOptions = {}): Promise<T> {
    const idempotent = opts.idempotent ?? method === 'GET';
    return withRetry(() => this.request<T>(method, path, params, { resend: idempotent, ...(opts.signal ? { signal: opts.signal } : {}) }), {
      idempotent,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onRetry: (e, attempt, delay, of) => {
        this.log.retry({ call: `${method} /api2/json${path}`, attempt: attempt + 1, of, waitMs: delay, reason: e.reason });
        opts.onRetry?.(`${e.reason} — retrying ${method} ${path} in ${delay} ms (attempt ${attempt + 1})`);
      },
    });
  }

  private toApiError(method: string, path: string, e: unknown, state: CallState): PveApiError {
    if (e instanceof PveApiError) return e;
    if (state.ticketResponse && state.ticketResponse.status !== 200) {
      return new PveApiError(
        'POST',
        '/access/ticket',
        'http',
        state.ticketResponse.statusText || 'authentication failure',
        state.ticketResponse.status,
      );
    }
    const r = state.response;
    if (r && r.status !== 200) {
      return new PveApiError(
        method,
        path,
        'http',
        bodyMessage(r.body) ?? (r.statusText || `HTTP ${r.status}`),
        r.status,
        parseParamErrors(r.body),
        parseRetryAfter(r.retryAfter, Date.now()),
      );
    }
    if (r && r.status === 200) {
      return new PveApiError(method, path, 'http', `unexpected answer: ${(e as Error)?.message ?? String(e)}`, 200);
    }
    const tls = findTlsError(state.networkError ?? e);
    if (tls) return new PveApiError(method, path, 'tls', tls.message);
    const cause = rootCause(state.networkError ?? e);
    const text = cause instanceof Error ? cause.message : String(cause);
    if (state.blockedResend) return new PveApiError(method, path, 'not-resent', text);
    return new PveApiError(method, path, 'no-response', text);
  }
}
