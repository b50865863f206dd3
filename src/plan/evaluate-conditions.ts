/**
 * Evaluating custom conditions (config/decode-conditions.ts), shared by the planner and the
 * executor so both judge them the same way:
 *
 * - a resource's preconditions, before its instance is planned and again before it is applied;
 * - its postconditions, with `self` the instance's planned object at plan and its applied
 *   attributes after apply;
 * - check blocks, at the end of plan and after apply.
 *
 * A resource condition known false is an error at the condition (`ADDR: precondition failed:
 * MESSAGE`); one that is unknown is left for apply. A check that fails is only a warning, and
 * an unknown one is reported as such. A condition must give true or false: anything else (null
 * included) is an error — a warning for a check, which never blocks. The error message is
 * evaluated like the condition; one that would show a sensitive value, or cannot be evaluated,
 * is not shown with its values (the text as written is shown instead, or a note).
 */
import { error, warning, type Diagnostic } from '../core/diagnostic.js';
import { containsUnknown, isUnknown, type Value } from '../core/value.js';
import type { CheckBlock, ConditionRule, ResourceBlock } from '../config/config-types.js';
import type { EvalContext, ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { describeType } from '../lang/value-text.js';
import type { ConditionKind, ConditionResult, ConditionStatus } from './condition-results.js';

export const SENSITIVE_MESSAGE = '(the error message refers to sensitive values, so it is not shown)';

export class ConditionEvaluator {
  readonly results: ConditionResult[] = [];
  readonly diagnostics: Diagnostic[] = [];

  /**
   * Evaluates a resource instance's preconditions (`self` absent) or postconditions (`self`
   * given). False when one is known false or cannot be evaluated: the instance must not go on.
   */
  resource(kind: 'precondition' | 'postcondition', block: ResourceBlock, address: string, ctx: EvalContext, self?: ScopedValue): boolean {
    const rules = (kind === 'precondition' ? block.lifecycle.preconditions : block.lifecycle.postconditions) ?? [];
    let ok = true;
    rules.forEach((rule, i) => {
      const scoped = kind === 'postcondition' && self ? { ...ctx, self } : ctx;
      const r = this.rule(kind, block.address, address, i, rule, scoped);
      if (r.status === 'fail') {
        this.diagnostics.push({
          ...error(`${address}: ${kind} failed: ${r.message ?? ''}`, rule.loc),
          address,
        });
      }
      if (r.status === 'fail' || r.status === 'error') ok = false;
    });
    return ok;
  }

  /** Evaluates every check block's assertions; failures and errors are warnings. */
  checks(checks: Iterable<CheckBlock>, ctx: EvalContext): void {
    for (const check of checks) {
      const address = `check.${check.name}`;
      check.asserts.forEach((rule, i) => {
        const r = this.rule('check', address, address, i, rule, ctx);
        if (r.status === 'fail') this.diagnostics.push(warning(`${address}: assertion failed: ${r.message ?? ''}`, rule.loc));
      });
    }
  }

  private rule(
    kind: ConditionKind,
    object: string,
    address: string,
    index: number,
    rule: ConditionRule,
    ctx: EvalContext,
  ): ConditionResult {
    const result = (status: ConditionStatus, message?: string): ConditionResult => {
      const r: ConditionResult = { kind, object, address, rule: index, status, location: rule.loc };
      if (message !== undefined) r.message = message;
      this.results.push(r);
      return r;
    };
    const severity = kind === 'check' ? warning : error;
    const ev = evaluateNode(rule.condition, ctx);
    if (ev.diagnostics.length > 0) {
      for (const d of ev.diagnostics) this.diagnostics.push({ ...d, severity: kind === 'check' ? 'warning' : d.severity, address });
      return result('error');
    }
    if (isUnknown(ev.value)) return result('unknown');
    if (typeof ev.value !== 'boolean') {
      this.diagnostics.push({
        ...severity(
          `${address}: the condition of ${kind === 'check' ? 'an assertion' : `a ${kind}`} must give true or false, got ${describeGiven(ev.value, ev.sensitivePaths.length > 0)}`,
          rule.loc,
        ),
        address,
      });
      return result('error');
    }
    return ev.value ? result('pass') : result('fail', this.message(rule, ctx));
  }

  /** The error message: evaluated, unless that would show a sensitive value or cannot be done. */
  private message(rule: ConditionRule, ctx: EvalContext): string {
    const written = rule.errorMessage.kind === 'scalar' ? String(rule.errorMessage.value) : '';
    const ev = evaluateNode(rule.errorMessage, ctx);
    if (ev.diagnostics.length > 0 || containsUnknown(ev.value) || typeof ev.value !== 'string') return written;
    if (ev.sensitivePaths.length > 0) return SENSITIVE_MESSAGE;
    return ev.value;
  }
}

function describeGiven(v: Value, sensitive: boolean): string {
  const type = describeType(v);
  if (v === null) return 'null';
  if (sensitive || typeof v === 'object') return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
  return `${type} ${JSON.stringify(v)}`;
}
