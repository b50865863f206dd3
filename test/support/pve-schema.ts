/**
 * Test support: the real PVE 9.1.3 API schema, read from ../shared/reference/pve-api/ (never
 * copied into the project), and the one checker every test uses on the requests it sent
 * (the emulator's own tests, and the proxmox, crucible and coral providers' tests).
 *
 * For each request: the path matches a schema path template, the method exists there, every
 * parameter name is declared (indexed ones as `net[n]` → `net0`..), every value fits the
 * declared type (integer, number, boolean), enum, minimum/maximum, maxLength, pattern (Perl
 * `(?^:...)` made JavaScript, anchored as PVE anchors it) and some named formats, and — unless
 * the request is known to have failed — every required parameter is there. Property strings
 * (a `format` sub-schema) are split into their keys: each must be declared in the sub-schema,
 * directly, as an `alias`, or as a `keyAlias` (`virtio=MAC`), with its value checked the same
 * way; a bare value belongs to the `default_key`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';

export const PVE_SCHEMA_FILE = fileURLToPath(new URL('../../../shared/reference/pve-api/apidata-pve-9.1.3.json', import.meta.url));

export interface SchemaProp {
  type?: string;
  optional?: number;
  enum?: (string | number)[];
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string | Record<string, SchemaProp>;
  default_key?: number;
  alias?: string;
  keyAlias?: string;
}

export interface SchemaMethod {
  parameters?: { properties?: Record<string, SchemaProp> };
}

interface SchemaNode {
  path: string;
  info?: Record<string, SchemaMethod>;
  children?: SchemaNode[];
}

/** One path template of the schema that has methods, e.g. `/nodes/{node}/qemu`. */
export interface Endpoint {
  path: string;
  segments: string[];
  literals: number;
  methods: Record<string, SchemaMethod>;
}

/** A request as the emulator records it (`RecordedRequest` fits). */
export interface SchemaRequest {
  method: string;
  /** Path below /api2/json (segments may be URL-encoded). */
  path: string;
  query: Record<string, string[]>;
  body: Record<string, string[]>;
  /**
   * The emulator's answer, when known: required parameters are only checked on a 2xx (not on
   * a refusal, nor on 0, a connection dropped before the request was read).
   */
  status?: number;
}

export interface Violation {
  request: string;
  kind: 'unknown-path' | 'unknown-method' | 'unknown-parameter' | 'missing-parameter' | 'bad-value' | 'unknown-property-key';
  message: string;
}

type Problem = Omit<Violation, 'request'>;

export class PveApiSchema {
  /** Most literal segments first, so `/nodes/{node}/qemu` wins over `/nodes/{node}/{x}`. */
  readonly endpoints: readonly Endpoint[];

  constructor(endpoints: Endpoint[]) {
    this.endpoints = [...endpoints].sort((a, b) => b.literals - a.literals);
  }

  /** The template a concrete path matches, with its path parameters. */
  match(path: string): { endpoint: Endpoint; params: Record<string, string> } | undefined {
    const segs = path.split('?')[0]!.split('/').filter(Boolean).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    for (const e of this.endpoints) {
      if (e.segments.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const t = e.segments[i]!;
        if (t.startsWith('{')) params[t.slice(1, -1)] = segs[i]!;
        else if (t !== segs[i]) ok = false;
      }
      if (ok) return { endpoint: e, params };
    }
    return undefined;
  }

  /** Violations of one request (empty: conforms). */
  check(req: SchemaRequest): Violation[] {
    const label = `${req.method} ${req.path.split('?')[0]}`;
    const m = this.match(req.path);
    if (!m) return [{ request: label, kind: 'unknown-path', message: `no path template matches ${req.path}` }];
    const method = m.endpoint.methods[req.method];
    if (!method) return [{ request: label, kind: 'unknown-method', message: `${m.endpoint.path} has no ${req.method}` }];
    const props = method.parameters?.properties ?? {};
    const values = new Map<string, string[]>();
    for (const src of [req.query, req.body]) for (const [k, vs] of Object.entries(src)) values.set(k, [...(values.get(k) ?? []), ...vs]);
    for (const [name, value] of Object.entries(m.params)) values.set(name, [value]);
    const out: Violation[] = [];
    for (const [name, list] of values) {
      const prop = propFor(props, name);
      if (!prop) {
        out.push({ request: label, kind: 'unknown-parameter', message: `${m.endpoint.path} ${req.method}: unknown parameter "${name}"` });
        continue;
      }
      for (const v of list) for (const problem of checkValue(prop, v, name)) out.push({ request: label, ...problem });
    }
    if (req.status === undefined || (req.status >= 200 && req.status < 300)) {
      for (const [name, prop] of Object.entries(props)) {
        if (prop.optional || name.endsWith('[n]') || values.has(name)) continue;
        out.push({ request: label, kind: 'missing-parameter', message: `${m.endpoint.path} ${req.method}: required parameter "${name}" missing` });
      }
    }
    return out;
  }
}

