/**
 * Templates read from files by `templatefile(path, vars)`: parsed with the variables bound
 * as plain names, and cached by text so that every instance of a resource does not parse the
 * same file again.
 */
import type { Expr } from './ast.js';
import { parseTemplate, type ParseOutcome } from './parser.js';
import { collectReferences } from './reference.js';
import type { SyntaxProblem } from './syntax-problem.js';

const MAX_CACHED = 64;
const cache = new Map<string, ParseOutcome>();

/**
 * Parses a template file's text. A template may only use the variables passed to it, so a
 * reference such as `var.x` is reported as a problem.
 */
export function parseTemplateFile(text: string, names: readonly string[]): ParseOutcome {
  const key = `${names.join(',')}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let outcome = parseTemplate(text, names);
  if (outcome.expr) {
    const problem = referenceProblem(outcome.expr, text);
    if (problem) outcome = { problem };
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, outcome);
  return outcome;
}

function referenceProblem(expr: Expr, text: string): SyntaxProblem | undefined {
  let offset = -1;
  const refs = collectReferences(expr, text, (o) => {
    if (offset < 0) offset = o;
    return { file: '', line: 0, col: 0 };
  });
  const first = refs[0];
  if (!first) return undefined;
  return {
    offset,
    summary: `Invalid reference in template: "${first.text}"; a template can only use the variables passed to templatefile`,
    detail:
      'Pass the value in the second argument of templatefile, e.g. templatefile("x.tpl", { name = var.name }), and write ${name} in the template.',
  };
}
