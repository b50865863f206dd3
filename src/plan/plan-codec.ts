/**
 * The saved plan file: the Plan as versioned JSON. Unknown values become
 * `{"$hl":"unknown"}`; sensitive values are never written — they become
 * `{"$hl":"sensitive"}` and apply recomputes them from config and variables supplied again.
 * Decoding checks the format and version and reports a foreign or damaged file clearly.
 *
 * Integrity: with a key (the plan key kept beside the state, see src/state/plan-key.ts) the
 * file carries `mac`, an HMAC-SHA256 over its canonical content (every other field, object
 * keys sorted), which `verifyPlanMac` checks before apply trusts anything in it. The key is
 * never in the file. Files without `mac` still decode (for `hl show`); apply refuses them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { error, type Diagnostic } from '../core/diagnostic.js';
import { isUnknown, isValueMap, UNKNOWN, type Attributes, type Path, type Value } from '../core/value.js';
import { PLACEMENT_FORMAT_VERSION, PLAN_FORMAT_VERSION, type Plan, type ResourceChange } from './plan-types.js';

const UNKNOWN_MARK = '{"$hl":"unknown"}';
const SENSITIVE_MARK = { $hl: 'sensitive' } as const;

export class SensitivePlaceholder {
  static readonly instance = new SensitivePlaceholder();
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: a brand, so no other object is assignable to the type
  private readonly redactedBrand = true;
  private constructor() {}
}
/** Stands in a decoded plan for a value that was sensitive and is not in the file. */
export const REDACTED = SensitivePlaceholder.instance;

export function isRedacted(v: unknown): v is SensitivePlaceholder {
  return v === REDACTED;
}

function encodeValue(v: Value, sensitive: Path[], path: Path): unknown {
  if (sensitive.some((p) => p.length === path.length && p.every((s, i) => s === path[i]))) return SENSITIVE_MARK;
  if (isUnknown(v)) return JSON.parse(UNKNOWN_MARK);
  if (Array.isArray(v)) return v.map((x, i) => encodeValue(x, sensitive, [...path, i]));
  if (isValueMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encodeValue(x, sensitive, [...path, k]);
    return out;
  }
  return v;
}

function encodeChange(c: ResourceChange): unknown {
  return {
    ...c,
    before: c.before === null ? null : encodeValue(c.before, c.beforeSensitive, []),
    after: c.after === null ? null : encodeValue(c.after, c.afterSensitive, []),
  };
}

/** JSON with object keys sorted at every level: the same content always gives the same text. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The MAC of a plan file's parsed content (its `mac` field aside). */
function macOf(content: Record<string, unknown>, key: Uint8Array): string {
  const { mac: _, ...rest } = content;
  return createHmac('sha256', key).update(canonicalJson(rest)).digest('hex');
}

/**
 * The plan as the text of a saved plan file; with `key`, signed (a `mac` field) so that
 * `verifyPlanMac` with the same key accepts exactly this content.
 */
export function encodePlan(plan: Plan, key?: Uint8Array): string {
  const out = {
    ...plan,
    changes: plan.changes.map(encodeChange),
    drift: plan.drift.map(encodeChange),
    deposed: plan.deposed.map((d) => ({ ...d, before: encodeValue(d.before, d.beforeSensitive, []) })),
    data: plan.data.map((d) => ({ ...d, attributes: encodeValue(d.attributes, d.sensitivePaths, []) })),
    outputChanges: plan.outputChanges.map((o) =>
      o.sensitive
        ? { ...o, before: o.before === null ? null : SENSITIVE_MARK, after: o.after === null ? null : SENSITIVE_MARK }
        : { ...o, after: encodeValue(o.after, [], []) },
    ),
  };
  const content = JSON.parse(JSON.stringify({ hl_plan: true, ...out })) as Record<string, unknown>;
  delete content['mac'];
  if (key) content['mac'] = macOf(content, key);
  return JSON.stringify(content, null, 1) + '\n';
}

/**
 * Checks the integrity check of a saved plan's text with `key` (undefined: there is no key
 * beside the state). Returns the error to refuse the plan with, naming the file, or nothing.
 */
