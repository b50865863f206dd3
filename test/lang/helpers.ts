/** Shared fixtures for the expression-language tests: nodes, contexts, one-line evaluation. */
import type { Node, ScalarNode } from '../../src/yaml/node.js';
import type { SourceLocation } from '../../src/core/diagnostic.js';
import { UNKNOWN, type Path, type Value } from '../../src/core/value.js';
import type { EvalContext, ScopedValue } from '../../src/lang/eval-context.js';
import { evaluateExpressionText, evaluateNode, type EvalResult } from '../../src/lang/evaluate-node.js';

export const FILE = 'main.yaml';

export function loc(line = 1, col = 1): SourceLocation {
  return { file: FILE, line, col };
}

export function scalar(value: string | number | boolean | null, line = 1, col = 1, style?: ScalarNode['style']): ScalarNode {
  const node: ScalarNode = { kind: 'scalar', value, loc: loc(line, col) };
  if (style !== undefined) node.style = style;
  return node;
}

/** A node tree from plain data; every scalar is placed at line 1, col 1. */
export function nodeOf(data: unknown): Node {
  if (Array.isArray(data)) return { kind: 'seq', items: data.map(nodeOf), loc: loc() };
  if (data !== null && typeof data === 'object') {
    return {
      kind: 'map',
      entries: Object.entries(data).map(([key, v]) => ({ key, keyLoc: loc(), value: nodeOf(v) })),
      loc: loc(),
    };
  }
  return scalar(data as string | number | boolean | null);
}

export interface CtxOptions {
  variables?: Record<string, Value>;
  sensitiveVariables?: Record<string, Path[]>;
  locals?: Record<string, Value>;
  each?: { key: string; value: Value; sensitivePaths?: Path[] };
  count?: number;
  /** Keyed `type.name` or `data.type.name`. */
  resources?: Record<string, Value>;
  sensitiveResources?: Record<string, Path[]>;
  files?: Record<string, string>;
}

function scoped(value: Value, sensitivePaths?: Path[]): ScopedValue {
  return sensitivePaths ? { value, sensitivePaths } : { value };
}

export function makeCtx(o: CtxOptions = {}): EvalContext {
  const variables = new Map<string, ScopedValue>();
  for (const [k, v] of Object.entries(o.variables ?? {})) variables.set(k, scoped(v, o.sensitiveVariables?.[k]));
  const locals = new Map<string, ScopedValue>();
  for (const [k, v] of Object.entries(o.locals ?? {})) locals.set(k, { value: v });
  const ctx: EvalContext = {
    variables,
    locals,
    resource(mode, type, name) {
      const key = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
      const v = o.resources?.[key];
      return v === undefined ? undefined : scoped(v, o.sensitiveResources?.[key]);
    },
    paths: { root: '/cfg', cwd: '/work' },
  };
  if (o.each) ctx.each = { key: o.each.key, value: scoped(o.each.value, o.each.sensitivePaths) };
  if (o.count !== undefined) ctx.count = { index: o.count };
  if (o.files) {
    const files = o.files;
    ctx.readFile = (p) => files[p];
  }
  return ctx;
}

/** Evaluates a bare expression. */
export function evalExpr(text: string, ctx: EvalContext = makeCtx()): EvalResult {
  return evaluateExpressionText(text, loc(), ctx);
}

/** Evaluates a YAML string scalar (a template). */
export function evalString(text: string, ctx: EvalContext = makeCtx()): EvalResult {
  return evaluateNode(scalar(text), ctx);
}

/** The value of a bare expression, failing the test on any diagnostic. */
export function valueOf(text: string, ctx?: EvalContext): Value {
  const r = evalExpr(text, ctx);
  if (r.diagnostics.length > 0) throw new Error(`${text}: ${r.diagnostics.map((d) => d.summary).join('; ')}`);
  return r.value;
}

/** The first error summary of a bare expression. */
export function errorOf(text: string, ctx?: EvalContext): string | undefined {
  return evalExpr(text, ctx).diagnostics[0]?.summary;
}

export { UNKNOWN };
