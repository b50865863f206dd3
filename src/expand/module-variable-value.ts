/**
 * The value of a module instance's variable: what the module block gives it, evaluated in
 * the calling module's scope (with the instance's each/count), converted to the variable's
 * type and checked by its validation rules; else its default. A missing required input is
 * reported when modules are expanded (expand-modules.ts), so here it is only unknown.
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import { containsUnknown, isUnknown, UNKNOWN, type Value } from '../core/value.js';
import type { ModuleInstance, VariableDecl } from '../config/config-types.js';
import { convertValue, describeGiven } from '../config/variable-type.js';
import type { EvalContext, ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { nodeToValue } from '../yaml/node-value.js';

/** What the calling module's scope offers: a context for evaluating the module block's inputs. */
export interface CallerScope {
  context(extra?: Pick<EvalContext, 'each' | 'count'>): EvalContext;
}

export function moduleVariableValue(
  instance: ModuleInstance,
  decl: VariableDecl,
  caller: CallerScope,
  diagnostics: Diagnostic[],
): ScopedValue {
  const input = instance.call.inputs.get(decl.name);
  const sensitive = (paths: ScopedValue['sensitivePaths']): ScopedValue['sensitivePaths'] => (decl.sensitive ? [[]] : paths);
  if (!input) {
    if (decl.default === undefined) return { value: UNKNOWN };
    return { value: nodeToValue(decl.default), sensitivePaths: sensitive([]) };
  }
  const extra: Pick<EvalContext, 'each' | 'count'> = {};
  if (instance.each) extra.each = instance.each;
  if (instance.count) extra.count = instance.count;
  const r = evaluateNode(input.value, caller.context(extra));
  diagnostics.push(...r.diagnostics);
  if (r.diagnostics.some((d) => d.severity === 'error')) return { value: UNKNOWN };
  if (isUnknown(r.value)) return { value: UNKNOWN, sensitivePaths: sensitive(r.sensitivePaths) };
  const isSensitive = decl.sensitive || r.sensitivePaths.some((p) => p.length === 0);
  const converted = convertValue(r.value, decl.type);
  if (!converted.ok) {
    diagnostics.push(
      error(
        `Invalid value for input "${decl.name}" of ${instance.path}: must be ${converted.expected}, got ${describeGiven(r.value, isSensitive)}`,
        input.value.loc,
        `The module declares it with type ${decl.type} at ${decl.loc.file}:${decl.loc.line}:${decl.loc.col}.`,
      ),
    );
    return { value: UNKNOWN };
  }
  if (!containsUnknown(converted.value)) diagnostics.push(...validationProblems(instance, decl, converted.value, input.value.loc));
  return { value: converted.value, sensitivePaths: sensitive(r.sensitivePaths) };
}

/** The variable's validation rules, with only `var.<name>` in scope (as for root variables). */
function validationProblems(instance: ModuleInstance, decl: VariableDecl, value: Value, at: Diagnostic['location']): Diagnostic[] {
  const out: Diagnostic[] = [];
  const variables = new Map<string, ScopedValue>([[decl.name, { value }]]);
  for (const rule of decl.validations) {
    const r = evaluateNode(rule.condition, { variables, locals: new Map(), resource: () => undefined, paths: { root: '.', cwd: '.' } });
    out.push(...r.diagnostics);
    if (r.value === false) {
      out.push(
        error(
          `Invalid value for input "${decl.name}" of ${instance.path}: ${rule.errorMessage}`,
          at,
          `Validation rule at ${rule.loc.file}:${rule.loc.line}:${rule.loc.col}.`,
        ),
      );
    }
  }
  return out;
}
