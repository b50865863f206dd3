/**
 * The tree-walking evaluator. It turns a parsed expression into a value, carrying which parts
 * are sensitive and propagating UNKNOWN ("known after apply"). User errors become located
 * diagnostics; evaluation of an expression stops at its first error.
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import { containsUnknown, isUnknown, isValueMap, UNKNOWN, valueEquals, type Path, type Value, type ValueMap } from '../core/value.js';
import type {
  BinaryExpr,
  CallExpr,
  ConditionalExpr,
  Expr,
  ForExpr,
  GetAttrExpr,
  IndexExpr,
  ListExpr,
  ObjectExpr,
  RefExpr,
  SplatExpr,
  TemplateExpr,
  UnaryExpr,
} from './ast.js';
import type { EvalContext, ScopedValue } from './eval-context.js';
import { budgetOf, checkStringLength, checkValueSize, LimitExceeded, type EvalBudget } from './eval-limits.js';
import { FunctionError } from './function-types.js';
import { readConfigFile, resolveConfigPath } from './functions/file.js';
import { FUNCTION_NAMES, invokeFunction, lookupFunction } from './functions.js';
import { plural, subtractionHint, suggestion } from './messages.js';
import {
  addUnder,
  ALL_SENSITIVE,
  combined,
  fromScope,
  isWhollySensitive,
  NOT_SENSITIVE,
  plain,
  stepInto,
  type Evaluated,
} from './sensitivity.js';
import { makeLocator, type Locator } from './source-locator.js';
import { syntaxDiagnostic } from './syntax-problem.js';
import { parseTemplateFile } from './template-file.js';
import { hasEntry, setEntry } from './values.js';
import { describeType, numberToString, primitiveToString, sortedKeys } from './value-text.js';

export type EvalOutcome = { result: Evaluated; diagnostic?: undefined } | { result?: undefined; diagnostic: Diagnostic };

/** Evaluates one parsed expression. `locate` maps offsets in its text to file positions. */
export function evaluateExpr(expr: Expr, ctx: EvalContext, locate: Locator): EvalOutcome {
  return new ExpressionEvaluator(ctx).evaluate(expr, locate);
}

/** Evaluates many expressions against one context (e.g. every scalar of a resource body). */
export class ExpressionEvaluator {
  private readonly evaluator: Evaluator;

  constructor(ctx: EvalContext) {
    this.evaluator = new Evaluator(ctx);
  }

  evaluate(expr: Expr, locate: Locator): EvalOutcome {
    this.evaluator.locate = locate;
    try {
      return { result: this.evaluator.run(expr) };
    } catch (e) {
      if (e instanceof EvalFailure) return { diagnostic: e.diagnostic };
      throw e;
    }
  }
}

/**
 * Carries a user error out of the recursion; not an `Error`, so no stack is captured.
 * `fatal`: a limit was exceeded; `try` and `can` pass it on instead of recovering from it.
 */
class EvalFailure {
  constructor(
    readonly diagnostic: Diagnostic,
    readonly fatal = false,
  ) {}
}

/**
 * JavaScript's own limits, reached by a value or a recursion too large for the engine
 * (`Invalid string length`, `Invalid array length`, `Maximum call stack size exceeded`).
 */
function isEngineLimit(e: unknown): e is RangeError {
  return e instanceof RangeError;
}

const UNKNOWN_PLAIN: Evaluated = plain(UNKNOWN);

function unknownResult(...sens: (readonly Path[])[]): Evaluated {
  const s = combined(...sens);
  return s === NOT_SENSITIVE ? UNKNOWN_PLAIN : { value: UNKNOWN, sens: s };
}

/**
 * A map whose values are all objects (or unknown) is taken as a map of instances (for_each)
 * by a splat, which then maps over its values; any other map is a single object.
 */
function isInstanceMap(m: ValueMap): boolean {
  let sawObject = false;
  for (const k in m) {
    if (!hasEntry(m, k)) continue;
    const v = m[k]!;
    if (isUnknown(v)) continue;
    if (!isValueMap(v)) return false;
    sawObject = true;
  }
  return sawObject || Object.keys(m).length === 0;
}