export function verifyPlanMac(text: string, file: string, key: Uint8Array | undefined, keyPath: string): Diagnostic | undefined {
  const again = 'Run "hl plan --out FILE" again and apply the new plan: hl applies a saved plan only as "hl plan" wrote it.';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined; // not JSON at all: decodePlan says so
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const content = raw as Record<string, unknown>;
  const mac = content['mac'];
  if (mac === undefined) {
    return error(
      `Saved plan ${file} carries no integrity check: it was not written by this hl's "hl plan --out", or was edited since`,
      undefined,
      again,
    );
  }
  if (!key) {
    return error(
      `Saved plan ${file} cannot be checked: there is no plan key ${keyPath} beside this state, so the plan was made with another state's key`,
      undefined,
      again,
    );
  }
  const expected = Buffer.from(macOf(content, key), 'hex');
  const given = typeof mac === 'string' && /^[0-9a-f]{64}$/.test(mac) ? Buffer.from(mac, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return error(
      `Saved plan ${file} was changed after "hl plan" wrote it (or was made with another state's key): its integrity check does not match`,
      undefined,
      again,
    );
  }
  return undefined;
}

function decodeValue(v: unknown): Value {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (o['$hl'] === 'unknown' && Object.keys(o).length === 1) return UNKNOWN;
    if (o['$hl'] === 'sensitive' && Object.keys(o).length === 1) return REDACTED as unknown as Value;
    const out: Record<string, Value> = {};
    for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x);
    return out;
  }
  return v as Value;
}

function decodeChange(c: ResourceChange): ResourceChange {
  return {
    ...c,
    before: c.before === null ? null : (decodeValue(c.before) as Attributes),
    after: c.after === null ? null : (decodeValue(c.after) as Attributes),
  };
}

/** The fields every change must have, with their kinds (a saved plan may have been edited or damaged). */
function isChangeShape(c: unknown): boolean {
  if (typeof c !== 'object' || c === null) return false;
  const o = c as Record<string, unknown>;
  return (
    typeof o['address'] === 'string' &&
    typeof o['block'] === 'string' &&
    (o['module'] === undefined || typeof o['module'] === 'string') &&
    typeof o['type'] === 'string' &&
    typeof o['provider'] === 'string' &&
    typeof o['action'] === 'string' &&
    Array.isArray(o['dependencies']) &&
    Array.isArray(o['beforeSensitive']) &&
    Array.isArray(o['afterSensitive']) &&
    Array.isArray(o['replacePaths']) &&
    Array.isArray(o['notes']) &&
    (o['priorDependencies'] === undefined || Array.isArray(o['priorDependencies'])) &&
    (o['previousAddress'] === undefined || typeof o['previousAddress'] === 'string') &&
    (o['newId'] === undefined || typeof o['newId'] === 'string') &&
    (o['importing'] === undefined || isImportingShape(o['importing'])) &&
    (o['migration'] === undefined || isMigrationShape(o['migration'])) &&
    (o['placement'] === undefined || isChoiceShape(o['placement']))
  );
}

/** `migration` of a change: the path that changes, from, to and how. */
function isMigrationShape(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return Array.isArray(o['path']) && typeof o['from'] === 'string' && typeof o['to'] === 'string' && typeof o['how'] === 'string';
}

/** `placement` of a change: what node: auto chose, why, and the verdict on each node. */
function isChoiceShape(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o['node'] === 'string' &&
    typeof o['reason'] === 'string' &&
    Array.isArray(o['considered']) &&
    o['considered'].every((c) => typeof c === 'object' && c !== null && typeof (c as Record<string, unknown>)['node'] === 'string')
  );
}

/** The plan's capacity table (PlanPlacement): a version, thresholds, and numbers per node per provider. */
function isPlacementShape(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const t = o['thresholds'] as Record<string, unknown> | undefined;
  const numbers = (x: Record<string, unknown>, keys: string[]) => keys.every((k) => typeof x[k] === 'number');
  return (
    typeof o['version'] === 'number' &&
    typeof t === 'object' &&
    t !== null &&
    numbers(t, ['memoryPercent', 'vcpusPerCore', 'cpuLoadPercent']) &&
    Array.isArray(o['providers']) &&
    o['providers'].every((p: unknown) => {
      const q = p as Record<string, unknown> | null;
      return (
        typeof q === 'object' &&
        q !== null &&
        typeof q['provider'] === 'string' &&
        Array.isArray(q['nodes']) &&
        q['nodes'].every((n: unknown) => {
          const r = n as Record<string, unknown> | null;
          return (
            typeof r === 'object' &&
            r !== null &&
            typeof r['node'] === 'string' &&
            numbers(r, ['cores', 'memoryBytes', 'memoryBefore', 'memoryAfter', 'vcpusBefore', 'vcpusAfter', 'cpuLoad', 'cpuLoadAfter']) &&
            Array.isArray(r['over'])
          );
        })
      );
    })
  );
}

