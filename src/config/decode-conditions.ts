/**
 * Decoding custom conditions, as Terraform has them: a resource's `lifecycle.precondition`
 * and `lifecycle.postcondition`, and `checks:` blocks with their `assert` rules. Each takes one
 * rule `{ condition, error_message }` or a list of rules. A condition is an expression that
 * gives true or false (a string holding `${...}`, or a literal true/false); error_message is a
 * string, which may hold `${...}` templates (evaluated like the condition; a message that
 * would show a sensitive value is not shown). Where `self` may be used (postconditions only)
 * is the config graph's to check, with the other references.
 */
import type { SourceLocation } from '../core/diagnostic.js';
import type { MapNode, Node } from '../yaml/node.js';
import type { CheckBlock, ConditionRule } from './config-types.js';
import { IDENTIFIER } from './config-names.js';
import type { DecodeReport } from './decode-report.js';
import { hasTemplate } from '../lang/template.js';

/** The rules of `lifecycle.precondition` / `postcondition` or a check's `assert`; `what` names the place in messages. */
export function decodeConditionRules(n: Node, what: string, report: DecodeReport): ConditionRule[] {
  const rules = n.kind === 'seq' ? n.items : [n];
  const out: ConditionRule[] = [];
  for (const rule of rules) {
    if (rule.kind !== 'map') {
      report.shapeError(`${what} must be a rule { condition, error_message } or a list of rules`, rule.loc);
      continue;
    }
    const decoded = decodeRule(rule, what, report);
    if (decoded) out.push(decoded);
  }
  return out;
}

function decodeRule(rule: MapNode, what: string, report: DecodeReport): ConditionRule | undefined {
  let condition: Node | undefined;
  let errorMessage: Node | undefined;
  let ok = true;
  for (const e of rule.entries) {
    const v = e.value;
    if (e.key === 'condition') {
      condition = v;
      if (!isConditionExpression(v)) {
        ok = false;
        report.shapeError(
          `The condition of ${what} must be an expression that gives true or false, such as "\${var.memory >= 2048}"`,
          v.loc,
          'A condition is written as one ${...} expression; a plain string, number, list or map is never true or false.',
        );
      }
    } else if (e.key === 'error_message') {
      errorMessage = v;
      if (!(v.kind === 'scalar' && typeof v.value === 'string' && v.value.trim() !== '')) {
        ok = false;
        report.shapeError(`The error_message of ${what} must be a non-empty string`, v.loc);
      }
    } else {
      ok = false;
      report.shapeError(`Unsupported attribute "${e.key}" in ${what}: a rule has condition and error_message`, e.keyLoc);
    }
  }
  if (condition === undefined || errorMessage === undefined) {
    report.shapeError(
      `${what} needs ${condition === undefined ? 'a condition' : 'an error_message'}: a rule is { condition, error_message }`,
      rule.loc,
    );
    return undefined;
  }
  return ok ? { condition, errorMessage, loc: condition.loc } : undefined;
}

/** A literal true/false, or a string holding `${...}` (what it gives is checked when evaluated). */
function isConditionExpression(n: Node): boolean {
  if (n.kind !== 'scalar') return false;
  return typeof n.value === 'boolean' || (typeof n.value === 'string' && hasTemplate(n.value));
}

/** One `checks:` entry: `NAME: { assert: RULE | [RULE, ...] }`. */
export function decodeCheck(name: string, keyLoc: SourceLocation, value: Node, report: DecodeReport): CheckBlock | undefined {
  if (!IDENTIFIER.test(name)) {
    report.shapeError(`Invalid check name "${name}"`, keyLoc);
    return undefined;
  }
  if (value.kind !== 'map') {
    report.shapeError(`Check "${name}" must be a map such as { assert: { condition, error_message } }`, value.loc);
    return undefined;
  }
  const check: CheckBlock = { name, asserts: [], loc: keyLoc };
  let seen = false;
  for (const e of value.entries) {
    if (e.key === 'assert') {
      seen = true;
      check.asserts = decodeConditionRules(e.value, `an assert of check "${name}"`, report);
    } else report.shapeError(`Unsupported attribute "${e.key}" in check "${name}": a check holds assert`, e.keyLoc);
  }
  if (!seen) report.shapeError(`Check "${name}" needs assert: one rule { condition, error_message } or a list of rules`, keyLoc);
  return check;
}