class Evaluator {
  /** Names bound by enclosing `for` expressions (and templatefile's variables). */
  vars: Map<string, Evaluated> | undefined;
  /** Evaluating a template file (which may not call templatefile again). */
  inTemplateFile = false;
  /** The element a splat is currently applying its traversal to. */
  private splatItem: Evaluated | undefined;
  /** The steps left to this configuration evaluation, shared with every other evaluator of it. */
  private readonly budget: EvalBudget;
  /** Offset of the expression being evaluated, where a limit error is reported. */
  private at = 0;

  /** Maps offsets of the expression being evaluated to file positions. */
  locate: Locator = () => {
    throw new Error('evaluator: no locator set');
  };

  constructor(private readonly ctx: EvalContext) {
    this.budget = budgetOf(ctx);
  }

  private fail(offset: number, summary: string, detail?: string): never {
    throw new EvalFailure(error(summary, this.locate(offset), detail));
  }

  /**
   * Evaluates a whole expression: a limit exceeded anywhere inside becomes a located error
   * at the expression being evaluated when it happened.
   */
  run(e: Expr): Evaluated {
    try {
      return this.eval(e);
    } catch (x) {
      if (x instanceof LimitExceeded) throw this.limitFailure(x.message);
      if (isEngineLimit(x)) {
        throw this.limitFailure(`the expression needs more memory or nesting than hl allows (${x.message})`);
      }
      throw x;
    }
  }

  private limitFailure(message: string): EvalFailure {
    return new EvalFailure(
      error(
        `Evaluation limit exceeded: ${message}`,
        this.locate(this.at),
        'A configuration may not make hl build or walk values without bound.',
      ),
      true,
    );
  }

  /** Checks a newly built value against the size limits, charging the walk to the budget. */
  private sized(r: Evaluated): Evaluated {
    this.budget.spend(checkValueSize(r.value) + textCost(r.value));
    return r;
  }

  eval(e: Expr): Evaluated {
    this.at = e.start;
    this.budget.spend(1);
    switch (e.kind) {
      case 'literal':
        return plain(e.value);
      case 'template':
        return this.template(e);
      case 'list':
        return this.sized(this.list(e));
      case 'object':
        return this.sized(this.object(e));
      case 'ref':
        return this.ref(e);
      case 'name': {
        const v = this.vars?.get(e.name);
        if (!v) throw new Error(`evaluator: "for" variable ${e.name} is not bound`);
        return v;
      }
      case 'getattr':
        return this.getAttr(this.eval(e.target), e);
      case 'index':
        return this.index(e);
      case 'splat':
        return this.sized(this.splat(e));
      case 'splatitem':
        if (!this.splatItem) throw new Error('evaluator: splat item outside a splat');
        return this.splatItem;
      case 'call':
        return this.sized(this.call(e));
      case 'unary':
        return this.unary(e);
      case 'binary':
        return this.binary(e);
      case 'conditional':
        return this.conditional(e);
      case 'for':
        return this.sized(this.forExpr(e));
    }
  }

  // ---- constructors -------------------------------------------------------------------

  private template(e: TemplateExpr): Evaluated {
    let out = '';
    let unknown = false;
    let sensitive = false;
    for (const part of e.parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const r = this.eval(part);
      if (r.sens.length > 0) sensitive = true;
      if (isUnknown(r.value)) {
        unknown = true;
        continue;
      }
      const text = primitiveToString(r.value);
      if (text === undefined) {
        if (r.value === null) {
          this.fail(
            part.start,
            'Invalid template interpolation value: the expression result is null, and null cannot be included in a string',
            'Use a conditional or coalesce() to supply a value when it is null.',
          );
        }
        this.fail(
          part.start,
          `Invalid template interpolation value: cannot include a ${describeType(r.value)} in a string`,
          'Use join() or jsonencode() to turn a collection into a string, or write the expression alone as "${...}" to keep its type.',
        );
      }
      checkStringLength(out.length + text.length, 'the template');
      out += text;
    }
    return { value: unknown ? UNKNOWN : out, sens: sensitive ? ALL_SENSITIVE : NOT_SENSITIVE };
  }

