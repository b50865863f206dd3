/**
 * Field mapping between hl's `kuma_monitor` attributes and Kuma's monitor object, both ways.
 * Reading keeps only the fields hl manages (so the ~119 other keys and their server-side
 * defaults never show as drift); attributes that mean nothing for the monitor's type read
 * as null. Writing builds the `add` object from scratch (only real columns: an unknown key
 * is refused by Kuma's frozen schema), and the `editMonitor` object by merging hl's fields
 * into the full monitor read from the server, because editMonitor resets what it is not
 * sent. Pure.
 */
import type { Attributes, Value } from '../../../../src/core/value.js';
import type { KumaMonitorObject } from '../../protocol/monitor-cache.js';
import type { ProtocolGeneration } from '../../protocol/kuma-version.js';
import { appliesTo, isMonitorType, KUMA_KEY, maxTimeoutFor, DEFAULT_INTERVAL, type ScalarMonitorAttribute } from './monitor-attributes.js';

/** Names of the other objects a monitor refers to by id. */
export interface NameDirectory {
  monitorName(id: number): string | undefined;
  notificationName(id: number): string | undefined;
}

/** The ids hl's names and references resolve to, for a write. */
export interface ResolvedReferences {
  parent: number | null;
  notificationIds: number[];
  /** The push token to store (push monitors). */
  pushToken: string | null;
}

const BOOLEAN_ATTRIBUTES = new Set(['active', 'upside_down', 'ignore_tls']);
const NUMBER_ATTRIBUTES = new Set([
  'interval',
  'retry_interval',
  'resend_interval',
  'max_retries',
  'timeout',
  'max_redirects',
  'port',
  'docker_host',
]);

function toNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function toText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : String(v);
  return s === '' ? null : s;
}

/** A Kuma field value as the hl attribute's value. */
function fromKuma(attribute: string, v: unknown): Value {
  if (BOOLEAN_ATTRIBUTES.has(attribute)) return v === true || v === 1;
  if (NUMBER_ATTRIBUTES.has(attribute)) return toNumber(v);
  if (attribute === 'accepted_status_codes') return Array.isArray(v) ? v.map((c) => String(c)) : null;
  return toText(v);
}

/** Tags as hl keeps them: `[{name, value}]`, value null when empty, sorted by name then value. */
export function normalizeTags(v: Value | undefined): Value {
  if (!Array.isArray(v)) return v ?? null;
  const tags = v.map((t): Value => {
    if (typeof t === 'string') return { name: t, value: null };
    if (t === null || typeof t !== 'object' || Array.isArray(t)) return t;
    const rec = t as Record<string, Value>;
    const value = rec.value === undefined || rec.value === '' ? null : rec.value;
    return { name: rec.name ?? null, value };
  });
  return [...tags].sort((a, b) => tagSortKey(a).localeCompare(tagSortKey(b)));
}

function tagSortKey(t: Value): string {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) return '';
  const rec = t as Record<string, Value>;
  return `${String(rec.name)}\u0000${rec.value === null ? '' : String(rec.value)}`;
}

/** Notification names, sorted and without duplicates. */
export function normalizeNotifications(v: Value | undefined): Value {
  if (!Array.isArray(v)) return v ?? null;
  if (v.some((x) => typeof x !== 'string')) return v;
  return [...new Set(v as string[])].sort();
}

/** Kuma's monitor → the attributes hl manages. `prior` decides how `parent` is spelled. */
export function monitorToAttributes(m: KumaMonitorObject, dir: NameDirectory, prior: Attributes | null): Attributes {
  const type = typeof m.type === 'string' ? m.type : null;
  const out: Attributes = { id: m.id };
  for (const [attribute, key] of Object.entries(KUMA_KEY) as [ScalarMonitorAttribute, string][]) {
    if (isMonitorType(type) && !appliesTo(attribute, type)) out[attribute] = null;
    else out[attribute] = fromKuma(attribute, m[key]);
  }
  const parentId = toNumber(m.parent);
  out.parent = parentId === null ? null : typeof prior?.parent === 'string' ? (dir.monitorName(parentId) ?? parentId) : parentId;
  out.parent_name = parentId === null ? null : (dir.monitorName(parentId) ?? null);
  const tags = Array.isArray(m.tags) ? (m.tags as Record<string, unknown>[]) : [];
  out.tags = normalizeTags(
    tags.map((t) => ({ name: toText(t.name), value: t.value === null || t.value === undefined ? null : String(t.value) })),
  );
  const ids =
    m.notificationIDList && typeof m.notificationIDList === 'object' ? Object.entries(m.notificationIDList as Record<string, unknown>) : [];
  out.notifications = normalizeNotifications(
    ids.filter(([, on]) => on === true || on === 1).map(([id]) => dir.notificationName(Number(id)) ?? `#${id}`),
  );
  return out;
}

function notificationIdList(ids: number[]): Record<string, boolean> {
  return Object.fromEntries(ids.map((id) => [String(id), true]));
}

/** The object for `add`: every managed field, Kuma's own defaults for the ones that do not apply. */
export function addPayload(planned: Attributes, refs: ResolvedReferences, generation: ProtocolGeneration): Record<string, unknown> {
  const type = String(planned.type);
  const interval = typeof planned.interval === 'number' ? planned.interval : DEFAULT_INTERVAL;
  const body: Record<string, unknown> = {
    // Columns that refuse null even where they mean nothing (a port monitor has a method too).
    method: 'GET',
    maxredirects: 10,
    accepted_statuscodes: ['200-299'],
    ignoreTls: false,
    timeout: maxTimeoutFor(interval),
  };
  for (const [attribute, key] of Object.entries(KUMA_KEY) as [ScalarMonitorAttribute, string][]) {
    const value = planned[attribute];
    if (isMonitorType(type) && !appliesTo(attribute, type)) {
      if (!(key in body)) body[key] = null;
      continue;
    }
    if (value === null || value === undefined) {
      if (!(key in body)) body[key] = null;
      continue;
    }
    body[key] = value;
  }
  body.parent = refs.parent;
  body.pushToken = refs.pushToken;
  body.notificationIDList = notificationIdList(refs.notificationIds);
  if (type === 'http' || type === 'keyword' || type === 'json-query') body.httpBodyEncoding = 'json';
  if (generation === 2) {
    body.conditions = [];
    if (type === 'json-query') body.jsonPathOperator = '==';
  }
  return body;
}

/**
 * The object for `editMonitor`: the server's full monitor with hl's fields merged in. Fields
 * hl does not manage (headers, body, proxy, retryOnlyOnStatusCodeFailure, ...) go back as
 * the server sent them, so nothing is reset behind the user's back.
 */
export function editPayload(
  current: KumaMonitorObject,
  planned: Attributes,
  refs: ResolvedReferences,
  generation: ProtocolGeneration,
): Record<string, unknown> {
  const type = String(planned.type);
  const body: Record<string, unknown> = { ...current };
  for (const [attribute, key] of Object.entries(KUMA_KEY) as [ScalarMonitorAttribute, string][]) {
    if (attribute === 'active' || attribute === 'push_token') continue;
    if (isMonitorType(type) && !appliesTo(attribute, type)) continue;
    const value = planned[attribute];
    body[key] = value === undefined ? null : value;
  }
  if (refs.pushToken !== null) body.pushToken = refs.pushToken;
  body.parent = refs.parent;
  body.notificationIDList = notificationIdList(refs.notificationIds);
  if (!Array.isArray(body.accepted_statuscodes)) body.accepted_statuscodes = ['200-299'];
  if (generation === 2 && !Array.isArray(body.conditions)) body.conditions = [];
  return body;
}
