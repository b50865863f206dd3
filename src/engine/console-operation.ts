/**
 * `hl console`: expressions evaluated as the config would evaluate them, against the
 * variables, locals, module outputs and resources of the project, with each resource's
 * value taken from state where it has been applied and from its config block otherwise
 * (attributes only known after apply are unknown). Pure over config and state: no provider
 * is configured or called, nothing is locked or written.
 */
import { blockAddress } from '../core/address.js';
import { DiagnosticsError, hasErrors } from '../core/diagnostic.js';
import { makeRedactor, stringsIn, type Redactor } from '../core/redact.js';
import { getPath, isValueMap, UNKNOWN } from '../core/value.js';
import { EvaluationScope } from '../expand/evaluation-scope.js';
import { evaluateExpressionText, type EvalResult } from '../lang/evaluate-node.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { blockValueFromInstances } from '../plan/state-block-values.js';
import type { ResourceState } from '../state/state-types.js';
import type { EngineEvents } from './engine-events.js';
import { loadProject } from './project.js';
import type { VariableSources } from './project-variables.js';
import { withWorkspace, type WorkspaceOptions } from './workspace.js';

export interface ConsoleSession {
  /** Evaluates one expression (`var.x`, `module.k3s_node["pve"].vm_id`, `[for k, v in local.k3s : v.vmid]`); `line` locates its errors. */
  evaluate(expression: string, line: number): EvalResult;
  /** Masks the secrets of the project and the state in text. */
  redact: Redactor;
}

/** A console over the project and its state; undefined when loading stopped at an error (reported). */
export async function openConsole(
  opts: WorkspaceOptions,
  events: EngineEvents,
  sources: VariableSources,
): Promise<ConsoleSession | undefined> {
  return withWorkspace(opts, events, { operation: 'console', write: false, lock: false }, async (ws) => {
    const loaded = await loadProject(opts.config, sources, { unsetVariablesUnknown: true });
    if (!loaded.project || hasErrors(loaded.diagnostics)) throw new DiagnosticsError(loaded.diagnostics);
    const project = loaded.project;
    const config = project.config;
    const byBlock = new Map<string, ResourceState[]>();
    for (const r of ws.store.listResources()) {
      const b = blockAddress(r);
      byBlock.set(b, [...(byBlock.get(b) ?? []), r]);
    }
    const fromConfig = new Map<string, ScopedValue>();
    const scope: EvaluationScope = new EvaluationScope({
      config,
      variables: project.variables,
      blockValue: (address) => {
        const applied = byBlock.get(address);
        if (applied) return blockValueFromInstances(applied, (r) => r.attributes);
        const block = config.resources.get(address);
        if (!block) return undefined;
        if (block.count || block.forEach) return { value: UNKNOWN };
        let v = fromConfig.get(address);
        if (!v) {
          fromConfig.set(address, { value: UNKNOWN }); // a block whose body refers to itself
          const r = evaluateNode(block.body, scope.forModule(block.module).context());
          v = { value: isValueMap(r.value) ? { id: UNKNOWN, ...r.value } : r.value, sensitivePaths: r.sensitivePaths };
          fromConfig.set(address, v);
        }
        return v;
      },
      paths: project.paths,
      readFile: project.readFile,
    });
    const secrets = [...project.secrets];
    for (const list of byBlock.values())
      for (const r of list) for (const p of r.sensitivePaths) stringsIn(getPath(r.attributes, p), secrets);
    return {
      evaluate: (expression, line) => {
        return evaluateExpressionText(expression.trim(), { file: '<console>', line, col: 1 }, scope.context());
      },
      redact: makeRedactor(secrets),
    };
  });
}
