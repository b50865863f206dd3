/**
 * Generic planning of a guest's attributes from its config and prior state (pure), driven by a
 * small spec per resource kind (vm-plan.ts, lxc-plan.ts):
 *
 * - a value set in config wins, made canonical (`32768M` → `32G`, tags sorted, MACs upper case);
 * - a value left out keeps its prior value: hl manages what the config says and leaves the rest
 *   as it is on the server (so an imported guest plans no change for settings not written);
 * - on a create, a value left out is its known default, or unknown when the server decides it
 *   (a clone inherits the template's settings, a MAC is generated);
 * - keyed device maps (`disks`, `networks`, ...) are authoritative when set: slots missing from
 *   config are removed; a new slot's unset fields take their defaults;
 * - create-only values (an LXC password, a disk's `import_from`) keep their prior value once the
 *   guest exists, with a note that a change is not applied.
 */
import { isUnknown, isValueMap, UNKNOWN, valueEquals, type Attributes, type Value, type ValueMap } from '../../../src/core/value.js';

export interface ScalarSpec {
  kind: 'scalar';
  canon?: (v: Value) => Value;
  /** Value on a plain create when config leaves it out (default null). 'unknown': the server decides. */
  createDefault?: Value | 'unknown';
  /** Value on a create from a template/clone when config leaves it out (default: unknown). */
  cloneDefault?: Value | 'unknown';
  /** Only the provider sets it. */
  computedOnly?: boolean;
  /** Used when the guest is made; afterwards a change is not applied (kept at its prior value). */
  createOnly?: boolean;
}

export interface ObjectSpec {
  kind: 'object';
  fields: Record<string, Spec>;
  /** Value on a plain create when config leaves the whole object out (default null). */
  createDefault?: Value | 'unknown';
}

export interface SlotsSpec {
  kind: 'slots';
  /** Fields of one slot. */
  fields: Record<string, Spec>;
}

export type Spec = ScalarSpec | ObjectSpec | SlotsSpec;

export interface PlanContext {
  /** Creating from a template or clone: unset values come from the source (unknown). */
  fromTemplate: boolean;
  notes: string[];
}

export function isSet(v: Value | undefined): v is Value {
  return v !== undefined && v !== null;
}

function defaultOf(d: Value | 'unknown' | undefined, fallback: Value): Value {
  if (d === 'unknown') return UNKNOWN;
  return d === undefined ? fallback : d;
}

function pathText(path: string[]): string {
  return path.join('.');
}

/**
 * Plans one value. `isNew`: the value's owner (the guest, or a slot of a map) does not exist
 * yet, so unset values take their create defaults and create-only values may be set.
 */
export function planValue(
  spec: Spec,
  config: Value | undefined,
  prior: Value | undefined,
  ctx: PlanContext,
  path: string[],
  isNew: boolean,
): Value {
  if (isUnknown(config)) return UNKNOWN;
  if (spec.kind === 'scalar') {
    if (spec.computedOnly) return isNew ? UNKNOWN : (prior ?? null);
    if (isSet(config)) {
      const v = spec.canon ? spec.canon(config) : config;
      if (spec.createOnly && !isNew) {
        const before = prior ?? null;
        if (!valueEquals(before, v)) ctx.notes.push(`${pathText(path)} is only used when the guest is created; the change is not applied`);
        return before;
      }
      return v;
    }
    if (!isNew) return prior ?? null;
    return ctx.fromTemplate ? defaultOf(spec.cloneDefault, UNKNOWN) : defaultOf(spec.createDefault, null);
  }
  if (spec.kind === 'object') {
    if (!isSet(config)) {
      if (!isNew) return prior ?? null;
      return ctx.fromTemplate ? UNKNOWN : defaultOf(spec.createDefault, null);
    }
    if (!isValueMap(config)) return config;
    const priorMap = isValueMap(prior) ? prior : undefined;
    const out: ValueMap = {};
    for (const [name, fieldSpec] of Object.entries(spec.fields)) {
      out[name] = planValue(fieldSpec, config[name], priorMap?.[name], ctx, [...path, name], isNew || priorMap === undefined);
    }
    return out;
  }
  // slots
  if (!isSet(config)) {
    if (!isNew) return prior ?? {};
    return ctx.fromTemplate ? UNKNOWN : {};
  }
  if (!isValueMap(config)) return config;
  const priorMap = isValueMap(prior) ? prior : undefined;
  const out: ValueMap = {};
  for (const slot of Object.keys(config).sort(compareSlots)) {
    const c = config[slot];
    if (isUnknown(c)) {
      out[slot] = UNKNOWN;
      continue;
    }
    const p = priorMap?.[slot];
    const slotIsNew = isNew || !isValueMap(p);
    // On a create from a template, a slot may exist in the template: its unset fields are unknown.
    const slotCtx: PlanContext = slotIsNew && isNew ? ctx : { ...ctx, fromTemplate: false };
    const fields: ValueMap = {};
    const cm = isValueMap(c) ? c : {};
    for (const [name, fieldSpec] of Object.entries(spec.fields)) {
      fields[name] = planValue(fieldSpec, cm[name], isValueMap(p) ? p[name] : undefined, slotCtx, [...path, slot, name], slotIsNew);
    }
    out[slot] = fields;
  }
  return out;
}

/** Plans every attribute of `specs`. */
export function planAttributes(specs: Record<string, Spec>, config: Attributes, prior: Attributes | null, ctx: PlanContext): Attributes {
  const planned: Attributes = {};
  for (const [name, spec] of Object.entries(specs)) {
    planned[name] = planValue(spec, config[name], prior ? prior[name] : undefined, ctx, [name], prior === null);
  }
  return planned;
}

/** `scsi2` < `scsi10` < `virtio0`: bus name, then number. */
export function compareSlots(a: string, b: string): number {
  const ma = /^([a-z_]+)(\d+)$/.exec(a);
  const mb = /^([a-z_]+)(\d+)$/.exec(b);
  if (!ma || !mb) return a < b ? -1 : a > b ? 1 : 0;
  if (ma[1] !== mb[1]) return ma[1]! < mb[1]! ? -1 : 1;
  return Number(ma[2]) - Number(mb[2]);
}