/** `importing` of a change: `{ id }` with the object's id. */
function isImportingShape(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)['id'] === 'string';
}

function isDeposedShape(d: unknown): boolean {
  if (typeof d !== 'object' || d === null) return false;
  const o = d as Record<string, unknown>;
  return (
    typeof o['address'] === 'string' &&
    typeof o['key'] === 'string' &&
    typeof o['type'] === 'string' &&
    typeof o['provider'] === 'string' &&
    typeof o['id'] === 'string' &&
    typeof o['before'] === 'object' &&
    o['before'] !== null &&
    Array.isArray(o['beforeSensitive'])
  );
}

/** A condition result as the planner writes it (condition-results.ts). */
function isCheckShape(c: unknown): boolean {
  if (typeof c !== 'object' || c === null) return false;
  const o = c as Record<string, unknown>;
  return (
    typeof o['kind'] === 'string' &&
    typeof o['object'] === 'string' &&
    typeof o['address'] === 'string' &&
    typeof o['status'] === 'string' &&
    typeof o['location'] === 'object' &&
    o['location'] !== null
  );
}

export function decodePlan(text: string, file: string): { plan?: Plan; diagnostics: Diagnostic[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { diagnostics: [error(`${file} is not a saved hl plan: it is not valid JSON (${(e as Error).message})`)] };
  }
  if (typeof raw !== 'object' || raw === null || (raw as Record<string, unknown>)['hl_plan'] !== true) {
    return { diagnostics: [error(`${file} is not a saved hl plan`, undefined, 'Create one with "hl plan --out FILE".')] };
  }
  const r = raw as Plan & { hl_plan: true };
  if (r.formatVersion !== PLAN_FORMAT_VERSION) {
    return {
      diagnostics: [error(`${file} is a plan of format version ${String(r.formatVersion)}; this hl reads version ${PLAN_FORMAT_VERSION}`)],
    };
  }
  if (
    !Array.isArray(r.changes) ||
    !Array.isArray(r.drift) ||
    typeof r.state?.lineage !== 'string' ||
    !Array.isArray(r.configuration?.files) ||
    (r.createdAt !== undefined && typeof r.createdAt !== 'string')
  ) {
    return { diagnostics: [error(`${file} is a damaged hl plan: required fields are missing`)] };
  }
  const badChange = [...r.changes, ...r.drift].findIndex((c) => !isChangeShape(c));
  const deposedOk = r.deposed === undefined || (Array.isArray(r.deposed) && r.deposed.every(isDeposedShape));
  const checksOk = r.checks === undefined || (Array.isArray(r.checks) && r.checks.every(isCheckShape));
  // a capacity table of a later version than this hl reads is left out (it only informs); a malformed one is damage
  const placementOk = r.placement === undefined || r.placement.version > PLACEMENT_FORMAT_VERSION || isPlacementShape(r.placement);
  if (
    badChange >= 0 ||
    !deposedOk ||
    !checksOk ||
    !placementOk ||
    !Array.isArray(r.outputChanges) ||
    (r.data !== undefined && !Array.isArray(r.data))
  ) {
    return {
      diagnostics: [
        error(`${file} is a damaged hl plan: ${badChange >= 0 ? `change ${badChange + 1} is malformed` : 'required fields are missing'}`),
      ],
    };
  }
  const { hl_plan: _, mac: _mac, placement, ...rest } = r as typeof r & { mac?: unknown };
  const plan: Plan = {
    ...rest,
    changes: r.changes.map(decodeChange),
    drift: r.drift.map(decodeChange),
    deposed: (r.deposed ?? []).map((d) => ({ ...d, before: decodeValue(d.before) as Attributes })),
    data: (r.data ?? []).map((d) => ({ ...d, attributes: decodeValue(d.attributes) as Attributes })),
    outputChanges: r.outputChanges.map((o) => ({ ...o, before: decodeValue(o.before), after: decodeValue(o.after) })),
    ...(placement !== undefined && placement.version <= PLACEMENT_FORMAT_VERSION ? { placement } : {}),
  };
  return { plan, diagnostics: [] };
}