/** The schema, or undefined when ../shared/reference/pve-api is not there. */
export function loadPveSchema(file = PVE_SCHEMA_FILE): PveApiSchema | undefined {
  if (!existsSync(file)) return undefined;
  const roots = JSON.parse(readFileSync(file, 'utf8')) as SchemaNode[];
  const endpoints: Endpoint[] = [];
  const walk = (n: SchemaNode): void => {
    if (n.info) {
      const segments = n.path.split('/').filter(Boolean);
      endpoints.push({ path: n.path, segments, literals: segments.filter((s) => !s.startsWith('{')).length, methods: n.info });
    }
    for (const c of n.children ?? []) walk(c);
  };
  roots.forEach(walk);
  return new PveApiSchema(endpoints);
}

export interface CheckOptions {
  /**
   * Leave out the requests the emulator refused (400: rejected parameters, 501: unknown
   * method), for tests that send bad requests on purpose to see them refused. Default true.
   */
  skipRefused?: boolean;
}

/** The violations of recorded requests, one line each (empty: all conform). */
export function checkRequests(schema: PveApiSchema, log: readonly SchemaRequest[], options: CheckOptions = {}): string[] {
  const skipRefused = options.skipRefused ?? true;
  const checked = skipRefused ? log.filter((r) => r.status !== 400 && r.status !== 501) : log;
  return checked.flatMap((r) => schema.check(r)).map(describeViolation);
}

/** After the test file's tests: the requests it recorded (at least one) all conform; skipped, saying so, without the schema. */
export function checkRequestsAfterAll(requests: readonly SchemaRequest[], options: CheckOptions = {}): void {
  afterAll(() => {
    const schema = loadPveSchema();
    if (!schema) {
      console.warn(`PVE API schema not found at ${PVE_SCHEMA_FILE}: request conformance not checked`);
      return;
    }
    expect(requests.length, 'requests recorded by this file').toBeGreaterThan(0);
    expect(checkRequests(schema, requests, options)).toEqual([]);
  });
}

function describeViolation(v: Violation): string {
  return `${v.kind}: ${v.request}: ${v.message}`;
}

/** A human list of violations for an assertion message. */
export function describeViolations(list: readonly Violation[]): string {
  return list.map(describeViolation).join('\n');
}

/** `net0` → the `net[n]` property; plain names directly. */
function propFor(props: Record<string, SchemaProp>, name: string): SchemaProp | undefined {
  if (props[name]) return props[name];
  const m = /^([a-z_-]+?)(\d+)$/.exec(name);
  if (m) return props[`${m[1]}[n]`];
  return undefined;
}

