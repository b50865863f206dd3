/**
 * The values expressions can see while planning or applying: variables, locals (evaluated
 * lazily, once), and the current value of every resource block, supplied by the caller.
 * Shared by the planner and the executor so both evaluate config the same way.
 *
 * Each module instance has its own scope (`forModule`): its variables are the values its
 * module block gives them, evaluated in the calling module's scope; its locals, resources
 * and nested module calls are its own.
 */
import { blockAddress } from '../core/address.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { UNKNOWN, type Path } from '../core/value.js';
import type { Config, ModuleInstance } from '../config/config-types.js';
import type { EvalContext, ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { LazyMap } from './lazy-map.js';
import { moduleVariableValue } from './module-variable-value.js';

export interface ScopeInputs {
  config: Config;
  variables: ReadonlyMap<string, ScopedValue>;
  /** The value of a resource block (`proxmox_vm.k3s`, `data.maas_subnet.lan`, `module.x["a"].proxmox_vm.this`) right now. */
  blockValue(address: string): ScopedValue | undefined;
  paths: { root: string; cwd: string };
  readFile?: (path: string) => string | undefined;
  /** While module instances are being expanded: what their outputs will be is not known yet. */
  moduleOutputsUnknown?: boolean;
}

export class EvaluationScope {
  /** Shared by a root scope and all its module scopes. */
  readonly diagnostics: Diagnostic[];
  private readonly locals: LazyMap<ScopedValue>;
  private readonly variables: ReadonlyMap<string, ScopedValue>;
  private readonly children: Map<string, EvaluationScope>;
  /** The module's own blocks (the root config, or the module directory's). */
  private readonly own: Config;
  private readonly path: string;
  private readonly root: EvaluationScope;
  /** Instances of each module call of this module, by call name (see instancesOf). */
  private readonly callInstances = new Map<string, ModuleInstance[]>();

  constructor(
    private readonly inputs: ScopeInputs,
    module?: { instance: ModuleInstance; parent: EvaluationScope; root: EvaluationScope },
  ) {
    this.root = module ? module.root : this;
    this.diagnostics = module ? module.parent.diagnostics : [];
    this.children = module ? module.parent.children : new Map();
    this.own = module ? module.instance.config : inputs.config;
    this.path = module ? module.instance.path : '';
    if (module) {
      const { instance, parent } = module;
      this.variables = new LazyMap(instance.config.variables, (name) =>
        moduleVariableValue(instance, instance.config.variables.get(name)!, parent, this.diagnostics),
      );
    } else this.variables = inputs.variables;
    this.locals = new LazyMap(this.own.locals, (name) => {
      const decl = this.own.locals.get(name)!;
      const r = evaluateNode(decl.value, this.context());
      this.diagnostics.push(...r.diagnostics);
      return { value: r.value, sensitivePaths: r.sensitivePaths };
    });
  }

  /** The scope of a module instance (`module.k3s_node["pve"]`); '' is the root module. */
  forModule(path: string): EvaluationScope {
    if (path === this.path) return this;
    if (this !== this.root) return this.root.forModule(path);
    let scope = this.children.get(path);
    if (!scope) {
      const instance = this.inputs.config.moduleInstances.get(path);
      if (!instance) throw new Error(`no module instance ${path}`);
      scope = new EvaluationScope(this.inputs, { instance, parent: this.forModule(instance.parent), root: this });
      this.children.set(path, scope);
    }
    return scope;
  }

  context(extra: Pick<EvalContext, 'each' | 'count'> = {}): EvalContext {
    const { inputs } = this;
    const ctx: EvalContext = {
      variables: this.variables,
      locals: this.locals,
      resource: (mode, type, name) => inputs.blockValue(blockAddress({ mode, type, name, module: this.path })),
      // not memoized: a reference to one instance's output may be evaluated before the other
      // instances' outputs are final (the graph orders it after that one output only)
      module: (name) => (this.own.moduleCalls.has(name) ? this.moduleCallValue(name) : undefined),
      paths: this.path === '' ? inputs.paths : { ...inputs.paths, module: this.inputs.config.moduleInstances.get(this.path)!.dir },
      ...extra,
    };
    if (inputs.readFile) ctx.readFile = inputs.readFile;
    return ctx;
  }

  /**
   * `module.NAME` in this module: the outputs of each instance of the call, as an object (no
   * count/for_each), a list by index (count) or a map by key (for_each).
   */
  private moduleCallValue(name: string): ScopedValue {
    const call = this.own.moduleCalls.get(name)!;
    if (this.inputs.moduleOutputsUnknown) return { value: UNKNOWN };
    const instances = this.instancesOf(name);
    if (!call.count && !call.forEach) return instances[0] ? this.outputsOf(instances[0]) : { value: UNKNOWN };
    const sensitivePaths: Path[] = [];
    if (call.count) {
      const list = instances.map((m, i) => {
        const v = this.outputsOf(m);
        for (const p of v.sensitivePaths ?? []) sensitivePaths.push([i, ...p]);
        return v.value;
      });
      return { value: list, sensitivePaths };
    }
    const map: Record<string, ScopedValue['value']> = {};
    for (const m of instances) {
      const key = String(m.key);
      const v = this.outputsOf(m);
      map[key] = v.value;
      for (const p of v.sensitivePaths ?? []) sensitivePaths.push([key, ...p]);
    }
    return { value: map, sensitivePaths };
  }

  /** The instances of this module's call `name`, found once (they are fixed once modules are expanded). */
  private instancesOf(name: string): ModuleInstance[] {
    let list = this.callInstances.get(name);
    if (!list) {
      list = [...this.inputs.config.moduleInstances.values()].filter((m) => m.parent === this.path && m.call.name === name);
      if (list.every((m) => typeof m.key === 'number')) list.sort((a, b) => Number(a.key) - Number(b.key));
      this.callInstances.set(name, list);
    }
    return list;
  }

  private outputsOf(instance: ModuleInstance): ScopedValue {
    const scope = this.root.forModule(instance.path);
    const value: Record<string, ScopedValue['value']> = {};
    const sensitivePaths: Path[] = [];
    for (const [name, decl] of instance.config.outputs) {
      const r = evaluateNode(decl.value, scope.context());
      this.diagnostics.push(...r.diagnostics);
      value[name] = r.value;
      if (decl.sensitive) sensitivePaths.push([name]);
      else for (const p of r.sensitivePaths) sensitivePaths.push([name, ...p]);
    }
    return { value, sensitivePaths };
  }
}
