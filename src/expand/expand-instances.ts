/**
 * Expands a resource block into its instances from `count` or `for_each`, and builds the
 * value a block presents to references (an object, a list by index, or a map by key).
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { InstanceKey } from '../core/address.js';
import { isUnknown, isValueMap, UNKNOWN, type Path, type Value, type ValueMap } from '../core/value.js';
import type { ResourceBlock } from '../config/config-types.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { instanceLimitProblem } from '../lang/eval-limits.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import type { EvaluationScope } from './evaluation-scope.js';

export type Expansion =
  | { kind: 'single' }
  | { kind: 'count'; count: number }
  | { kind: 'for_each'; entries: Map<string, ScopedValue> }
  | { kind: 'unknown' };

export function expandBlock(
  block: Pick<ResourceBlock, 'address' | 'count' | 'forEach'>,
  scope: EvaluationScope,
): { expansion: Expansion; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (block.count) {
    const r = evaluateNode(block.count, scope.context());
    diagnostics.push(...r.diagnostics);
    if (r.diagnostics.some((d) => d.severity === 'error')) return { expansion: { kind: 'count', count: 0 }, diagnostics };
    if (isUnknown(r.value)) {
      diagnostics.push(
        error(
          `Invalid count in ${block.address}: the value depends on attributes known only after apply`,
          block.count.loc,
          'Use a value known at plan time, or apply the resources it depends on first with --target.',
        ),
      );
      return { expansion: { kind: 'unknown' }, diagnostics };
    }
    if (typeof r.value !== 'number' || !Number.isInteger(r.value) || r.value < 0) {
      diagnostics.push(
        error(`Invalid count in ${block.address}: expected a whole number ≥ 0, got ${JSON.stringify(r.value)}`, block.count.loc),
      );
      return { expansion: { kind: 'count', count: 0 }, diagnostics };
    }
    const tooMany = instanceLimitProblem('count', block.address, r.value);
    if (tooMany) {
      diagnostics.push(error(tooMany, block.count.loc));
      return { expansion: { kind: 'count', count: 0 }, diagnostics };
    }
    return { expansion: { kind: 'count', count: r.value }, diagnostics };
  }
  if (block.forEach) {
    const r = evaluateNode(block.forEach, scope.context());
    diagnostics.push(...r.diagnostics);
    if (r.diagnostics.some((d) => d.severity === 'error')) return { expansion: { kind: 'for_each', entries: new Map() }, diagnostics };
    const v = r.value;
    if (isUnknown(v)) {
      diagnostics.push(
        error(
          `Invalid for_each in ${block.address}: the set of keys depends on values known only after apply`,
          block.forEach.loc,
          'for_each keys must be known at plan time; use keys from config (e.g. a local map), or apply the resources it depends on first with --target.',
        ),
      );
      return { expansion: { kind: 'unknown' }, diagnostics };
    }
    if (r.sensitivePaths.some((p) => p.length === 0)) {
      diagnostics.push(
        error(
          `Invalid for_each in ${block.address}: a sensitive value cannot be used as for_each, since its keys would be shown`,
          block.forEach.loc,
        ),
      );
      return { expansion: { kind: 'for_each', entries: new Map() }, diagnostics };
    }
    const tooMany = instanceLimitProblem(
      'for_each',
      block.address,
      Array.isArray(v) ? new Set(v).size : isValueMap(v) ? Object.keys(v).length : 0,
    );
    if (tooMany) {
      diagnostics.push(error(tooMany, block.forEach.loc));
      return { expansion: { kind: 'for_each', entries: new Map() }, diagnostics };
    }
    const entries = new Map<string, ScopedValue>();
    if (isValueMap(v)) {
      for (const key of Object.keys(v).sort()) {
        entries.set(key, { value: v[key]!, sensitivePaths: subPaths(r.sensitivePaths, key) });
      }
    } else if (Array.isArray(v)) {
      for (const item of v) {
        if (isUnknown(item)) {
          diagnostics.push(
            error(`Invalid for_each in ${block.address}: an element of the set is known only after apply`, block.forEach.loc),
          );
          return { expansion: { kind: 'unknown' }, diagnostics };
        }
        if (typeof item !== 'string') {
          diagnostics.push(
            error(
              `Invalid for_each in ${block.address}: a list must hold strings (its elements become the keys), got ${JSON.stringify(item)}`,
              block.forEach.loc,
            ),
          );
          return { expansion: { kind: 'for_each', entries: new Map() }, diagnostics };
        }
        entries.set(item, { value: item });
      }
    } else {
      diagnostics.push(
        error(
          `Invalid for_each in ${block.address}: expected a map or a list of strings, got ${v === null ? 'null' : typeof v}`,
          block.forEach.loc,
        ),
      );
      return { expansion: { kind: 'for_each', entries: new Map() }, diagnostics };
    }
    return { expansion: { kind: 'for_each', entries }, diagnostics };
  }
  return { expansion: { kind: 'single' }, diagnostics };
}

export function instanceKeys(expansion: Expansion): InstanceKey[] {
  switch (expansion.kind) {
    case 'single':
      return [null];
    case 'count':
      return Array.from({ length: expansion.count }, (_, i) => i);
    case 'for_each':
      return [...expansion.entries.keys()];
    case 'unknown':
      return [];
  }
}

/** The `each`/`count` context for one instance. */
export function instanceContext(
  expansion: Expansion,
  key: InstanceKey,
): { each?: { key: string; value: ScopedValue }; count?: { index: number } } {
  if (expansion.kind === 'for_each' && typeof key === 'string') return { each: { key, value: expansion.entries.get(key)! } };
  if (expansion.kind === 'count' && typeof key === 'number') return { count: { index: key } };
  return {};
}

/** The value the block shows to references, from its instances' values. */
export function blockValueOf(expansion: Expansion, instances: Map<InstanceKey, ScopedValue>): ScopedValue {
  switch (expansion.kind) {
    case 'unknown':
      return { value: UNKNOWN };
    case 'single':
      return instances.get(null) ?? { value: UNKNOWN };
    case 'count': {
      const list: Value[] = [];
      const sensitivePaths: Path[] = [];
      for (let i = 0; i < expansion.count; i++) {
        const inst = instances.get(i);
        list.push(inst?.value ?? UNKNOWN);
        for (const p of inst?.sensitivePaths ?? []) sensitivePaths.push([i, ...p]);
      }
      return { value: list, sensitivePaths };
    }
    case 'for_each': {
      const map: ValueMap = {};
      const sensitivePaths: Path[] = [];
      for (const key of expansion.entries.keys()) {
        const inst = instances.get(key);
        map[key] = inst?.value ?? UNKNOWN;
        for (const p of inst?.sensitivePaths ?? []) sensitivePaths.push([key, ...p]);
      }
      return { value: map, sensitivePaths };
    }
  }
}

function subPaths(paths: Path[], key: string): Path[] {
  const out: Path[] = [];
  for (const p of paths) if (p[0] === key) out.push(p.slice(1));
  return out;
}
