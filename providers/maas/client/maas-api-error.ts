/**
 * MAAS error responses turned into `ProviderError`s carrying MAAS's own text. MAAS answers:
 * - 400 validation errors as JSON `{"field": ["message", ...]}` (application/json) or, for a
 *   single message, as text/plain;
 * - 404 as text/plain `No Device matches the given query.` (an unknown URL answers
 *   `Unknown API endpoint: ...`, which is not a "gone" object but a wrong URL);
 * - 401 as text `Authorization Error: ...` (whose "Invalid signature" variant echoes the
 *   expected signature, i.e. the token secret: it is redacted here);
 * - 409 (a rolled-back serialization conflict, `Retry-After: 5`) as an HTML page;
 * - 403/503 and others as text/plain.
 */
import { ProviderError, type ProviderErrorOptions } from '../../../src/provider/contract.js';

export interface MaasErrorDetails {
  method: string;
  /** Path relative to the API root, with `?op=` when there is one. */
  call: string;
  status: number;
  /** The response body text, redacted. */
  body: string;
  /** Field errors when MAAS answered a JSON dict. */
  fieldErrors?: Record<string, string[]>;
}

export class MaasApiError extends ProviderError {
  readonly details: MaasErrorDetails;
  /** `more`: e.g. `safeToRetry` and `retryAfterMs` of a 503 with Retry-After. */
  constructor(
    message: string,
    details: MaasErrorDetails,
    retryable: boolean,
    more: Pick<ProviderErrorOptions, 'safeToRetry' | 'retryAfterMs'> = {},
  ) {
    super(message, { status: details.status, retryable, detail: details.body, ...more });
    this.name = 'MaasApiError';
    this.details = details;
  }

  /** MAAS asked for the call to be sent again later: a 409 or 503 with Retry-After (nothing was applied). */
  get askedToRetry(): boolean {
    return (this.details.status === 409 || this.details.status === 503) && this.options.retryAfterMs !== undefined;
  }
}

/** Removes secrets MAAS may echo back in error bodies. */
export function redactMaasText(text: string): string {
  return text.replace(/(Expected signature base string:)[^'"\n]*/g, '$1 [redacted]');
}

function flattenFieldErrors(fields: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = Array.isArray(v) ? v.map((x) => String(x)) : [String(v)];
  }
  return out;
}

/** The readable summary of a MAAS error body plus field errors when it is a JSON dict. */
export function summarizeMaasErrorBody(contentType: string, bodyText: string): { summary: string; fieldErrors?: Record<string, string[]> } {
  const body = redactMaasText(bodyText).trim();
  if (contentType.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const fieldErrors = flattenFieldErrors(parsed as Record<string, unknown>);
        const summary = Object.entries(fieldErrors)
          .map(([k, msgs]) => (k === '__all__' ? msgs.join(' ') : `${k}: ${msgs.join(' ')}`))
          .join('; ');
        return { summary, fieldErrors };
      }
      if (Array.isArray(parsed)) return { summary: parsed.map((x) => String(x)).join('; ') };
      if (typeof parsed === 'string') return { summary: parsed };
    } catch {
      // fall through to text
    }
  }
  if (/^\s*</.test(body)) {
    const text = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return { summary: text.slice(0, 300) || '(HTML error page)' };
  }
  return { summary: body.length > 1000 ? `${body.slice(0, 1000)}...` : body || '(empty body)' };
}

/** A 404 that means "no such object" (as opposed to a wrong URL). */
export function isMaasNotFound(err: unknown): boolean {
  return err instanceof MaasApiError && err.details.status === 404 && /matches the given query/.test(err.details.body);
}

export { parseRetryAfter } from '../../shared/retry-after.js';
