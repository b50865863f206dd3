/**
 * Bounds on a parsed JSON document from the state file or the journal (pure): no list or map
 * nested deeper than a value may be (MAX_VALUE_DEPTH, the evaluator's limit, plus the levels
 * of the file's own structure around a value), and no number that is not finite (`1e400`
 * parses as Infinity). Walked iteratively, so a 100,000-deep document is refused, not a
 * stack overflow in whatever walks it next (schema validation, cloning, rendering).
 */
import { MAX_VALUE_DEPTH } from '../core/value.js';

/**
 * Levels of the state file around a value: state › resources › [i] › deposed › [j] ›
 * attributes. A value of a resource or output may itself nest MAX_VALUE_DEPTH levels.
 */
export const STATE_STRUCTURE_DEPTH = 6;

/** How deeply a state file or journal line may nest as a whole. */
export const MAX_DOCUMENT_DEPTH = MAX_VALUE_DEPTH + STATE_STRUCTURE_DEPTH;

export interface JsonBoundsProblem {
  /** Keys and indices from the document's top to the offending value. */
  path: (string | number)[];
  summary: string;
}

/**
 * The walk's frames, one per value reached, as parallel arrays (a state file has hundreds of
 * thousands of values: no object per frame). Kept, not popped, so a problem can give its path.
 */
interface Frames {
  value: unknown[];
  depth: number[];
  /** Index of the parent frame (-1 for the top). */
  parent: number[];
  key: (string | number | undefined)[];
}

/** The first value of `doc` nested past `maxDepth` or holding a non-finite number; undefined when none. */
export function jsonBoundsProblem(doc: unknown, maxDepth: number = MAX_DOCUMENT_DEPTH): JsonBoundsProblem | undefined {
  // nearly every document is within bounds: a walk that only says whether it is keeps no
  // frames; the walk that finds the first problem and its path runs only when there is one
  return withinBounds(doc, maxDepth) ? undefined : firstProblem(doc, maxDepth);
}

/** Whether no value of `doc` nests past `maxDepth` and no number in it is non-finite (the checks of `firstProblem`). */
function withinBounds(doc: unknown, maxDepth: number): boolean {
  const values: object[] = [];
  const depths: number[] = [];
  if (typeof doc === 'number') return Number.isFinite(doc);
  if (typeof doc !== 'object' || doc === null) return true;
  values.push(doc);
  depths.push(0);
  while (values.length > 0) {
    const value = values.pop()!;
    const depth = depths.pop()!;
    if (depth >= maxDepth) return false;
    const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) {
      if (typeof child === 'number') {
        if (!Number.isFinite(child)) return false;
      } else if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

function firstProblem(doc: unknown, maxDepth: number): JsonBoundsProblem | undefined {
  const frames: Frames = { value: [doc], depth: [0], parent: [-1], key: [undefined] };
  const stack: number[] = [0];
  const push = (child: unknown, depth: number, parent: number, key: string | number): void => {
    stack.push(frames.value.length);
    frames.value.push(child);
    frames.depth.push(depth);
    frames.parent.push(parent);
    frames.key.push(key);
  };
  while (stack.length > 0) {
    const at = stack.pop()!;
    const value = frames.value[at];
    const depth = frames.depth[at]!;
    if (typeof value === 'number') {
      if (!Number.isFinite(value))
        return { path: pathOf(frames, at), summary: `the number ${String(value)} is not finite (too large to represent)` };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) {
      return { path: pathOf(frames, at), summary: `a value nests lists and maps more than ${MAX_VALUE_DEPTH} levels deep` };
    }
    // children pushed last first, so that they are taken in order
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const child: unknown = value[i];
        if (typeof child === 'object' || typeof child === 'number') push(child, depth + 1, at, i);
      }
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const child: unknown = (value as Record<string, unknown>)[key];
        if (typeof child === 'object' || typeof child === 'number') push(child, depth + 1, at, key);
      }
    }
  }
  return undefined;
}

function pathOf(frames: Frames, at: number): (string | number)[] {
  const path: (string | number)[] = [];
  for (let i = at; frames.parent[i]! >= 0; i = frames.parent[i]!) path.push(frames.key[i]!);
  return path.reverse();
}

const SHOWN_SEGMENTS = 8;

/** A path as `resources[0].attributes.a` (at most a few segments, then `…`). */
export function renderJsonPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path.slice(0, SHOWN_SEGMENTS)) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  if (path.length > SHOWN_SEGMENTS) out += '…';
  return out === '' ? '(top level)' : out;
}
