/**
 * Builds the dependency graph of a configuration from the references in its expressions
 * plus `depends_on`. Node ids: `var.NAME`, `local.NAME`, resource block addresses
 * (`proxmox_vm.k3s`, `data.maas_subnet.lan`), `output.NAME` and `module.NAME` (a module
 * call: the outputs of all its instances); inside a module instance the same ids follow its
 * path (`module.k3s_node["pve"].var.name`). Unknown references and cycles are reported as
 * diagnostics. Linear in the number of references.
 */
import { dedupeDiagnostics, error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import type { Config, DependsOn } from '../config/config-types.js';
import { withModuleTrail } from '../config/module-trail.js';
import type { Node } from '../yaml/node.js';
import { nodeReferences } from '../lang/node-references.js';
import type { Reference } from '../lang/reference.js';
import { Dag } from './dag.js';

export interface ConfigGraph {
  dag: Dag;
  /** Node ids in dependency order (dependencies first). */
  order: string[];
  /** Per resource block: the resource blocks it depends on, directly or through locals. */
  resourceDeps: Map<string, string[]>;
}

interface Owner {
  id: string;
  /** The module instance the expression is written in ('' for the root module). */
  module: string;
  /** That module's own blocks: what its var./local./module. references may name. */
  cfg: Config;
  /** Whether each.* / count.* exist here (a block or module call with for_each / count). */
  forEach?: boolean;
  count?: boolean;
  /** Inside a lifecycle postcondition, where `self` is the instance itself. */
  selfAllowed?: boolean;
}

/** A node id inside a module instance: `module.k3s_node["pve"].local.name`. */
function within(module: string, rest: string): string {
  return module ? `${module}.${rest}` : rest;
}

export function buildConfigGraph(config: Config): { graph?: ConfigGraph; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const dag = new Dag();
  const declaredAt = new Map<string, SourceLocation>();
  const cfgOf = (module: string): Config => (module === '' ? config : config.moduleInstances.get(module)!.config);
  const declare = (id: string, loc: SourceLocation): void => {
    dag.addNode(id);
    declaredAt.set(id, loc);
  };
  const scopes: { module: string; cfg: Config }[] = [
    { module: '', cfg: config },
    ...[...config.moduleInstances.values()].map((m) => ({ module: m.path, cfg: m.config })),
  ];

  for (const { module, cfg } of scopes) {
    for (const v of cfg.variables.values()) declare(within(module, `var.${v.name}`), v.loc);
    for (const l of cfg.locals.values()) declare(within(module, `local.${l.name}`), l.loc);
    for (const o of cfg.outputs.values()) declare(within(module, `output.${o.name}`), o.loc);
    for (const c of cfg.moduleCalls.values()) declare(within(module, `module.${c.name}`), c.loc);
  }
  for (const r of config.resources.values()) declare(r.address, r.loc);

  const addRefs = (owner: Owner, node: Node | undefined): void => {
    if (!node) return;
    const { references, diagnostics: parseDiags } = nodeReferences(node);
    diagnostics.push(...trailed(parseDiags, owner.module));
    for (const ref of references) {
      const found: Diagnostic[] = [];
      const outputs = ref.kind === 'module' ? moduleOutputsNamed(config, owner, ref, found) : undefined;
      if (outputs) {
        diagnostics.push(...trailed(found, owner.module));
        for (const o of outputs) dag.addEdge(owner.id, o);
        continue;
      }
      const target = resolveReference(config, owner, ref, found);
      diagnostics.push(...trailed(found, owner.module));
      if (target !== undefined && target !== owner.id) dag.addEdge(owner.id, target);
      else if (target === owner.id) {
        diagnostics.push(
          ...trailed([error(`Self-referential block: ${owner.id} refers to itself in "${ref.text}"`, ref.loc)], owner.module),
        );
      }
    }
  };
  const trailed = (diags: Diagnostic[], module: string): Diagnostic[] => withModuleTrail(diags, config, module);

  for (const { module, cfg } of scopes) {
    for (const l of cfg.locals.values()) addRefs({ id: within(module, `local.${l.name}`), module, cfg }, l.value);
    for (const v of cfg.variables.values()) {
      for (const val of v.validations) {
        const { references, diagnostics: parseDiags } = nodeReferences(val.condition);
        diagnostics.push(...trailed(parseDiags, module));
        for (const ref of references) {
          if (!(ref.kind === 'var' && ref.subject === v.name)) {
            diagnostics.push(
              ...trailed(
                [
                  error(
                    `Invalid reference in variable validation: a condition may only refer to var.${v.name}, not "${ref.text}"`,
                    ref.loc,
                  ),
                ],
                module,
              ),
            );
          }
        }
      }
    }
    for (const o of cfg.outputs.values()) addRefs({ id: within(module, `output.${o.name}`), module, cfg }, o.value);
    for (const c of cfg.moduleCalls.values()) {
      const id = within(module, `module.${c.name}`);
      const owner: Owner = { id, module, cfg };
      addRefs(owner, c.count);
      addRefs(owner, c.forEach);
    }
  }
  // A module instance: its variables take the module block's inputs, written in the caller's
  // scope; the call's node stands for the outputs of all its instances.
  for (const m of config.moduleInstances.values()) {
    const caller: Owner = { id: '', module: m.parent, cfg: cfgOf(m.parent), forEach: !!m.call.forEach, count: !!m.call.count };
    for (const [name, input] of m.call.inputs) {
      if (!m.config.variables.has(name)) continue; // reported when modules were expanded
      addRefs({ ...caller, id: within(m.path, `var.${name}`) }, input.value);
    }
    const callId = within(m.parent, `module.${m.call.name}`);
    for (const o of m.config.outputs.values()) dag.addEdge(callId, within(m.path, `output.${o.name}`));
  }
  for (const r of config.resources.values()) {
    const cfg = cfgOf(r.module);
    const owner: Owner = { id: r.address, module: r.module, cfg, forEach: !!r.forEach, count: !!r.count };
    addRefs({ ...owner, forEach: false, count: false }, r.count);
    addRefs({ ...owner, forEach: false, count: false }, r.forEach);
    addRefs(owner, r.body);
    for (const t of r.lifecycle.replaceTriggeredBy) addRefs(owner, t);
    // conditions order the resource after what they refer to; `self` only in postconditions
    for (const c of r.lifecycle.preconditions ?? []) for (const n of [c.condition, c.errorMessage]) addRefs(owner, n);
    for (const c of r.lifecycle.postconditions ?? [])
      for (const n of [c.condition, c.errorMessage]) addRefs({ ...owner, selfAllowed: true }, n);
    for (const d of r.dependsOn) {
      for (const target of resolveDependsOn(config, cfg, r.module, d, diagnostics)) {
        if (target === r.address) diagnostics.push(error(`${r.address} cannot depend on itself`, d.loc));
        else dag.addEdge(r.address, target);
      }
    }
    // depends_on of the module blocks it was reached through applies to it too
    for (let p = r.module; p !== ''; ) {
      const m = config.moduleInstances.get(p)!;
      for (const d of m.call.dependsOn) {
        for (const target of resolveDependsOn(config, cfgOf(m.parent), m.parent, d, diagnostics)) dag.addEdge(r.address, target);
      }
      p = m.parent;
    }
  }
  for (const o of config.outputs.values()) addRefs({ id: `output.${o.name}`, module: '', cfg: config }, o.value);
  // check blocks run last and nothing depends on them: their references are checked, no edges added
  for (const c of config.checks?.values() ?? []) {
    for (const n of c.asserts.flatMap((a) => [a.condition, a.errorMessage])) {
      const { references, diagnostics: parseDiags } = nodeReferences(n);
      diagnostics.push(...parseDiags);
      for (const ref of references) resolveReference(config, { id: `check.${c.name}`, module: '', cfg: config }, ref, diagnostics);
    }
  }

  const topo = dag.topologicalOrder();
  if ('cycle' in topo) {
    const path = topo.cycle;
    diagnostics.push(
      error(
        `Dependency cycle: ${path.join(' -> ')}`,
        declaredAt.get(path[0]!),
        'Break the cycle by removing one of these references or depends_on entries.',
      ),
    );
    return { diagnostics: dedupeDiagnostics(diagnostics) };
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics: dedupeDiagnostics(diagnostics) };

  // Resource-to-resource dependencies, looking through locals, variables, outputs and module calls.
  const viaNonResource = new Map<string, Set<string>>();
  const isResource = (id: string): boolean => config.resources.has(id);
  const resourceDeps = new Map<string, string[]>();
  for (const id of topo.order) {
    const set = new Set<string>();
    for (const dep of dag.dependenciesOf(id)) {
      if (isResource(dep)) set.add(dep);
      else for (const x of viaNonResource.get(dep) ?? []) set.add(x);
    }
    if (isResource(id)) resourceDeps.set(id, [...set].sort());
    else viaNonResource.set(id, set);
  }
  return { graph: { dag, order: topo.order, resourceDeps }, diagnostics: dedupeDiagnostics(diagnostics) };
}

/**
 * The resource blocks a depends_on entry written in module `module` names: a resource or data
 * source of that module, or a module call of it (every resource inside its instances).
 */
function resolveDependsOn(config: Config, cfg: Config, module: string, d: DependsOn, diagnostics: Diagnostic[]): string[] {
  if (d.ref.startsWith('module.')) {
    const name = d.ref.slice('module.'.length);
    if (!cfg.moduleCalls.has(name)) {
      const s = didYouMean(name, cfg.moduleCalls.keys());
      diagnostics.push(
        withModuleTrail(
          [error(`Reference to undeclared module "${name}" in depends_on`, d.loc, s ? `Did you mean "module.${s}"?` : undefined)],
          config,
          module,
        )[0]!,
      );
      return [];
    }
    const call = within(module, `module.${name}`);
    return [...config.resources.values()]
      .filter((r) => r.module === call || r.module.startsWith(`${call}[`) || r.module.startsWith(`${call}.`))
      .map((r) => r.address);
  }
  const target = within(module, d.ref);
  if (config.resources.has(target)) return [target];
  const local = [...config.resources.values()]
    .filter((r) => r.module === module)
    .map((r) => r.address.slice(module ? module.length + 1 : 0));
  const suggestion = didYouMean(d.ref, local);
  diagnostics.push(
    withModuleTrail(
      [
        error(
          `Reference to undeclared resource "${d.ref}" in depends_on`,
          d.loc,
          suggestion ? `Did you mean "${suggestion}"?` : 'depends_on lists resource blocks such as "maas_device.k3s".',
        ),
      ],
      config,
      module,
    )[0]!,
  );
  return [];
}

const MODULE_OUTPUT_REF = /^module\.([A-Za-z_][A-Za-z0-9_-]*)\s*(?:\[\s*("(?:[^"\\]|\\.)*"|\d+)\s*\])?\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)/;

/**
 * The output nodes a reference such as `module.k3s_node["pve"].vm_id` (or `module.x.ip` of a
 * call without count/for_each) reads: that output of that instance only, so what refers to
 * one output waits for what that output needs and no more. undefined when the reference is
 * not of that form (it then depends on every output of every instance of the call).
 */
function moduleOutputsNamed(config: Config, owner: Owner, ref: Reference, diagnostics: Diagnostic[]): string[] | undefined {
  const m = MODULE_OUTPUT_REF.exec(ref.text);
  if (!m) return undefined;
  const call = owner.cfg.moduleCalls.get(m[1]!);
  if (!call) return undefined;
  const callPath = within(owner.module, `module.${call.name}`);
  let instancePath: string;
  if (m[2] !== undefined) {
    const key = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : Number(m[2]);
    instancePath = `${callPath}${typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`}`;
  } else if (!call.count && !call.forEach) instancePath = callPath;
  else return undefined;
  const instance = config.moduleInstances.get(instancePath);
  if (!instance) return undefined; // a key that does not exist: the evaluator says so
  const name = m[3]!;
  if (!instance.config.outputs.has(name)) {
    const s = didYouMean(name, instance.config.outputs.keys());
    diagnostics.push(
      error(
        `Module ${callPath} has no output "${name}"`,
        ref.loc,
        s ? `Did you mean "${s}"?` : `Its outputs: ${[...instance.config.outputs.keys()].sort().join(', ') || 'none'}.`,
      ),
    );
    return [];
  }
  return [within(instancePath, `output.${name}`)];
}

/** The graph node a reference points to, or undefined (with a diagnostic) when invalid. */
function resolveReference(config: Config, owner: Owner, ref: Reference, diagnostics: Diagnostic[]): string | undefined {
  const { cfg, module } = owner;
  switch (ref.kind) {
    case 'var': {
      if (cfg.variables.has(ref.subject)) return within(module, `var.${ref.subject}`);
      const s = didYouMean(ref.subject, cfg.variables.keys());
      diagnostics.push(
        error(
          `Reference to undeclared variable "${ref.subject}"`,
          ref.loc,
          s ? `Did you mean "var.${s}"?` : `Declare it under "variables:".`,
        ),
      );
      return undefined;
    }
    case 'local': {
      if (cfg.locals.has(ref.subject)) return within(module, `local.${ref.subject}`);
      const s = didYouMean(ref.subject, cfg.locals.keys());
      diagnostics.push(
        error(
          `Reference to undeclared local value "${ref.subject}"`,
          ref.loc,
          s ? `Did you mean "local.${s}"?` : `Declare it under "locals:".`,
        ),
      );
      return undefined;
    }
    case 'module': {
      const name = ref.subject.slice('module.'.length);
      if (cfg.moduleCalls.has(name)) return within(module, ref.subject);
      const s = didYouMean(name, cfg.moduleCalls.keys());
      diagnostics.push(
        error(`Reference to undeclared module "${name}"`, ref.loc, s ? `Did you mean "module.${s}"?` : `Declare it under "modules:".`),
      );
      return undefined;
    }
    case 'resource':
    case 'data': {
      const target = within(module, ref.subject);
      if (config.resources.has(target)) return target;
      const local = [...(module === '' ? config.resources.keys() : cfg.resources.keys())];
      const s = didYouMean(ref.subject, local);
      diagnostics.push(
        error(
          `Reference to undeclared ${ref.kind === 'data' ? 'data source' : 'resource'} "${ref.subject}"`,
          ref.loc,
          s ? `Did you mean "${s}"?` : undefined,
        ),
      );
      return undefined;
    }
    case 'each':
      if (!owner.forEach) {
        diagnostics.push(
          error(
            `Reference to "${ref.text}" outside a resource with for_each`,
            ref.loc,
            'each.key and each.value exist only inside a block that sets for_each.',
          ),
        );
      }
      return undefined;
    case 'count':
      if (!owner.count) {
        diagnostics.push(
          error(
            `Reference to "${ref.text}" outside a resource with count`,
            ref.loc,
            'count.index exists only inside a block that sets count.',
          ),
        );
      }
      return undefined;
    case 'self':
      if (!owner.selfAllowed) {
        diagnostics.push(
          error(
            `"self" is not supported here`,
            ref.loc,
            'self may only be used in a lifecycle postcondition; elsewhere refer to the resource by its address.',
          ),
        );
      }
      return undefined;
    case 'path':
      return undefined;
  }
}
