/**
 * Request parameters the way MAAS (Django + piston) reads them: `op` first in the query
 * string, other GET parameters in the query, POST/PUT bodies as
 * application/x-www-form-urlencoded, lists as repeated keys (`mac_addresses=a&mac_addresses=b`).
 * Null and undefined values are left out (MAAS then keeps the current value).
 */

export type FormScalar = string | number | boolean;
export type FormValue = FormScalar | readonly FormScalar[] | null | undefined;
export type FormFields = Record<string, FormValue>;

function scalarText(v: FormScalar): string {
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

export function toSearchParams(fields: FormFields | undefined, op?: string): URLSearchParams {
  const params = new URLSearchParams();
  if (op !== undefined) params.append('op', op);
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly FormScalar[]) params.append(key, scalarText(item));
    } else {
      params.append(key, scalarText(value as FormScalar));
    }
  }
  return params;
}

/** The form-encoded body text. */
export function encodeFormBody(fields: FormFields): string {
  return toSearchParams(fields).toString();
}