  private list(e: ListExpr): Evaluated {
    const values = new Array<Value>(e.items.length);
    let sens: Path[] | undefined;
    for (let i = 0; i < e.items.length; i++) {
      const r = this.eval(e.items[i]!);
      values[i] = r.value;
      if (r.sens.length > 0) addUnder((sens ??= []), i, r.sens);
    }
    return { value: values, sens: sens ?? NOT_SENSITIVE };
  }

  private objectKey(r: Evaluated, at: number): string {
    const key = primitiveToString(r.value);
    if (key === undefined) {
      this.fail(at, `Invalid object key: expected a string, got ${describeType(r.value)}`);
    }
    return key;
  }

  private object(e: ObjectExpr): Evaluated {
    const out: ValueMap = {};
    let sens: Path[] | undefined;
    let unknownKey = false;
    let sensitiveKey = false;
    for (const item of e.items) {
      const k = this.eval(item.key);
      if (k.sens.length > 0) sensitiveKey = true;
      const v = this.eval(item.value);
      if (isUnknown(k.value)) {
        unknownKey = true;
        continue;
      }
      const key = this.objectKey(k, item.key.start);
      if (hasEntry(out, key)) this.fail(item.key.start, `Duplicate object key "${key}": each key may appear only once`);
      setEntry(out, key, v.value);
      if (v.sens.length > 0) addUnder((sens ??= []), key, v.sens);
    }
    if (unknownKey) return unknownResult(sensitiveKey || sens ? ALL_SENSITIVE : NOT_SENSITIVE);
    return { value: out, sens: sensitiveKey ? ALL_SENSITIVE : (sens ?? NOT_SENSITIVE) };
  }

  // ---- references and traversals ------------------------------------------------------

  private scoped(v: ScopedValue): Evaluated {
    return { value: v.value, sens: fromScope(v.sensitivePaths) };
  }

  private ref(e: RefExpr): Evaluated {
    const ctx = this.ctx;
    switch (e.refKind) {
      case 'var': {
        const v = ctx.variables.get(e.name);
        if (!v) {
          this.fail(
            e.start,
            `Reference to undeclared variable "${e.name}"${suggestion(e.name, ctx.variables.keys())}`,
            subtractionHint(e.name, (prefix) => ctx.variables.has(prefix), 'var.') ??
              `Declare it under "variables:" before using var.${e.name}.`,
          );
        }
        return this.scoped(v);
      }
      case 'local': {
        if (!ctx.locals.has(e.name)) {
          this.fail(
            e.start,
            `Reference to undeclared local value "${e.name}"${suggestion(e.name, ctx.locals.keys())}`,
            subtractionHint(e.name, (prefix) => ctx.locals.has(prefix), 'local.') ??
              `Declare it under "locals:" before using local.${e.name}.`,
          );
        }
        const v = ctx.locals.get(e.name);
        return v ? this.scoped(v) : UNKNOWN_PLAIN;
      }
      case 'each': {
        if (!ctx.each) this.fail(e.start, `Invalid reference: "each.${e.name}" can only be used in a block that sets for_each`);
        return e.name === 'key' ? plain(ctx.each.key) : this.scoped(ctx.each.value);
      }
      case 'count': {
        if (!ctx.count) this.fail(e.start, `Invalid reference: "count.${e.name}" can only be used in a block that sets count`);
        return plain(ctx.count.index);
      }
      case 'path':
        return plain(e.name === 'cwd' ? ctx.paths.cwd : e.name === 'module' ? (ctx.paths.module ?? ctx.paths.root) : ctx.paths.root);
      case 'module': {
        const v = ctx.module?.(e.name);
        if (!v) {
          this.fail(
            e.start,
            `Reference to undeclared module "${e.name}"`,
            `No module block "${e.name}" is declared in this module's modules:.`,
          );
        }
        return this.scoped(v);
      }
      case 'self':
        if (!ctx.self) {
          this.fail(
            e.start,
            `Invalid reference: "self.${e.name}" is not available here`,
            'self exists only in a lifecycle postcondition, where it is the object of the resource instance itself.',
          );
        }
        return this.getAttr(this.scoped(ctx.self), {
          kind: 'getattr',
          target: e,
          name: e.name,
          nameStart: e.start + 'self.'.length,
          start: e.start,
          end: e.end,
        });
      case 'resource':
      case 'data': {
        const v = ctx.resource(e.refKind === 'data' ? 'data' : 'managed', e.type, e.name);
        if (!v) {
          const what = e.refKind === 'data' ? 'data source' : 'resource';
          this.fail(
            e.start,
            `Reference to undeclared ${what} "${e.subject}"`,
            `No ${what} block "${e.subject}" is declared in the configuration.`,
          );
        }
        return this.scoped(v);
      }
    }
  }

