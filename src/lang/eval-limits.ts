/**
 * The bounds on what one configuration may make the evaluator do. A config is untrusted
 * input (hl runs on pull requests), so no expression may make hl run unbounded or exhaust
 * its memory: values have a size limit, every configuration evaluation has a step budget,
 * and going past either is a located user error, not a hang.
 */
import type { Value } from '../core/value.js';
import { isUnknown, MAX_VALUE_DEPTH } from '../core/value.js';
import type { EvalContext } from './eval-context.js';

/** Elements (list items plus map entries, at every level) a single value may hold. */
export const MAX_VALUE_ELEMENTS = 1_000_000;
/** Characters (UTF-16 code units) of text, strings and map keys together, a value may hold. */
export const MAX_VALUE_TEXT = 16 * 1024 * 1024;
/** How deeply expressions may nest (parentheses, brackets, operators, calls, templates). */
export const MAX_EXPRESSION_DEPTH = 100;
/** Evaluation steps of one configuration evaluation (every expression of a plan or apply together). */
export const MAX_EVAL_STEPS = 10_000_000;
/** Width and precision of one `format` verb. */
export const MAX_FORMAT_WIDTH = 10_000;
/** Bytes `file()` and `templatefile()` read from one file. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * A limit was exceeded. Thrown from deep inside the evaluator or a function, caught by the
 * evaluator, which locates it; `try` and `can` do not swallow it. Not an `Error`: no stack.
 */
export class LimitExceeded {
  constructor(readonly message: string) {}
}

export function mib(chars: number): string {
  return `${chars / (1024 * 1024)} MiB`;
}

export function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/** Throws when a string would be longer than a value may hold. */
export function checkStringLength(length: number, what = 'the result'): void {
  if (length > MAX_VALUE_TEXT) {
    throw new LimitExceeded(`${what} would be a string of ${grouped(length)} characters, more than the limit of ${mib(MAX_VALUE_TEXT)}`);
  }
}

/** The size of a value as the limits count it: elements and text at every level. */
interface Size {
  elements: number;
  text: number;
  depth: number;
}

/**
 * Sizes of lists and maps already checked. Values are immutable once built, and one value is
 * often shared (a local used by every instance, a list holding the same list twice), so each
 * is walked once: the cost of checking is linear in the distinct nodes, and a value that
 * shares itself exponentially is caught after a few steps instead of walked for ever.
 */
const sizes = new WeakMap<object, Size>();

/**
 * Checks a value against the size limits (elements, text, depth), counting a shared part as
 * often as it appears (that is what encoding or walking it costs). Returns the number of nodes
 * newly visited, which the caller charges to its budget; throws LimitExceeded past a limit.
 */
export function checkValueSize(value: Value): number {
  const visited = { n: 0 };
  sizeOf(value, 0, visited);
  return visited.n;
}

function sizeOf(v: Value, depth: number, visited: { n: number }): Size {
  if (typeof v === 'string') {
    if (v.length > MAX_VALUE_TEXT)
      throw new LimitExceeded(`a string holds ${grouped(v.length)} characters, more than the limit of ${mib(MAX_VALUE_TEXT)}`);
    return { elements: 0, text: v.length, depth: 0 };
  }
  if (typeof v !== 'object' || v === null || isUnknown(v)) return LEAF;
  const known = sizes.get(v);
  if (known) return known;
  if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
  visited.n++;
  const total: Size = { elements: 0, text: 0, depth: 0 };
  const add = (child: Size) => {
    total.elements += child.elements;
    total.text += child.text;
    if (child.depth + 1 > total.depth) total.depth = child.depth + 1;
    if (total.elements > MAX_VALUE_ELEMENTS) throw tooManyElements();
    if (total.text > MAX_VALUE_TEXT) throw tooMuchText();
    if (total.depth > MAX_VALUE_DEPTH) throw tooDeep();
  };
  if (Array.isArray(v)) {
    total.elements = v.length;
    if (total.elements > MAX_VALUE_ELEMENTS) throw tooManyElements();
    for (const x of v) add(sizeOf(x, depth + 1, visited));
  } else {
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      total.elements++;
      total.text += k.length;
      add(sizeOf(v[k]!, depth + 1, visited));
    }
  }
  if (total.depth === 0) total.depth = 1;
  sizes.set(v, total);
  return total;
}

const LEAF: Size = Object.freeze({ elements: 0, text: 0, depth: 0 });

function tooDeep(): LimitExceeded {
  return new LimitExceeded(`the value nests lists and maps more than ${MAX_VALUE_DEPTH} levels deep, the limit`);
}

function tooMuchText(): LimitExceeded {
  return new LimitExceeded(`the value holds more than ${mib(MAX_VALUE_TEXT)} of text, the limit`);
}

function tooManyElements(): LimitExceeded {
  return new LimitExceeded(`the value has more than ${grouped(MAX_VALUE_ELEMENTS)} elements, the limit`);
}

/** The steps left to one configuration evaluation. */
export class EvalBudget {
  private used = 0;

  constructor(readonly limit: number = MAX_EVAL_STEPS) {}

  /** Spends `steps`; throws once the budget is gone (and on every later call). */
  spend(steps: number): void {
    this.used += steps;
    if (this.used > this.limit) {
      throw new LimitExceeded(
        `evaluating this configuration took more than ${grouped(this.limit)} steps, the limit; an expression here builds or walks far too much`,
      );
    }
  }
}

/**
 * Contexts built for one evaluation share their locals map (the planner builds a context per
 * block and instance from one scope), so a budget kept per locals map covers the whole
 * configuration evaluation, not one expression.
 */
const budgets = new WeakMap<object, EvalBudget>();

export function budgetOf(ctx: EvalContext): EvalBudget {
  if (ctx.budget) return ctx.budget;
  let b = budgets.get(ctx.locals);
  if (!b) {
    b = new EvalBudget();
    budgets.set(ctx.locals, b);
  }
  return b;
}

/** Instances one resource block may declare with `count` or `for_each`. */
export const MAX_INSTANCES_PER_BLOCK = 10_000;

/** The message for a block asking for more instances than the limit, or undefined. */
export function instanceLimitProblem(what: 'count' | 'for_each', address: string, instances: number): string | undefined {
  if (instances <= MAX_INSTANCES_PER_BLOCK) return undefined;
  return `Invalid ${what} in ${address}: ${grouped(instances)} instances, more than the limit of ${grouped(MAX_INSTANCES_PER_BLOCK)} per block`;
}
