/**
 * The emulator's request and response shapes, and MAAS's ways of answering:
 * - objects and lists: 200 `application/json; charset=utf-8`;
 * - deletes: 204 with an empty body (piston rc.DELETED);
 * - form validation errors (MAASAPIValidationError with a field dict): 400 JSON
 *   `{"field": ["message"]}`; a single non-field message: 400 `text/plain; charset=utf-8`;
 * - MAASAPIBadRequest (e.g. "Unrecognised signature: method=PUT op=None"): 400 text/plain;
 * - Http404: 404 `text/plain` "No Device matches the given query.";
 * - unknown URL: 404 "Unknown API endpoint: <path>.".
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