  private getAttr(target: Evaluated, e: GetAttrExpr): Evaluated {
    const v = target.value;
    const name = e.name;
    if (isUnknown(v)) return unknownResult(stepInto(target.sens, name));
    if (isValueMap(v)) {
      if (hasEntry(v, name)) return { value: v[name]!, sens: stepInto(target.sens, name) };
      const keys = Object.keys(v);
      let detail = subtractionHint(name, (prefix) => hasEntry(v, prefix));
      if (detail === undefined && keys.length > 0) {
        detail = `Its attributes are: ${keys.slice(0, 20).join(', ')}${keys.length > 20 ? ', ...' : ''}.`;
      }
      this.fail(e.nameStart, `Unsupported attribute: this object has no attribute "${name}"${suggestion(name, keys)}`, detail);
    }
    if (v === null) {
      this.fail(
        e.nameStart,
        `Attempt to get attribute "${name}" from a null value`,
        'The value is null, so it has no attributes. Guard with a conditional, e.g. x != null ? x.attr : default.',
      );
    }
    if (Array.isArray(v)) {
      this.fail(
        e.nameStart,
        `Unsupported attribute: a list has no attribute "${name}"; use [*].${name} to take it from every element, or [INDEX].${name} for one`,
      );
    }
    return this.fail(e.nameStart, `Unsupported attribute: a ${describeType(v)} value has no attribute "${name}"`);
  }

  private index(e: IndexExpr): Evaluated {
    const target = this.eval(e.target);
    const k = this.eval(e.key);
    const v = target.value;
    const key = k.value;
    if (isUnknown(v) || isUnknown(key)) return unknownResult(target.sens, k.sens);
    const keySens = k.sens.length > 0;
    if (v === null) this.fail(e.key.start, 'Invalid index: cannot index a null value');
    if (Array.isArray(v)) {
      let i: number;
      if (typeof key === 'number') i = key;
      else if (typeof key === 'string' && /^-?\d+$/.test(key)) i = Number(key);
      else {
        return this.fail(
          e.key.start,
          `Invalid index: a list is indexed by a number, got ${describeType(key)}${typeof key === 'string' ? ` "${key}"` : ''}`,
        );
      }
      if (!Number.isInteger(i)) this.fail(e.key.start, `Invalid index: a list index must be a whole number, got ${numberToString(i)}`);
      if (i < 0 || i >= v.length) {
        this.fail(e.key.start, `Invalid index: the list has ${plural(v.length, 'element')}, index ${i} is out of range`);
      }
      return { value: v[i]!, sens: keySens ? ALL_SENSITIVE : stepInto(target.sens, i) };
    }
    if (isValueMap(v)) {
      const name = primitiveToString(key);
      if (name === undefined) return this.fail(e.key.start, `Invalid index: a map is indexed by a string, got ${describeType(key)}`);
      if (!hasEntry(v, name)) {
        this.fail(e.key.start, `Invalid index: the map has no element with key "${name}"${suggestion(name, Object.keys(v))}`);
      }
      return { value: v[name]!, sens: keySens ? ALL_SENSITIVE : stepInto(target.sens, name) };
    }
    return this.fail(e.key.start, `Invalid index: a ${describeType(v)} value cannot be indexed`);
  }

