/**
 * The values expressions can see while planning or applying: variables, locals (evaluated
 * lazily, once), and the current value of every resource block, supplied by the caller.
 * Shared by the planner and the executor so both evaluate config the same way.
 */
import { blockAddress } from '../core/address.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { Config } from '../config/config-types.js';
import type { EvalContext, ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { LazyMap } from './lazy-map.js';

export interface ScopeInputs {
  config: Config;
  variables: ReadonlyMap<string, ScopedValue>;
  /** The value of a resource block (`proxmox_vm.k3s`, `data.maas_subnet.lan`) right now. */
  blockValue(address: string): ScopedValue | undefined;
  paths: { root: string; cwd: string };
  readFile?: (path: string) => string | undefined;
}

export class EvaluationScope {
  readonly diagnostics: Diagnostic[] = [];
  private readonly locals: LazyMap<ScopedValue>;

  constructor(private readonly inputs: ScopeInputs) {
    this.locals = new LazyMap(inputs.config.locals, (name) => {
      const decl = inputs.config.locals.get(name)!;
      const r = evaluateNode(decl.value, this.context());
      this.diagnostics.push(...r.diagnostics);
      return { value: r.value, sensitivePaths: r.sensitivePaths };
    });
  }

  context(extra: Pick<EvalContext, 'each' | 'count'> = {}): EvalContext {
    const { inputs } = this;
    const ctx: EvalContext = {
      variables: inputs.variables,
      locals: this.locals,
      resource: (mode, type, name) => inputs.blockValue(blockAddress({ mode, type, name })),
      paths: inputs.paths,
      ...extra,
    };
    if (inputs.readFile) ctx.readFile = inputs.readFile;
    return ctx;
  }
}
