/**
 * Builds the dependency graph of a configuration from the references in its expressions
 * plus `depends_on`. Node ids: `var.NAME`, `local.NAME`, resource block addresses
 * (`proxmox_vm.k3s`, `data.maas_subnet.lan`) and `output.NAME`. Unknown references and
 * cycles are reported as diagnostics. Linear in the number of references.
 */
import { error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import type { Config, ResourceBlock } from '../config/config-types.js';
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
  /** The resource block, when the owner is one (each/count are only valid there). */
  block?: ResourceBlock;
}

export function buildConfigGraph(config: Config): { graph?: ConfigGraph; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const dag = new Dag();
  const declaredAt = new Map<string, SourceLocation>();

  for (const v of config.variables.values()) {
    dag.addNode(`var.${v.name}`);
    declaredAt.set(`var.${v.name}`, v.loc);
  }
  for (const l of config.locals.values()) {
    dag.addNode(`local.${l.name}`);
    declaredAt.set(`local.${l.name}`, l.loc);
  }
  for (const r of config.resources.values()) {
    dag.addNode(r.address);
    declaredAt.set(r.address, r.loc);
  }
  for (const o of config.outputs.values()) {
    dag.addNode(`output.${o.name}`);
    declaredAt.set(`output.${o.name}`, o.loc);
  }

  const addRefs = (owner: Owner, node: Node | undefined): void => {
    if (!node) return;
    const { references, diagnostics: parseDiags } = nodeReferences(node);
    diagnostics.push(...parseDiags);
    for (const ref of references) {
      const target = resolveReference(config, owner, ref, diagnostics);
      if (target !== undefined && target !== owner.id) dag.addEdge(owner.id, target);
      else if (target === owner.id) {
        diagnostics.push(error(`Self-referential block: ${owner.id} refers to itself in "${ref.text}"`, ref.loc));
      }
    }
  };

  for (const l of config.locals.values()) addRefs({ id: `local.${l.name}` }, l.value);
  for (const v of config.variables.values()) {
    for (const val of v.validations) {
      const { references, diagnostics: parseDiags } = nodeReferences(val.condition);
      diagnostics.push(...parseDiags);
      for (const ref of references) {
        if (!(ref.kind === 'var' && ref.subject === v.name)) {
          diagnostics.push(
            error(`Invalid reference in variable validation: a condition may only refer to var.${v.name}, not "${ref.text}"`, ref.loc),
          );
        }
      }
    }
  }
  for (const r of config.resources.values()) {
    const owner: Owner = { id: r.address, block: r };
    addRefs({ id: r.address }, r.count);
    addRefs({ id: r.address }, r.forEach);
    addRefs(owner, r.body);
    for (const t of r.lifecycle.replaceTriggeredBy) addRefs(owner, t);
    for (const d of r.dependsOn) {
      if (!config.resources.has(d.ref)) {
        const suggestion = didYouMean(d.ref, config.resources.keys());
        diagnostics.push(
          error(
            `Reference to undeclared resource "${d.ref}" in depends_on`,
            d.loc,
            suggestion ? `Did you mean "${suggestion}"?` : 'depends_on lists resource blocks such as "maas_device.k3s".',
          ),
        );
      } else if (d.ref === r.address) {
        diagnostics.push(error(`${r.address} cannot depend on itself`, d.loc));
      } else dag.addEdge(r.address, d.ref);
    }
  }
  for (const o of config.outputs.values()) addRefs({ id: `output.${o.name}` }, o.value);

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
    return { diagnostics };
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  // Resource-to-resource dependencies, looking through locals, variables and outputs.
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
  return { graph: { dag, order: topo.order, resourceDeps }, diagnostics };
}

/** The graph node a reference points to, or undefined (with a diagnostic) when invalid. */
function resolveReference(config: Config, owner: Owner, ref: Reference, diagnostics: Diagnostic[]): string | undefined {
  switch (ref.kind) {
    case 'var': {
      if (config.variables.has(ref.subject)) return `var.${ref.subject}`;
      const s = didYouMean(ref.subject, config.variables.keys());
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
      if (config.locals.has(ref.subject)) return `local.${ref.subject}`;
      const s = didYouMean(ref.subject, config.locals.keys());
      diagnostics.push(
        error(
          `Reference to undeclared local value "${ref.subject}"`,
          ref.loc,
          s ? `Did you mean "local.${s}"?` : `Declare it under "locals:".`,
        ),
      );
      return undefined;
    }
    case 'resource':
    case 'data': {
      if (config.resources.has(ref.subject)) return ref.subject;
      const s = didYouMean(ref.subject, config.resources.keys());
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
      if (!owner.block?.forEach) {
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
      if (!owner.block?.count) {
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
      diagnostics.push(error(`"self" is not supported here`, ref.loc, 'Refer to the resource by its address instead.'));
      return undefined;
    case 'path':
      return undefined;
  }
}