  private splat(e: SplatExpr): Evaluated {
    const src = this.eval(e.source);
    const v = src.value;
    if (isUnknown(v)) return unknownResult(src.sens);
    let elements: Evaluated[];
    if (v === null) elements = [];
    else if (Array.isArray(v)) elements = v.map((x, i) => ({ value: x, sens: stepInto(src.sens, i) }));
    else if (isValueMap(v) && isInstanceMap(v)) elements = sortedKeys(v).map((k) => ({ value: v[k]!, sens: stepInto(src.sens, k) }));
    else elements = [src];
    const saved = this.splatItem;
    const values = new Array<Value>(elements.length);
    let sens: Path[] | undefined;
    try {
      for (let i = 0; i < elements.length; i++) {
        this.splatItem = elements[i]!;
        const r = this.eval(e.each);
        values[i] = r.value;
        if (r.sens.length > 0) addUnder((sens ??= []), i, r.sens);
      }
    } finally {
      this.splatItem = saved;
    }
    return { value: values, sens: sens ?? NOT_SENSITIVE };
  }

  // ---- operators ----------------------------------------------------------------------

  private unary(e: UnaryExpr): Evaluated {
    const r = this.eval(e.operand);
    const v = r.value;
    if (isUnknown(v)) return unknownResult(r.sens);
    const sens = combined(r.sens);
    if (e.op === '-') {
      if (typeof v !== 'number') this.fail(e.operand.start, `Invalid operand: unary "-" expects a number, got ${describeType(v)}`);
      return { value: v === 0 ? 0 : -v, sens };
    }
    if (typeof v !== 'boolean') this.fail(e.operand.start, `Invalid operand: "!" expects a bool, got ${describeType(v)}`);
    return { value: !v, sens };
  }

  private expectBool(r: Evaluated, op: string, at: number): boolean | undefined {
    if (isUnknown(r.value)) return undefined;
    if (typeof r.value !== 'boolean') this.fail(at, `Invalid operand: "${op}" expects bools, got ${describeType(r.value)}`);
    return r.value;
  }

