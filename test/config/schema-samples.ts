/**
 * Values to run a JSON Schema's validators on, built from the schema itself: attempts at a
 * valid value (from `const`, `enum`, `default`, first branches, lower bounds, strings
 * matching the pattern when one of a few usual shapes does; with all properties, and with
 * only the required ones), and variations of them that each break one thing (a wrong type,
 * a missing key, an extra key) anywhere. Deterministic, for tests comparing two validators
 * of the same schema.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MAX_DEPTH = 8;
const WRONG_VALUES: Json[] = [42, 1.5, -1, 'text', '', true, null, [], {}, ['text'], { zz_unexpected: 1 }];
/** Strings tried against a `pattern`: shapes hl's schemas ask for (URLs, ids, sizes, slots, ...). */
const PATTERN_CANDIDATES = [
  'x',
  'https://example.com',
  '10G',
  '200',
  '123456',
  'v1.2.3',
  'usb0',
  '0666',
  '1-2',
  '0000:01:00.0',
  '/dev/x',
  'pve/100',
  'disk/1',
  'snapshot/1',
  '#a0b1c2',
  'root@pam!hl',
  'a:b:c',
  '00000000-0000-0000-0000-000000000000',
  'proxmox_vm.k3s',
  'scsi0',
  'net0',
  'local-lvm',
];

/** The attempts at a valid value first, then their variations (at most `limit` values in all). */
export function schemaSamples(schema: object, limit = 600): Json[] {
  const full = exampleOf(schema, schema, 0, false);
  const minimal = exampleOf(schema, schema, 0, true);
  const out: Json[] = [full, minimal, {}, []];
  for (const base of [minimal, full]) {
    for (const variant of variations(base)) {
      if (out.length >= limit) return out;
      out.push(variant);
    }
  }
  return out;
}

/** An attempt at a valid value; `requiredOnly` leaves out optional properties. */
function exampleOf(s: unknown, root: object, depth: number, requiredOnly: boolean): Json {
  if (typeof s !== 'object' || s === null || depth > MAX_DEPTH) return s === false ? null : 'any';
  const o = s as Record<string, unknown>;
  if (typeof o.$ref === 'string') return exampleOf(resolveLocalRef(o.$ref, root), root, depth + 1, requiredOnly);
  if ('const' in o) return o.const as Json;
  if (Array.isArray(o.enum)) return o.enum[0] as Json;
  if ('default' in o) return o.default as Json;
  if (Array.isArray(o.examples) && o.examples.length > 0) return o.examples[0] as Json;
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    const branches = o[k];
    if (Array.isArray(branches) && branches.length > 0 && o.type === undefined && o.properties === undefined) return exampleOf(branches[0], root, depth + 1, requiredOnly);
  }
  const type = Array.isArray(o.type) ? o.type[0] : (o.type ?? (o.properties ? 'object' : o.items ? 'array' : undefined));
  switch (type) {
    case 'object': {
      const out: { [key: string]: Json } = {};
      const properties = (o.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(o.required) ? (o.required as string[]) : [];
      for (const [k, sub] of Object.entries(properties)) if (!requiredOnly || required.includes(k)) out[k] = exampleOf(sub, root, depth + 1, requiredOnly);
      for (const k of required) if (!(k in out)) out[k] = 'any';
      return out;
    }
    case 'array': {
      const items = Array.isArray(o.items) ? o.items : [o.items];
      const count = Math.max(1, typeof o.minItems === 'number' ? o.minItems : 0);
      return Array.from({ length: Array.isArray(o.items) ? items.length : count }, (_, i) => exampleOf(items[i % items.length], root, depth + 1, requiredOnly));
    }
    case 'string': {
      if (typeof o.pattern === 'string') {
        const re = new RegExp(o.pattern, 'u');
        const match = PATTERN_CANDIDATES.find((c) => re.test(c));
        if (match !== undefined) return match;
      }
      return 'x'.repeat(Math.max(1, typeof o.minLength === 'number' ? o.minLength : 1));
    }
    case 'integer':
    case 'number':
      return typeof o.minimum === 'number' ? o.minimum : typeof o.exclusiveMinimum === 'number' ? o.exclusiveMinimum + 1 : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'any';
  }
}

/** `base` with one thing changed, for every place in it. */
function* variations(base: Json): Generator<Json> {
  for (const [path, value] of places(base, [])) {
    for (const wrong of WRONG_VALUES) if (JSON.stringify(wrong) !== JSON.stringify(value)) yield replaced(base, path, () => wrong);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const key of Object.keys(value)) yield replaced(base, path, (v) => omit(v as { [key: string]: Json }, key));
      yield replaced(base, path, (v) => ({ ...(v as object), zz_unexpected: 'x' }));
    }
    if (Array.isArray(value)) yield replaced(base, path, (v) => [...(v as Json[]), ...(v as Json[])]);
  }
}

function* places(v: Json, path: (string | number)[]): Generator<[(string | number)[], Json]> {
  yield [path, v];
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield* places(v[i]!, [...path, i]);
  else if (v !== null && typeof v === 'object') for (const [k, sub] of Object.entries(v)) yield* places(sub, [...path, k]);
}

function replaced(base: Json, path: (string | number)[], change: (v: Json) => Json): Json {
  if (path.length === 0) return change(base);
  const [head, ...rest] = path;
  if (Array.isArray(base)) return base.map((item, i) => (i === head ? replaced(item, rest, change) : item));
  const map = base as { [key: string]: Json };
  return { ...map, [head!]: replaced(map[head!]!, rest, change) };
}

function omit(map: { [key: string]: Json }, key: string): Json {
  const { [key]: _dropped, ...rest } = map;
  return rest;
}

function resolveLocalRef(ref: string, root: object): unknown {
  if (!ref.startsWith('#')) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(2).split('/').filter((s) => s !== '')) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  return cur;
}
