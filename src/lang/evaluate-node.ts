/**
 * Evaluating configuration: a whole node tree (maps become objects, sequences lists, string
 * scalars templates, other scalars literals), or a single expression text.
 */
import type { Diagnostic, SourceLocation } from '../core/diagnostic.js';
import { UNKNOWN, type Path, type Value, type ValueMap } from '../core/value.js';
import type { Node } from '../yaml/node.js';
import type { EvalContext } from './eval-context.js';
import { evaluateExpr, ExpressionEvaluator } from './evaluator.js';
import { parseExpression, parseTemplate } from './parser.js';
import { makeLocator } from './source-locator.js';
import { syntaxDiagnostic } from './syntax-problem.js';
import { hasTemplate, parseScalar, type StringScalar } from './template.js';
import { setEntry } from './values.js';

export interface EvalResult {
  value: Value;
  /** paths inside value that are sensitive ([] = all) */
  sensitivePaths: Path[];
  diagnostics: Diagnostic[];
}

/**
 * Evaluates a whole node tree: maps→objects, seqs→lists, string scalars as templates, other scalars as literals.
 * A scalar that fails to evaluate contributes UNKNOWN to the value and its error to `diagnostics`.
 */
export function evaluateNode(node: Node, ctx: EvalContext): EvalResult {
  const walker = new NodeWalker(ctx);
  const value = walker.walk(node);
  return { value, sensitivePaths: walker.sensitivePaths, diagnostics: walker.diagnostics };
}

class NodeWalker {
  readonly sensitivePaths: Path[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** The path of the node being walked. */
  private readonly path: Path = [];

  private readonly evaluator: ExpressionEvaluator;

  constructor(ctx: EvalContext) {
    this.evaluator = new ExpressionEvaluator(ctx);
  }

  walk(node: Node): Value {
    switch (node.kind) {
      case 'scalar':
        return typeof node.value === 'string' ? this.scalar(node as StringScalar) : node.value;
      case 'map': {
        const out: ValueMap = {};
        for (const entry of node.entries) {
          this.path.push(entry.key);
          setEntry(out, entry.key, this.walk(entry.value));
          this.path.pop();
        }
        return out;
      }
      case 'seq': {
        const out = new Array<Value>(node.items.length);
        for (let i = 0; i < node.items.length; i++) {
          this.path.push(i);
          out[i] = this.walk(node.items[i]!);
          this.path.pop();
        }
        return out;
      }
    }
  }

  private scalar(node: StringScalar): Value {
    const text = node.value;
    if (!hasTemplate(text)) return text;
    const parsed = parseScalar(node);
    if (!parsed.expr) {
      for (const d of parsed.diagnostics) this.diagnostics.push(d);
      return UNKNOWN;
    }
    const outcome = this.evaluator.evaluate(parsed.expr, parsed.locate);
    if (outcome.diagnostic) {
      this.diagnostics.push(outcome.diagnostic);
      return UNKNOWN;
    }
    for (const p of outcome.result.sens) this.sensitivePaths.push([...this.path, ...p]);
    return outcome.result.value;
  }
}

/**
 * Evaluates a single expression text (e.g. from `hl console`-like uses or tests). The text is
 * a bare expression (`var.x + 1`); a text starting with `${` is read as a template instead.
 * `loc` is where the text starts; positions inside it are counted exactly, across lines.
 */
export function evaluateExpressionText(text: string, loc: SourceLocation, ctx: EvalContext): EvalResult {
  const locate = makeLocator({ text, loc, style: 'raw' });
  const outcome = text.trimStart().startsWith('${') ? parseTemplate(text) : parseExpression(text);
  if (outcome.problem) return { value: UNKNOWN, sensitivePaths: [], diagnostics: [syntaxDiagnostic(outcome.problem, locate)] };
  const evaluated = evaluateExpr(outcome.expr, ctx, locate);
  if (evaluated.diagnostic) return { value: UNKNOWN, sensitivePaths: [], diagnostics: [evaluated.diagnostic] };
  return { value: evaluated.result.value, sensitivePaths: evaluated.result.sens.map((p) => [...p]), diagnostics: [] };
}
