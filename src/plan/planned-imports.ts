/**
 * `import` blocks (pure): which object each one adopts, and what the planner makes of the
 * objects the engine read for them. `importTargets` expands `for_each`, evaluates each `to`
 * key and `id` in the config's evaluation scope (resources seen as state holds them), and
 * leaves out an import whose object state already holds at that address (the block may stay
 * in the config, also once the object's id changed: a migrated guest, see Provider.sameObject);
 * an address state holds with another object, or an object state manages at
 * another address, is an error at the import block. The engine reads the targets through
 * their providers and passes the objects to the planner (`PlanRequest.imported`), which plans
 * each as the prior of its instance and marks its change `importing`.
 */
import { blockAddress, formatAddress, type InstanceKey, type ResourceAddress } from '../core/address.js';
import { error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import { isUnknown, type Attributes, type Path } from '../core/value.js';
import type { Config, ResourceBlock } from '../config/config-types.js';
import type { ImportBlock } from '../config/refactoring-types.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { EvaluationScope } from '../expand/evaluation-scope.js';
import { expandBlock, instanceContext, instanceKeys } from '../expand/expand-instances.js';
import type { ResourceState, State } from '../state/state-types.js';
import { resolveMoves } from './moved-addresses.js';
import { blockValueFromInstances } from './state-block-values.js';

/** One object an import block adopts. */
export interface ImportTarget {
  address: string;
  to: ResourceAddress;
  block: ResourceBlock;
  /** The id as the config gives it (the provider may answer with its own form of it). */
  id: string;
  /** The import block, for messages. */
  loc: SourceLocation;
}

/** An object read for an import, as the planner gets it. */
export interface ImportedObject {
  id: string;
  attributes: Attributes;
  sensitivePaths: Path[];
  loc: SourceLocation;
}

export interface ImportTargetsInput {
  config: Config;
  variables: ReadonlyMap<string, ScopedValue>;
  state: State;
  paths: { root: string; cwd: string };
  readFile?: (path: string) => string | undefined;
  /** Whether two ids name one object, by provider key (Provider.sameObject); equal ids always do. */
  sameObject?: (provider: string, type: string, a: string, b: string) => boolean;
}

export function importTargets(input: ImportTargetsInput): { targets: ImportTarget[]; diagnostics: Diagnostic[] } {
  const { config } = input;
  const targets: ImportTarget[] = [];
  const diagnostics: Diagnostic[] = [];
  if (config.imports.length === 0) return { targets, diagnostics };
  const resources = resolveMoves(config.moved, input.state.resources).resources;
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const same = (provider: string, type: string, a: string, b: string): boolean =>
    a === b || (input.sameObject?.(provider, type, a, b) ?? false);
  const byBlock = new Map<string, ResourceState[]>();
  for (const r of resources) {
    const b = blockAddress(r);
    byBlock.set(b, [...(byBlock.get(b) ?? []), r]);
  }
  const scope = new EvaluationScope({
    config,
    variables: input.variables,
    blockValue: (a) => {
      const list = byBlock.get(a);
      if (list) return blockValueFromInstances(list, (r) => r.attributes);
      return config.resources.has(a) ? { value: null } : undefined;
    },
    paths: input.paths,
    ...(input.readFile ? { readFile: input.readFile } : {}),
  });
  const seen = new Map<string, ImportTarget>();
  for (const imp of config.imports) {
    const block = config.resources.get(blockAddress(imp.to));
    if (block?.mode !== 'managed') continue; // refused with the config
    for (const t of expandImport(imp, block, scope, diagnostics)) {
      const first = seen.get(t.address);
      if (first) {
        diagnostics.push(error(`Two imports into ${t.address} (ids "${first.id}" and "${t.id}")`, imp.loc));
        continue;
      }
      seen.set(t.address, t);
      const held = byAddress.get(t.address);
      if (held) {
        // the same object under another id (a guest migrated since it was imported) is no conflict
        if (!same(block.provider, t.to.type, held.id, t.id))
          diagnostics.push(
            error(
              `Resource already managed by hl: ${t.address} is in state with id "${held.id}", so "${t.id}" cannot be imported there`,
              imp.loc,
              'Remove the import block, or import into an address state does not hold.',
            ),
          );
        continue; // already imported: the block stays as history
      }
      const elsewhere = resources.find(
        (r) => r.type === t.to.type && (r.id === t.id || (r.provider === block.provider && same(r.provider, r.type, r.id, t.id))),
      );
      if (elsewhere) {
        diagnostics.push(
          error(
            `Cannot import "${t.id}" into ${t.address}: state already manages it as ${elsewhere.address}`,
            imp.loc,
            `One object managed at two addresses would be changed (or destroyed) by both. To give it the new address, use a moved block from ${elsewhere.address} instead.`,
          ),
        );
        continue;
      }
      targets.push(t);
    }
  }
  return { targets, diagnostics };
}

function expandImport(imp: ImportBlock, block: ResourceBlock, scope: EvaluationScope, diagnostics: Diagnostic[]): ImportTarget[] {
  const { count: _count, forEach: _forEach, ...rest } = block;
  const repeated: ResourceBlock = imp.forEach ? { ...rest, address: `the import block into ${block.address}`, forEach: imp.forEach } : rest;
  const { expansion, diagnostics: expandProblems } = expandBlock(repeated, scope);
  diagnostics.push(...expandProblems);
  const out: ImportTarget[] = [];
  for (const each of imp.forEach ? instanceKeys(expansion) : [null]) {
    const ctx = scope.context(instanceContext(expansion, each));
    let key: InstanceKey = imp.to.key;
    if (imp.keyExpression) {
      const k = evaluateNode(imp.keyExpression, ctx);
      diagnostics.push(...k.diagnostics);
      if (k.diagnostics.some((d) => d.severity === 'error')) continue;
      if (isUnknown(k.value) || !(typeof k.value === 'string' || (typeof k.value === 'number' && Number.isInteger(k.value)))) {
        diagnostics.push(
          error(`Invalid key in the to of an import block: expected a string or a whole number, got ${JSON.stringify(k.value)}`, imp.toLoc),
        );
        continue;
      }
      key = k.value;
    }
    const id = evaluateNode(imp.id, ctx);
    diagnostics.push(...id.diagnostics);
    if (id.diagnostics.some((d) => d.severity === 'error')) continue;
    if (typeof id.value !== 'string' || id.value === '') {
      diagnostics.push(
        error(
          `Invalid id in an import block: expected a string known at plan time, got ${isUnknown(id.value) ? 'a value known only after apply' : JSON.stringify(id.value)}`,
          imp.id.loc,
        ),
      );
      continue;
    }
    const to = { ...imp.to, key };
    out.push({ address: formatAddress(to), to, block, id: id.value, loc: imp.loc });
  }
  return out;
}

/** The state entry an imported object stands in as while planning (not yet in state). */
export function importedPrior(block: ResourceBlock, address: string, key: InstanceKey, imported: ImportedObject): ResourceState {
  const r: ResourceState = {
    address,
    mode: 'managed',
    type: block.type,
    name: block.name,
    index: key,
    provider: block.provider,
    id: imported.id,
    attributes: imported.attributes,
    sensitivePaths: imported.sensitivePaths,
    dependencies: [],
    status: 'ready',
  };
  return r;
}
