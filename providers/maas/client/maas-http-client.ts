/**
 * The HTTP layer of the MAAS client: signs every request (fresh nonce and timestamp), puts
 * `op` in the query string, form-encodes bodies, parses JSON answers, retries transient
 * failures of idempotent calls (GET, PUT, DELETE) with backoff and never blindly retries a POST
 * (MAAS POSTs create things or link IPs: sending one twice is not safe), and turns failures
 * into ProviderErrors carrying MAAS's text.
 *
 * MAAS's own "try again" answers are honoured for every method, after the wait they name:
 * - 409 with `Retry-After: 5`: the request's transaction failed on a serialization conflict
 *   even after MAAS's own retries and was rolled back; MAAS asks clients to retry
 *   (src/maasserver/utils/views.py, HttpResponseConflict and WebApplicationHandler.get_response);
 * - 503 with `Retry-After: 10`: an RPC or external-process failure turned into an answer by
 *   the middleware (src/maasserver/middleware.py, ExceptionMiddleware and
 *   APIRPCErrorsMiddleware) while the view ran in a savepoint that was rolled back
 *   (utils/views.py, make_view_atomic).
 * So nothing was applied. A POST is sent again only when its call says how to find what an
 * earlier attempt may have made (`readBack`), and that is asked first: a proxy in front of
 * MAAS may answer 503 after MAAS committed.
 */
import type { Dispatcher } from 'undici';
import { sleep } from '../../../src/provider/abortable-sleep.js';
import { lazyModule } from '../../../src/core/lazy-module.js';
import { SILENT_CALL_LOG, type ProviderCallLog } from '../../../src/provider/call-log.js';
import { ProviderError } from '../../../src/provider/contract.js';
import type { MaasCredentials } from './api-key.js';
import { toSearchParams, type FormFields } from './form-body.js';
import { classifyConnectionFailure, endpointOf, schemeOf } from '../../../src/provider/connection-failure.js';
import { MaasApiError, parseRetryAfter, summarizeMaasErrorBody } from './maas-api-error.js';
import { buildOAuthHeader } from './oauth-header.js';

const undici = lazyModule<typeof import('undici')>('undici');

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface MaasHttpClientOptions {
  /** The MAAS URL, e.g. `http://maas.maas:5240/MAAS` (the API is under `api/2.0/`). */
  url: string;
  credentials: MaasCredentials;
  dispatcher: Dispatcher;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts for transient failures of idempotent calls. Default 3. */
  maxRetries?: number;
  /** First backoff delay; doubles each retry (capped at 5 s). Default 500 ms. */
  retryDelayMs?: number;
  /** The most a Retry-After of MAAS is waited for. Default 60 s. */
  maxRetryAfterMs?: number;
  /** How waits are made (tests record them instead of waiting). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Where every request and retry is logged (HL_LOG). */
  log?: ProviderCallLog;
}

export interface CallOptions {
  op?: string;
  /** Query parameters (GET/DELETE) — lists become repeated keys. */
  query?: FormFields;
  /** Form body (POST/PUT). */
  form?: FormFields;
  signal?: AbortSignal;
  /**
   * For a POST: what an earlier attempt may have made (the created object, the interface
   * with its link), or null when it made nothing. Asked before the POST is sent again after
   * a Retry-After; a POST without it is not sent again.
   */
  readBack?: (signal?: AbortSignal) => Promise<unknown>;
}

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    if (e instanceof Error) parts.push(e.message);
    e = e instanceof Error ? (e as { cause?: unknown }).cause : undefined;
  }
  return [...new Set(parts.filter(Boolean))].join(': ') || String(err);
}

export class MaasHttpClient {
  readonly apiRoot: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly log: ProviderCallLog;

  constructor(private readonly options: MaasHttpClientOptions) {
    this.apiRoot = `${options.url.replace(/\/+$/, '')}/api/2.0/`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.sleep = options.sleep ?? sleep;
    this.log = options.log ?? SILENT_CALL_LOG;
  }

