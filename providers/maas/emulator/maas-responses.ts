/**
 * The emulator's request and response shapes, and MAAS's ways of answering:
 * - objects and lists: 200 `application/json; charset=utf-8`;
 * - deletes: 204 with an empty body (piston rc.DELETED);
 * - form validation errors (MAASAPIValidationError with a field dict): 400 JSON
 *   `{"field": ["message"]}`; a single non-field message: 400 `text/plain; charset=utf-8`;
 * - MAASAPIBadRequest (e.g. "Unrecognised signature: method=PUT op=None"): 400 text/plain;
 * - Http404: 404 `text/plain` "No Device matches the given query.";
 * - unknown URL: 404 "Unknown API endpoint: <path>.";
 * - a serialization conflict MAAS gave up retrying: 409 HTML page with `Retry-After: 5`;
 * - an RPC failure: 503 text/plain with `Retry-After: 10`.
 * Every API answer carries `X-MAAS-API-Hash`.
 */

export interface EmulatorRequest {
  method: string;
  /** Path below the API root, e.g. `devices/4y3h7n/`. */
  path: string;
  /** The full request path, e.g. `/MAAS/api/2.0/devices/`. */
  fullPath: string;
  query: URLSearchParams;
  form: URLSearchParams;
  op: string | undefined;
}

export interface EmulatorResponse {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export const API_PREFIX = '/MAAS/api/2.0/';

export function json(value: unknown, status = 200): EmulatorResponse {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

export function deleted(): EmulatorResponse {
  return { status: 204, contentType: 'text/plain', body: '' };
}

export function notFound(model: string): EmulatorResponse {
  return { status: 404, contentType: 'text/plain', body: `No ${model} matches the given query.` };
}

export function unknownEndpoint(fullPath: string): EmulatorResponse {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: `Unknown API endpoint: ${fullPath}.` };
}

/** MAASAPIValidationError with a field dict. */
export function validationErrors(errors: Record<string, string[]>): EmulatorResponse {
  return json(errors, 400);
}

/** MAASAPIValidationError with one message: text/plain. */
export function validationMessage(message: string): EmulatorResponse {
  return { status: 400, contentType: 'text/plain; charset=utf-8', body: message };
}

/** MAASAPIException subclasses: their status, text/plain. */
export function apiException(status: number, message: string): EmulatorResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: message };
}

export function unrecognisedSignature(method: string, op: string | undefined): EmulatorResponse {
  return apiException(400, `Unrecognised signature: method=${method} op=${op ?? 'None'}`);
}

/**
 * utils/views.py: HttpResponseConflict, the rendered 409.html template, with
 * RETRY_AFTER_CONFLICT (5 s); the transaction was rolled back.
 */
export function retryConflict(): EmulatorResponse {
  return {
    status: 409,
    contentType: 'text/html; charset=utf-8',
    body: '<!DOCTYPE html>\n<html><head><title>409 Conflict</title></head><body><h1>Conflict</h1></body></html>\n',
    headers: { 'Retry-After': '5' },
  };
}

/** middleware.py: APIRPCErrorsMiddleware for NoConnectionsAvailable, RETRY_AFTER_SERVICE_UNAVAILABLE (10 s). */
export function rpcUnavailable(): EmulatorResponse {
  return {
    status: 503,
    contentType: 'text/plain; charset=utf-8',
    body: 'Unable to connect to any rack controller; no connections available.',
    headers: { 'Retry-After': '10' },
  };
}

export const REQUIRED = 'This field is required.';
export const INVALID_CHOICE = 'Select a valid choice. That choice is not one of the available choices.';

/** maasserver.utils.forms.compose_invalid_choice_text */
export function invalidChoice(name: string, value: string, choices: string[]): string {
  return `'${value}' is not a valid ${name}.  It should be one of: ${choices.map((c) => `'${c}'`).join(', ')}.`;
}

/** maasserver.forms.merge_error_messages */
export function mergeErrorMessages(summary: string, errors: string[], limit = 5): string {
  const shown = errors.slice(0, limit).join(' \u2014 ');
  const more = errors.length - limit;
  return `${summary} (${shown}${more > 0 ? ` and ${more} more error${more > 1 ? 's' : ''}` : ''})`;
}

/** Form values, last one winning (Django QueryDict.get). */
export function formValue(form: URLSearchParams, key: string): string | undefined {
  const all = form.getAll(key);
  return all.length ? all[all.length - 1] : undefined;
}