  private binary(e: BinaryExpr): Evaluated {
    const op = e.op;
    if (op === '&&' || op === '||') {
      // Short-circuit: a known left operand that decides the result skips the right one.
      const l = this.eval(e.left);
      const lb = this.expectBool(l, op, e.left.start);
      if (lb === undefined) return unknownResult(l.sens);
      if ((op === '&&' && !lb) || (op === '||' && lb)) return { value: lb, sens: combined(l.sens) };
      const r = this.eval(e.right);
      const rb = this.expectBool(r, op, e.right.start);
      if (rb === undefined) return unknownResult(l.sens, r.sens);
      return { value: rb, sens: combined(l.sens, r.sens) };
    }
    const l = this.eval(e.left);
    const r = this.eval(e.right);
    const sens = combined(l.sens, r.sens);
    if (op === '==' || op === '!=') {
      if (containsUnknown(l.value) || containsUnknown(r.value)) return unknownResult(sens);
      const eq = valueEquals(l.value, r.value);
      return { value: op === '==' ? eq : !eq, sens };
    }
    for (const [side, expr] of [
      [l, e.left],
      [r, e.right],
    ] as const) {
      const v = side.value;
      if (!isUnknown(v) && typeof v !== 'number') {
        const hint = op === '+' && typeof v === 'string' ? 'To join strings, use a template: "${a}${b}".' : undefined;
        this.fail(expr.start, `Invalid operand: "${op}" expects numbers, got ${describeType(v)}`, hint);
      }
    }
    if (isUnknown(l.value) || isUnknown(r.value)) return unknownResult(sens);
    const a = l.value as number;
    const b = r.value as number;
    let value: number | boolean;
    switch (op) {
      case '+':
        value = a + b;
        break;
      case '-':
        value = a - b;
        break;
      case '*':
        value = a * b;
        break;
      case '/':
      case '%':
        if (b === 0) this.fail(e.right.start, `Invalid operand: division by zero in "${op}"`);
        value = op === '/' ? a / b : a % b;
        break;
      case '<':
        value = a < b;
        break;
      case '>':
        value = a > b;
        break;
      case '<=':
        value = a <= b;
        break;
      default:
        value = a >= b;
        break;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) this.fail(e.start, `Invalid operation: the result of "${op}" is too large to represent`);
      if (Object.is(value, -0)) value = 0;
    }
    return { value, sens };
  }

  private conditional(e: ConditionalExpr): Evaluated {
    const c = this.eval(e.condition);
    if (isUnknown(c.value)) return unknownResult(c.sens);
    if (typeof c.value !== 'boolean') {
      this.fail(e.condition.start, `Invalid condition: expected a bool, got ${describeType(c.value)}`);
    }
    const r = this.eval(c.value ? e.then : e.otherwise);
    return c.sens.length > 0 ? { value: r.value, sens: ALL_SENSITIVE } : r;
  }

  // ---- for expressions ----------------------------------------------------------------

  private forExpr(e: ForExpr): Evaluated {
    const coll = this.eval(e.collection);
    const cv = coll.value;
    if (isUnknown(cv)) return unknownResult(coll.sens);
    if (cv === null) this.fail(e.collection.start, 'Invalid "for" collection: cannot iterate over a null value');
    const keySens = isWhollySensitive(coll.sens) ? ALL_SENSITIVE : NOT_SENSITIVE;
    let entries: [Evaluated, Evaluated][];
    if (Array.isArray(cv)) entries = cv.map((x, i) => [plain(i), { value: x, sens: stepInto(coll.sens, i) }]);
    else if (isValueMap(cv))
      entries = sortedKeys(cv).map((k) => [
        { value: k, sens: keySens },
        { value: cv[k]!, sens: stepInto(coll.sens, k) },
      ]);
    else
      return this.fail(e.collection.start, `Invalid "for" collection: cannot iterate over a ${describeType(cv)}; expected a list or map`);
    this.budget.spend(entries.length);

    const vars = (this.vars ??= new Map());
    const savedValue = vars.get(e.valueVar);
    const savedKey = e.keyVar !== undefined ? vars.get(e.keyVar) : undefined;
    try {
      return e.object ? this.forObject(e, entries, vars) : this.forList(e, entries, vars);
    } finally {
      restore(vars, e.valueVar, savedValue);
      if (e.keyVar !== undefined) restore(vars, e.keyVar, savedKey);
    }
  }

  /** Binds the loop variables and evaluates the condition: true/false, or undefined if unknown. */
  private forIteration(
    e: ForExpr,
    entry: [Evaluated, Evaluated],
    vars: Map<string, Evaluated>,
    condSens: { any: boolean },
  ): boolean | undefined {
    if (e.keyVar !== undefined) vars.set(e.keyVar, entry[0]);
    vars.set(e.valueVar, entry[1]);
    if (!e.condition) return true;
    const c = this.eval(e.condition);
    if (c.sens.length > 0) condSens.any = true;
    if (isUnknown(c.value)) return undefined;
    if (typeof c.value !== 'boolean') {
      this.fail(e.condition.start, `Invalid "for" condition: expected a bool, got ${describeType(c.value)}`);
    }
    return c.value;
  }

  private forList(e: ForExpr, entries: [Evaluated, Evaluated][], vars: Map<string, Evaluated>): Evaluated {
    const values: Value[] = [];
    let sens: Path[] | undefined;
    const condSens = { any: false };
    for (const entry of entries) {
      const keep = this.forIteration(e, entry, vars, condSens);
      if (keep === undefined) return unknownResult(condSens.any ? ALL_SENSITIVE : NOT_SENSITIVE);
      if (!keep) continue;
      const r = this.eval(e.valueExpr);
      if (r.sens.length > 0) addUnder((sens ??= []), values.length, r.sens);
      values.push(r.value);
    }
    return { value: values, sens: condSens.any ? ALL_SENSITIVE : (sens ?? NOT_SENSITIVE) };
  }

  private forObject(e: ForExpr, entries: [Evaluated, Evaluated][], vars: Map<string, Evaluated>): Evaluated {
    const out: ValueMap = {};
    let sens: Path[] | undefined;
    const condSens = { any: false };
    let keySensitive = false;
    const keyExpr = e.keyExpr!;
    for (const entry of entries) {
      const keep = this.forIteration(e, entry, vars, condSens);
      if (keep === undefined) return unknownResult(condSens.any ? ALL_SENSITIVE : NOT_SENSITIVE);
      if (!keep) continue;
      const k = this.eval(keyExpr);
      if (k.sens.length > 0) keySensitive = true;
      if (isUnknown(k.value)) return unknownResult(keySensitive ? ALL_SENSITIVE : NOT_SENSITIVE);
      const key = this.objectKey(k, keyExpr.start);
      const r = this.eval(e.valueExpr);
      if (e.grouping) {
        const group = hasEntry(out, key) ? (out[key] as Value[]) : [];
        if (group.length === 0) setEntry(out, key, group);
        if (r.sens.length > 0) for (const p of r.sens) (sens ??= []).push([key, group.length, ...p]);
        group.push(r.value);
      } else {
        if (hasEntry(out, key)) {
          this.fail(
            keyExpr.start,
            `Duplicate object key "${key}" in a "for" expression`,
            'Each key may appear once. To collect values with the same key into lists, add "..." after the value expression.',
          );
        }
        setEntry(out, key, r.value);
        if (r.sens.length > 0) addUnder((sens ??= []), key, r.sens);
      }
    }
    return { value: out, sens: condSens.any || keySensitive ? ALL_SENSITIVE : (sens ?? NOT_SENSITIVE) };
  }

  // ---- function calls -----------------------------------------------------------------

  private call(e: CallExpr): Evaluated {
    if (e.name === 'try') return this.tryCall(e);
    if (e.name === 'can') return this.canCall(e);
    if (e.name === 'templatefile') return this.templateFile(e);
    const def = lookupFunction(e.name);
    if (!def) {
      this.fail(e.start, `Call to unknown function "${e.name}"${suggestion(e.name, FUNCTION_NAMES)}`);
    }
    const args: Evaluated[] = [];
    const starts: number[] = [];
    for (const a of e.args) {
      args.push(this.eval(a));
      starts.push(a.start);
    }
    if (e.expandFinal) {
      const last = args.pop()!;
      const lastExpr = e.args[e.args.length - 1]!;
      starts.pop();
      if (isUnknown(last.value)) return unknownResult(last.sens, ...args.map((a) => a.sens));
      if (!Array.isArray(last.value)) {
        this.fail(lastExpr.start, `Invalid expanding argument: "..." expands a list into arguments, got ${describeType(last.value)}`);
      }
      last.value.forEach((v, i) => {
        args.push({ value: v, sens: stepInto(last.sens, i) });
        starts.push(lastExpr.start);
      });
    }
    this.at = e.start;
    // Arguments are walked by most functions (and by the check for unknowns): size them first.
    for (const a of args) this.budget.spend(checkValueSize(a.value) + textCost(a.value));
    const outcome = invokeFunction(
      e.name,
      def,
      args.map((a) => a.value),
      this.ctx,
    );
    if (outcome.error) {
      const at = outcome.error.argIndex !== undefined ? (starts[outcome.error.argIndex] ?? e.start) : e.start;
      this.fail(at, `${e.name}: ${outcome.error.message}`);
    }
    return { value: outcome.value, sens: combined(...args.map((a) => a.sens)) };
  }

  /** `templatefile(path, vars)`: reads a template file and evaluates it with `vars` as names. */
  private templateFile(e: CallExpr): Evaluated {
    if (e.expandFinal) this.fail(e.start, 'templatefile: arguments cannot be expanded with "..."');
    if (e.args.length !== 2) this.fail(e.start, `templatefile: expected 2 arguments, got ${e.args.length}`);
    if (this.inTemplateFile) this.fail(e.start, 'templatefile: a template cannot call templatefile');
    const [pathExpr, varsExpr] = e.args as [Expr, Expr];
    const path = this.eval(pathExpr);
    const vars = this.eval(varsExpr);
    if (!isUnknown(path.value) && typeof path.value !== 'string') {
      this.fail(pathExpr.start, `templatefile: argument 1 must be a string, got ${describeType(path.value)}`);
    }
    if (!isUnknown(vars.value) && !isValueMap(vars.value)) {
      this.fail(varsExpr.start, `templatefile: argument 2 must be a map, got ${describeType(vars.value)}`);
    }
    if (isUnknown(path.value) || isUnknown(vars.value)) return unknownResult(path.sens, vars.sens);
    const file = path.value as string;
    const values = vars.value as ValueMap;
    let text: string;
    try {
      text = readConfigFile(this.ctx, file, 0);
    } catch (x) {
      if (x instanceof FunctionError) this.fail(pathExpr.start, `templatefile: ${x.message}`);
      throw x;
    }
    const names = Object.keys(values);
    const parsed = parseTemplateFile(text, names);
    const locate = makeLocator({ text, loc: { file: resolveConfigPath(this.ctx, file), line: 1, col: 1 }, style: 'raw' });
    if (parsed.problem) throw new EvalFailure(syntaxDiagnostic(parsed.problem, locate));
    const inner = new Evaluator(this.ctx);
    inner.locate = locate;
    inner.vars = new Map(names.map((n) => [n, { value: values[n]!, sens: stepInto(vars.sens, n) }]));
    inner.inTemplateFile = true;
    const r = inner.run(parsed.expr);
    return { value: r.value, sens: combined(r.sens, path.sens) };
  }

  /** Evaluates `e`, returning the failure instead of throwing it. */
  private attempt(e: Expr): Evaluated | EvalFailure {
    try {
      return this.eval(e);
    } catch (x) {
      if (x instanceof EvalFailure && !x.fatal) return x;
      throw x;
    }
  }

  private tryCall(e: CallExpr): Evaluated {
    if (e.args.length === 0) this.fail(e.start, 'try: expected at least 1 argument, got 0');
    if (e.expandFinal) this.fail(e.start, 'try: arguments cannot be expanded with "..."');
    let first: EvalFailure | undefined;
    for (const a of e.args) {
      const r = this.attempt(a);
      if (r instanceof EvalFailure) {
        first ??= r;
        continue;
      }
      return r;
    }
    return this.fail(
      e.start,
      `try: none of the ${plural(e.args.length, 'argument')} could be evaluated without an error; ` +
        `the first error was: ${first!.diagnostic.summary}`,
    );
  }

  private canCall(e: CallExpr): Evaluated {
    if (e.args.length !== 1) this.fail(e.start, `can: expected 1 argument, got ${e.args.length}`);
    const r = this.attempt(e.args[0]!);
    if (r instanceof EvalFailure) return plain(false);
    if (isUnknown(r.value)) return unknownResult(r.sens);
    return { value: true, sens: combined(r.sens) };
  }
}

/** Steps for the text a function reads or writes: hashing or scanning 16 characters is about one step. */
function textCost(v: Value): number {
  return typeof v === 'string' ? v.length >>> 4 : 0;
}

function restore(vars: Map<string, Evaluated>, name: string, saved: Evaluated | undefined): void {
  if (saved === undefined) vars.delete(name);
  else vars.set(name, saved);
}