  async get<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.call<T>('GET', path, options);
  }
  async post<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.call<T>('POST', path, options);
  }
  async put<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.call<T>('PUT', path, options);
  }
  async delete(path: string, options: CallOptions = {}): Promise<void> {
    await this.call<unknown>('DELETE', path, options);
  }

  /** One API call; answers the parsed JSON (null for an empty body). */
  async call<T>(method: HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const idempotent = method !== 'POST';
    const callName = `${path}${options.op ? `?op=${options.op}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.attempt(method, path, callName, options)) as T;
      } catch (err) {
        const more = attempt < this.maxRetries && !options.signal?.aborted;
        const askedToRetry = more && err instanceof MaasApiError && err.askedToRetry && (idempotent || options.readBack !== undefined);
        if (askedToRetry) {
          const wait = Math.min((err as MaasApiError).options.retryAfterMs ?? 0, this.maxRetryAfterMs);
          this.logRetry(method, callName, attempt, wait, err);
          await this.sleep(wait, options.signal);
          if (!idempotent) {
            const made = await options.readBack!(options.signal);
            if (made !== null && made !== undefined) return made as T;
          }
          continue;
        }
        const retryable = idempotent && more && this.isTransient(err);
        if (!retryable) throw this.toProviderError(err, method, callName, idempotent);
        const wait = Math.min(this.retryDelayMs * 2 ** attempt, 5_000);
        this.logRetry(method, callName, attempt, wait, err);
        await this.sleep(wait, options.signal);
      }
    }
  }

  private logRetry(method: string, callName: string, attempt: number, waitMs: number, err: unknown): void {
    const reason = err instanceof MaasApiError ? `${err.details.status}` : errorText(err);
    this.log.retry({ call: `${method} ${this.apiPath(callName)}`, attempt: attempt + 2, of: this.maxRetries + 1, waitMs, reason });
  }

  /** The path of a call under the server, as logged (`/MAAS/api/2.0/devices/?op=...`). */
  private apiPath(callName: string): string {
    return (
      new URL(callName.replace(/^\/+/, ''), this.apiRoot).pathname + (callName.includes('?') ? callName.slice(callName.indexOf('?')) : '')
    );
  }

  private isTransient(err: unknown): boolean {
    if (err instanceof MaasApiError) return TRANSIENT_STATUS.has(err.details.status);
    if (err instanceof ProviderError) return false;
    const code = errorCode(err);
    return code !== undefined && TRANSIENT_CODES.has(code);
  }

  private toProviderError(err: unknown, method: string, callName: string, idempotent: boolean): ProviderError {
    if (err instanceof ProviderError) return err;
    const code = errorCode(err);
    const cause = classifyConnectionFailure(err, schemeOf(this.options.url));
    const unreachable = cause ? { unreachable: { cause, endpoint: endpointOf(this.options.url) } } : {};
    if (code === 'HL_TLS_PIN_MISMATCH') {
      return new ProviderError(`MAAS ${method} ${callName}: ${errorText(err)}; refusing to send the API key`, {
        retryable: false,
        ...unreachable,
      });
    }
    if ((err as { name?: string })?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT') {
      return new ProviderError(
        `MAAS ${method} ${callName}: no answer within ${this.timeoutMs / 1000} s` +
          (idempotent ? '' : '; the request may or may not have been applied'),
        { retryable: idempotent, ...unreachable },
      );
    }
    const what = idempotent ? '' : ' (connection lost before an answer: the request may or may not have been applied)';
    return new ProviderError(`MAAS ${method} ${callName} failed: ${errorText(err)}${code ? ` [${code}]` : ''}${what}`, {
      retryable: idempotent,
      // refused, unknown host, TLS: the request never left, so even a POST did nothing
      ...(cause === 'refused' || cause === 'dns' || cause?.startsWith('tls') ? { safeToRetry: true } : {}),
      ...unreachable,
    });
  }

  private async attempt(method: HttpMethod, path: string, callName: string, options: CallOptions): Promise<unknown> {
    const url = new URL(path.replace(/^\/+/, ''), this.apiRoot);
    const hasBody = method === 'POST' || method === 'PUT';
    const query = toSearchParams(hasBody ? undefined : options.query, options.op);
    if (hasBody && options.query) for (const [k, v] of toSearchParams(options.query)) query.append(k, v);
    const qs = query.toString();
    url.search = qs ? `?${qs}` : '';
    const headers: Record<string, string> = {
      authorization: buildOAuthHeader(this.options.credentials),
      accept: 'application/json',
    };
    let body: string | undefined;
    if (hasBody) {
      body = toSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const call = this.log.start({
      method,
      path: `${url.pathname}${url.search}`,
      endpoint: url.origin,
      ...(body !== undefined ? { requestBody: body } : {}),
    });
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await undici().request(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        dispatcher: this.options.dispatcher,
        signal,
      });
      text = await res.body.text();
    } catch (e) {
      call.end({ error: errorText(e) });
      throw e;
    }
    call.end({ status: res.statusCode, responseBytes: Buffer.byteLength(text), responseBody: text });
    const contentType = String(res.headers['content-type'] ?? '');
    if (res.statusCode >= 200 && res.statusCode < 300) {
      if (text.trim() === '') return null;
      if (contentType.includes('json')) {
        try {
          return JSON.parse(text);
        } catch {
          throw new ProviderError(`MAAS ${method} ${callName}: answer is not valid JSON`, { status: res.statusCode });
        }
      }
      return text;
    }
    const { summary, fieldErrors } = summarizeMaasErrorBody(contentType, text);
    const hint =
      res.statusCode === 401
        ? ' (check api_key: MAAS refused the OAuth signature)'
        : res.statusCode === 404 && /Unknown API endpoint/.test(text)
          ? ` (is url right? ${this.apiRoot} is not a MAAS API root)`
          : '';
    throw new MaasApiError(
      `MAAS ${method} ${callName} failed (${res.statusCode}): ${summary}${hint}`,
      {
        method,
        call: callName,
        status: res.statusCode,
        body: summarizeMaasErrorBody('text/plain', text).summary,
        ...(fieldErrors ? { fieldErrors } : {}),
      },
      TRANSIENT_STATUS.has(res.statusCode) && method !== 'POST',
      notApplied(res.statusCode, res.headers['retry-after']),
    );
  }
}

/**
 * A 503 (or 429) means MAAS did not take the request on, and a 409 with Retry-After is MAAS's
 * rolled-back serialization conflict (see the top of this file): any call, a POST included,
 * is safe to send again, after the Retry-After it asks for. A 409 without Retry-After is a
 * real conflict (e.g. a node in the wrong state) and is not retried.
 */
function notApplied(status: number, retryAfter: string | string[] | undefined): { safeToRetry?: true; retryAfterMs?: number } {
  const ms = parseRetryAfter(retryAfter, Date.now());
  if (status === 503 || status === 429 || (status === 409 && ms !== undefined)) {
    return { safeToRetry: true, ...(ms !== undefined ? { retryAfterMs: ms } : {}) };
  }
  return {};
}