/** A Perl pattern as a JavaScript RegExp, anchored as PVE matches it (`^(?:pattern)$`). */
export function perlPattern(p: string): RegExp {
  let flags = '';
  let src = p.replace(/\(\?\^(i?):/g, (_m, i: string) => {
    if (i) flags = 'i';
    return '(?:';
  });
  src = src.replace(/\\0/g, '\\x00');
  return new RegExp(`^(?:${src})$`, flags);
}

const FORMAT_CHECKS: Record<string, (v: string) => boolean> = {
  'pve-vmid': (v) => /^[1-9][0-9]{2,8}$/.test(v),
  'pve-vmid-list': (v) => v.split(/[,;\s]+/).every((x) => /^[1-9][0-9]{2,8}$/.test(x)),
  'pve-node': (v) => /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v),
  'pve-storage-id': (v) => /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v),
  'pve-configid': (v) => /^[a-z][a-z0-9_-]+$/i.test(v),
  'pve-configid-list': (v) => v.split(/[,;\s]+/).every((x) => /^[a-z][a-z0-9_-]+$/i.test(x)),
  'pve-poolid': (v) => /^[A-Za-z0-9_\-/]+$/.test(v),
  'dns-name': (v) => /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v),
  'mac-addr': (v) => /^[a-f0-9]{2}(?::[a-f0-9]{2}){5}$/i.test(v) && (parseInt(v.slice(0, 2), 16) & 1) === 0,
  urlencoded: (v) => /^[-%a-zA-Z0-9_.!~*'()]*$/.test(v),
  'pve-volume-id': (v) => /^[a-z][a-z0-9\-_.]*[a-z0-9]:.+$/i.test(v),
  'pve-volume-id-or-qm-path': (v) => /^[a-z][a-z0-9\-_.]*[a-z0-9]:.+$/i.test(v) || v.startsWith('/') || ['none', 'cdrom', 'cloudinit'].includes(v),
  'pve-lxc-mp-string': (v) => /^[a-z][a-z0-9\-_.]*[a-z0-9]:.+$/i.test(v) || v.startsWith('/'),
  'disk-size': (v) => /^\d+(?:\.\d+)?[KMGT]?$/.test(v),
  'pve-bridge-id': (v) => /^[-_.\w\d]+$/.test(v),
  ipv4: (v) => /^(?:\d{1,3}\.){3}\d{1,3}$/.test(v),
  'pve-ipv4-config': (v) => v === 'dhcp' || v === 'manual' || /^(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(v),
  'pve-storage-id-list': (v) => v.split(/[,;\s]+/).every((x) => /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(x)),
};

function checkScalar(prop: SchemaProp, v: string, where: string): Problem[] {
  const bad = (why: string): Problem[] => [{ kind: 'bad-value', message: `${where} = ${JSON.stringify(v)}: ${why}` }];
  switch (prop.type) {
    case 'integer':
      if (!/^-?\d+$/.test(v)) return bad('not an integer');
      break;
    case 'number':
      if (!/^-?\d+(?:\.\d+)?$/.test(v)) return bad('not a number');
      break;
    case 'boolean':
      if (!/^(?:0|1|true|false|yes|no|on|off)$/i.test(v)) return bad('not a boolean');
      break;
    default:
      break;
  }
  if ((prop.type === 'integer' || prop.type === 'number') && prop.minimum !== undefined && Number(v) < prop.minimum) return bad(`below minimum ${prop.minimum}`);
  if ((prop.type === 'integer' || prop.type === 'number') && prop.maximum !== undefined && Number(v) > prop.maximum) return bad(`above maximum ${prop.maximum}`);
  if (prop.enum && !prop.enum.map(String).includes(v)) return bad(`not one of ${prop.enum.join(', ')}`);
  if (prop.type === 'string' || prop.type === undefined) {
    if (prop.maxLength !== undefined && v.length > prop.maxLength) return bad(`longer than ${prop.maxLength}`);
    if (prop.pattern && !perlPattern(prop.pattern).test(v)) return bad(`does not match /${prop.pattern}/`);
    if (typeof prop.format === 'string') {
      const check = FORMAT_CHECKS[prop.format];
      if (check && !check(v)) return bad(`is not a valid ${prop.format}`);
    }
  }
  return [];
}

function checkValue(prop: SchemaProp, v: string, where: string): Problem[] {
  if (prop.format && typeof prop.format === 'object') return checkPropertyString(prop.format, v, where);
  return checkScalar(prop, v, where);
}

function checkPropertyString(format: Record<string, SchemaProp>, v: string, where: string): Problem[] {
  const out: Problem[] = [];
  const defaultKey = Object.entries(format).find(([, p]) => p.default_key)?.[0];
  for (const part of v.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    if (eq < 0) {
      if (!defaultKey) {
        out.push({ kind: 'unknown-property-key', message: `${where}: "${part}" has no key and the format has no default key` });
        continue;
      }
      key = defaultKey;
      value = part;
    } else {
      key = part.slice(0, eq);
      value = part.slice(eq + 1);
    }
    let spec = format[key];
    if (!spec) {
      out.push({ kind: 'unknown-property-key', message: `${where}: unknown key "${key}" in "${v}"` });
      continue;
    }
    if (spec.keyAlias && spec.alias) {
      // `virtio=MAC`: the key is a value of keyAlias, the value belongs to alias.
      const keyField = format[spec.keyAlias];
      if (keyField) out.push(...checkScalar(keyField, key, `${where}.${spec.keyAlias}`));
      spec = format[spec.alias];
    } else if (spec.alias) {
      spec = format[spec.alias];
    }
    if (spec) out.push(...checkScalar(spec, value, `${where}.${key}`));
  }
  return out;
}
