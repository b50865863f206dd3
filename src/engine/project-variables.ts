/**
 * Variable values for a run: read `--var-file` files, collect `--var` flags and
 * `HL_VAR_*` environment variables, resolve them against the declarations, and check each
 * variable's validation rules with the expression evaluator.
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import { UNKNOWN, type Value } from '../core/value.js';
import { stringsIn } from '../core/redact.js';
import type { Config, VariableDecl } from '../config/config-types.js';
import { loadVarFiles } from './load-config.js';
import { collectVariableInputs, resolveVariables } from '../config/variable-inputs.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';

export interface VariableSources {
  vars: string[];
  /** Paths of --var-file files. */
  varFiles: string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Values carried by a saved plan; they win over everything else. */
  planValues?: Record<string, Value>;
}

export async function resolveProjectVariables(
  config: Config,
  sources: VariableSources,
  opts: { unsetVariablesUnknown?: boolean } = {},
): Promise<{ variables: Map<string, ScopedValue>; secrets: string[]; diagnostics: Diagnostic[] }> {
  const files = await loadVarFiles(sources.varFiles);
  const collected = collectVariableInputs({ env: sources.env, varFiles: files.files, vars: sources.vars });
  for (const [name, value] of Object.entries(sources.planValues ?? {})) {
    collected.inputs.set(name, { raw: value, kind: 'value', source: 'the saved plan' });
  }
  const resolved = resolveVariables(config.variables, collected.inputs, { checkValidations });
  const diagnostics = [...files.diagnostics, ...collected.diagnostics];
  const variables = new Map<string, ScopedValue>();
  const secrets: string[] = [];
  for (const d of resolved.diagnostics) {
    const missing = /^No value for required variable "(.+)"$/.exec(d.summary);
    if (missing && opts.unsetVariablesUnknown) {
      const decl = config.variables.get(missing[1]!)!;
      variables.set(decl.name, decl.sensitive ? { value: UNKNOWN, sensitivePaths: [[]] } : { value: UNKNOWN });
      continue;
    }
    diagnostics.push(d);
  }
  for (const [name, v] of resolved.values) {
    variables.set(name, v.sensitive ? { value: v.value, sensitivePaths: [[]] } : { value: v.value });
    if (v.sensitive) stringsIn(v.value, secrets);
  }
  return { variables, secrets, diagnostics };
}

/** Evaluates a variable's validation conditions with only `var.<name>` in scope. */
function checkValidations(decl: VariableDecl, value: Value): Diagnostic[] {
  const out: Diagnostic[] = [];
  const variables = new Map<string, ScopedValue>([[decl.name, { value }]]);
  for (const rule of decl.validations) {
    const r = evaluateNode(rule.condition, {
      variables,
      locals: new Map(),
      resource: () => undefined,
      paths: { root: '.', cwd: '.' },
    });
    if (r.diagnostics.length > 0) {
      out.push(...r.diagnostics);
      continue;
    }
    if (r.value === false) out.push(error(`Invalid value for variable "${decl.name}": ${rule.errorMessage}`, rule.loc));
    else if (r.value !== true && r.value !== UNKNOWN) {
      out.push(
        error(`Validation condition of variable "${decl.name}" must be true or false, got ${JSON.stringify(r.value)}`, rule.condition.loc),
      );
    }
  }
  return out;
}
