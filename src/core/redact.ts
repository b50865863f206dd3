/**
 * Masks known secret strings wherever they would be printed (logs, errors, JSON events).
 *
 * Values are redacted before they are serialised (`redactor.value`, `redactor.json`): a
 * secret holding `"`, `\` or a control character is escaped by JSON.stringify, so a search
 * of the JSON text for the raw secret would miss it.
 *
 * Secrets of any length are masked, but how depends on the length:
 * - a secret of 4 characters or more is masked wherever it occurs: in any string of a value,
 *   in any key, and in free text (raw, and in its JSON-escaped form);
 * - a secret of 1-3 characters ("ab", "é") would occur by chance in ordinary words, numbers
 *   and addresses, and masking every such occurrence would garble the output (and point at
 *   the secret). It is masked where it occurs as a whole value: a string value or key equal
 *   to it, and in free text its quoted form (`"ab"`, as values are rendered). A longer string
 *   value containing it (from config or provider data) is already masked when sensitive,
 *   through the sensitivity of the values it came from.
 */
import { isValueMap, type Value } from './value.js';

export const MASK = '(sensitive value)';

/** Secrets at least this long are masked as substrings anywhere; shorter ones as whole values. */
export const SUBSTRING_SECRET_LENGTH = 4;

export interface Redactor {
  /** Free text with secrets masked. */
  (text: string): string;
  /** A copy of a JSON-like value with secrets masked in every string and key. */
  value<T>(v: T): T;
  /** JSON.stringify of the redacted value. */
  json(v: unknown, space?: number): string;
  /** Whether a string value holds a secret (by the same rule: whole short secrets, long ones anywhere). */
  holdsSecret(s: string): boolean;
}

export function makeRedactor(secrets: Iterable<string>): Redactor {
  const all = [...new Set([...secrets].filter((s) => typeof s === 'string' && s.length > 0))];
  const long = all.filter((s) => s.length >= SUBSTRING_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  const short = new Set(all.filter((s) => s.length < SUBSTRING_SECRET_LENGTH));
  // free text may hold a secret as it is, or escaped inside JSON (a response body quoted in an error)
  const textForms = [...new Set([...long, ...long.map((s) => JSON.stringify(s).slice(1, -1))])].sort((a, b) => b.length - a.length);
  const quotedShort = [...short].map((s) => JSON.stringify(s));

  const replaceAll = (text: string, forms: readonly string[], by: string): string => {
    let out = text;
    for (const s of forms) if (out.includes(s)) out = out.split(s).join(by);
    return out;
  };
  const text = (t: string): string => replaceAll(replaceAll(t, textForms, MASK), quotedShort, JSON.stringify(MASK));
  const str = (s: string): string => (short.has(s) ? MASK : replaceAll(s, long, MASK));
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return str(v);
    if (v === null || typeof v !== 'object' || depth > 10_000) return v;
    const toJson = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJson === 'function') return walk((v as { toJSON(): unknown }).toJSON(), depth + 1);
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // a `__proto__` key stays data
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[str(k)] = walk(x, depth + 1);
    return out;
  };
  const r = ((t: string) => text(t)) as Redactor;
  r.value = <T>(v: T): T => (all.length === 0 ? v : (walk(v, 0) as T));
  r.json = (v, space) => JSON.stringify(r.value(v), null, space);
  r.holdsSecret = (s) => short.has(s) || long.some((x) => s.includes(x));
  return r;
}

/** Every string inside a value (a sensitive variable's, a sensitive attribute's): what a redactor masks. */
export function stringsIn(v: Value | undefined, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (isValueMap(v)) for (const x of Object.values(v)) stringsIn(x, out);
  return out;
}
