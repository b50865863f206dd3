/**
 * Test support: the real PVE 9.1.3 API schema (from ../shared/reference/pve-api/, read here
 * only, never copied into the project) and a checker that validates recorded requests against
 * it: path and method exist, every parameter name is known (indexed `net[n]` included), values
 * have the schema's type, enum, length and pattern, and property strings use known keys.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RecordedRequest } from '../../../providers/proxmox/emulator/start-emulator.js';

export const PVE_SCHEMA_FILE = fileURLToPath(new URL('../../../../shared/reference/pve-api/apidata-pve-9.1.3.json', import.meta.url));

export interface SchemaProp {
  type?: string;
  optional?: number;
  enum?: (string | number)[];
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string | Record<string, SchemaProp & { default_key?: number; alias?: string; keyAlias?: string }>;
}

export interface SchemaMethod {
  parameters?: { properties?: Record<string, SchemaProp> };
}

interface SchemaNode {
  path: string;
  info?: Record<string, SchemaMethod>;
  children?: SchemaNode[];
}

export interface Endpoint {
  path: string;
  regex: RegExp;
  literals: number;
  methods: Record<string, SchemaMethod>;
}

export interface PveSchema {
  endpoints: Endpoint[];
}

export function loadPveSchema(): PveSchema | undefined {
  if (!existsSync(PVE_SCHEMA_FILE)) return undefined;
  const roots = JSON.parse(readFileSync(PVE_SCHEMA_FILE, 'utf8')) as SchemaNode[];
  const endpoints: Endpoint[] = [];
  const walk = (n: SchemaNode): void => {
    const segs = n.path.split('/').filter(Boolean);
    const regex = new RegExp(`^/${segs.map((s) => (s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))).join('/')}$`);
    endpoints.push({ path: n.path, regex, literals: segs.filter((s) => !s.startsWith('{')).length, methods: n.info ?? {} });
    for (const c of n.children ?? []) walk(c);
  };
  for (const r of roots) walk(r);
  return { endpoints };
}

export function findEndpoint(schema: PveSchema, path: string): Endpoint | undefined {
  return schema.endpoints.filter((e) => e.regex.test(path)).sort((a, b) => b.literals - a.literals)[0];
}

/** The schema property for a parameter name (exact, or `name[n]` for `name<digits>`). */
export function findProp(props: Record<string, SchemaProp>, name: string): SchemaProp | undefined {
  if (props[name]) return props[name];
  const m = /^(.*?)(\d+)$/.exec(name);
  return m ? props[`${m[1]}[n]`] : undefined;
}

function perlPattern(p: string): RegExp | undefined {
  let src = p;
  const m = /^\(\?\^([a-z]*):(.*)\)$/s.exec(p);
  if (m) src = m[2] as string;
  try {
    return new RegExp(`^(?:${src})$`, m?.[1]?.includes('i') ? 'i' : '');
  } catch {
    return undefined;
  }
}

const BOOL = /^(1|0|true|false|yes|no|on|off)$/i;

function checkScalar(where: string, prop: SchemaProp, value: string, problems: string[]): void {
  const type = prop.type ?? 'string';
  if (type === 'boolean' && !BOOL.test(value)) problems.push(`${where}: '${value}' is not a boolean`);
  if (type === 'integer' && !/^-?\d+$/.test(value)) problems.push(`${where}: '${value}' is not an integer`);
  if (type === 'number' && !/^-?(\d+\.?\d*|\.\d+)$/.test(value)) problems.push(`${where}: '${value}' is not a number`);
  if ((type === 'integer' || type === 'number') && /^-?[\d.]+$/.test(value)) {
    if (prop.minimum !== undefined && Number(value) < Number(prop.minimum)) problems.push(`${where}: ${value} < minimum ${prop.minimum}`);
    if (prop.maximum !== undefined && Number(value) > Number(prop.maximum)) problems.push(`${where}: ${value} > maximum ${prop.maximum}`);
  }
  if (prop.enum && !prop.enum.map(String).includes(value)) problems.push(`${where}: '${value}' not in enum ${prop.enum.join('|')}`);
  if (type === 'string' && prop.maxLength !== undefined && value.length > prop.maxLength) problems.push(`${where}: longer than ${prop.maxLength}`);
  if (type === 'string' && prop.pattern) {
    const re = perlPattern(prop.pattern);
    if (re && !re.test(value)) problems.push(`${where}: '${value}' does not match ${prop.pattern}`);
  }
}

function checkPropertyString(where: string, format: Record<string, SchemaProp & { default_key?: number; alias?: string; keyAlias?: string }>, value: string, problems: string[]): void {
  const defaultKey = Object.keys(format).find((k) => format[k]?.default_key);
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    let key: string;
    let v: string;
    if (eq < 0) {
      if (!defaultKey) {
        problems.push(`${where}: bare value '${part}' but no default key`);
        continue;
      }
      key = defaultKey;
      v = part;
    } else {
      key = part.slice(0, eq);
      v = part.slice(eq + 1);
    }
    const spec = format[key];
    if (!spec) {
      problems.push(`${where}: unknown property-string key '${key}'`);
      continue;
    }
    if (spec.alias) {
      const target = format[spec.alias];
      if (spec.keyAlias) continue; // `virtio=MAC`: model name as key, MAC as value
      if (target) checkScalar(`${where}.${key}`, target, v, problems);
      continue;
    }
    checkScalar(`${where}.${key}`, spec, v, problems);
  }
}

/**
 * Problems of the recorded requests against the schema. Requests the emulator answered 400
 * (rejected parameters) or 501 (unknown method) on purpose are skipped.
 */
export function checkRequests(schema: PveSchema, log: readonly RecordedRequest[]): string[] {
  const problems: string[] = [];
  for (const r of log) {
    if (r.status === 400 || r.status === 501) continue;
    const path = r.path.split('/').map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    }).join('/');
    const ep = findEndpoint(schema, r.path);
    const label = `${r.method} ${path}`;
    if (!ep) {
      problems.push(`${label}: no such path in the PVE schema`);
      continue;
    }
    const m = ep.methods[r.method];
    if (!m) {
      problems.push(`${label}: method not in the PVE schema for ${ep.path}`);
      continue;
    }
    const props = m.parameters?.properties ?? {};
    const given = new Map<string, string[]>();
    for (const src of [r.query, r.body]) for (const [k, vs] of Object.entries(src)) given.set(k, [...(given.get(k) ?? []), ...vs]);
    const pathParams = new Set(ep.path.split('/').filter((s) => s.startsWith('{')).map((s) => s.slice(1, -1)));
    for (const [name, values] of given) {
      const prop = findProp(props, name);
      if (!prop) {
        problems.push(`${label}: unknown parameter '${name}' (${ep.path})`);
        continue;
      }
      for (const v of values) {
        if (typeof prop.format === 'object') checkPropertyString(`${label} ${name}`, prop.format, v, problems);
        else checkScalar(`${label} ${name}`, prop, v, problems);
      }
    }
    if (r.status < 300) {
      for (const [name, prop] of Object.entries(props)) {
        if (prop.optional || pathParams.has(name) || name.endsWith('[n]')) continue;
        if (!given.has(name)) problems.push(`${label}: required parameter '${name}' missing`);
      }
    }
  }
  return problems;
}
