/**
 * References: what an expression points at (`var.x`, `local.x`, `proxmox_vm.k3s`, ...).
 * The planner uses them to build the dependency graph, so they are found from the syntax
 * tree alone, without evaluating anything.
 */
import { error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import type { Expr, RefExpr } from './ast.js';
import { parseExpression } from './parser.js';
import { makeLocator, type Locator } from './source-locator.js';
import { syntaxDiagnostic } from './syntax-problem.js';

export interface Reference {
  kind: 'var' | 'local' | 'each' | 'count' | 'path' | 'self' | 'resource' | 'data' | 'module';
  /**
   * var/local: the name; resource/data: `type.name` (data: `data.type.name`); module: `module.name`;
   * each/count/path: the attribute (key/value/index/root/cwd)
   */
  subject: string;
  /** The full traversal text as written, for messages: `proxmox_vm.k3s["pve"].name` */
  text: string;
  loc: SourceLocation;
}

/** Every reference in an expression, in source order. */
export function collectReferences(expr: Expr, text: string, locate: Locator): Reference[] {
  const out: Reference[] = [];
  walk(expr, (ref) => {
    out.push({ kind: ref.refKind, subject: ref.subject, text: text.slice(ref.start, ref.textEnd), loc: locate(ref.start) });
  });
  return out;
}

function walk(e: Expr, visit: (ref: RefExpr) => void): void {
  switch (e.kind) {
    case 'ref':
      visit(e);
      return;
    case 'literal':
    case 'name':
    case 'splatitem':
      return;
    case 'template':
      for (const p of e.parts) if (typeof p !== 'string') walk(p, visit);
      return;
    case 'list':
      for (const item of e.items) walk(item, visit);
      return;
    case 'object':
      for (const item of e.items) {
        walk(item.key, visit);
        walk(item.value, visit);
      }
      return;
    case 'getattr':
      walk(e.target, visit);
      return;
    case 'index':
      walk(e.target, visit);
      walk(e.key, visit);
      return;
    case 'splat':
      walk(e.source, visit);
      walk(e.each, visit);
      return;
    case 'call':
      for (const a of e.args) walk(a, visit);
      return;
    case 'unary':
      walk(e.operand, visit);
      return;
    case 'binary':
      walk(e.left, visit);
      walk(e.right, visit);
      return;
    case 'conditional':
      walk(e.condition, visit);
      walk(e.then, visit);
      walk(e.otherwise, visit);
      return;
    case 'for':
      walk(e.collection, visit);
      if (e.keyExpr) walk(e.keyExpr, visit);
      walk(e.valueExpr, visit);
      if (e.condition) walk(e.condition, visit);
      return;
  }
}

/**
 * Parses a plain traversal string such as `proxmox_vm.k3s`, `maas_device.k3s["pve"]` or
 * `proxmox_vm.k3s.name` (depends_on, replace_triggered_by). A `${ }` wrapper is accepted.
 * Only names, attribute steps and literal indexes are allowed.
 */
export function parseTraversal(text: string, loc: SourceLocation): { reference?: Reference; diagnostics: Diagnostic[] } {
  let body = text;
  let offset = 0;
  const trimmed = text.trim();
  if (trimmed.startsWith('${') && trimmed.endsWith('}')) {
    offset = text.indexOf('${') + 2;
    body = text.slice(offset, text.lastIndexOf('}'));
  }
  const locateBody = makeLocator({ text: body, loc: makeLocator({ text, loc, style: 'raw' })(offset), style: 'raw' });
  const parsed = parseExpression(body);
  if (parsed.problem) return { diagnostics: [syntaxDiagnostic(parsed.problem, locateBody)] };
  const root = traversalRoot(parsed.expr);
  if (!root) {
    return {
      diagnostics: [
        error(
          `Invalid reference: expected a reference such as proxmox_vm.k3s or maas_device.k3s["pve"], got ${JSON.stringify(text)}`,
          locateBody(parsed.expr.start),
          'Only names, attribute steps and literal indexes are allowed here; no operators, function calls or templates.',
        ),
      ],
    };
  }
  return { reference: collectReferences(root, body, locateBody)[0]!, diagnostics: [] };
}

/** The root reference of a static traversal (names, attributes, literal indexes), if it is one. */
function traversalRoot(e: Expr): RefExpr | undefined {
  let cur = e;
  for (;;) {
    if (cur.kind === 'ref') return cur;
    if (cur.kind === 'getattr') cur = cur.target;
    else if (
      cur.kind === 'index' &&
      cur.key.kind === 'literal' &&
      (typeof cur.key.value === 'string' || typeof cur.key.value === 'number')
    ) {
      cur = cur.target;
    } else return undefined;
  }
}
