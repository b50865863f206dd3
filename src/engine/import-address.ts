/**
 * What `hl import ADDRESS ID` must refuse before it contacts anything: an address the config
 * does not declare, and an object state already manages elsewhere.
 *
 * An address is declared when its block exists (same type and name) and its instance key is
 * one the block expands to: none for a plain block, an index in `[0, count)` for `count`, a
 * key its `for_each` produces for `for_each`. The keys come from expanding the block as the
 * planner does (expand-instances.ts), with variables and locals, and with the values of the
 * resources it refers to taken from the config, filled in from state where the config leaves
 * them unknown. When the keys still depend on values known only after apply, the address
 * cannot be checked and is refused (the next plan could not place the object either): apply
 * what the keys depend on first, then import.
 *
 * An ID is managed elsewhere when state holds a resource of the same type with the same id at
 * another address: importing it twice would have two addresses manage one object (and the
 * plan of one of them destroy it).
 */
import { blockAddress, formatAddress, formatKey, type InstanceKey, type ResourceAddress } from '../core/address.js';
import { error, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import { isUnknown, isValueMap, UNKNOWN, type Value, type ValueMap } from '../core/value.js';
import type { ResourceBlock } from '../config/config-types.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { EvaluationScope } from '../expand/evaluation-scope.js';
import { blockValueOf, expandBlock, instanceContext, instanceKeys, type Expansion } from '../expand/expand-instances.js';
import type { Project } from './project.js';
import type { ResourceState, State } from '../state/state-types.js';

/** The block the address names, or the errors that refuse it. */
export function checkImportAddress(
  project: Project,
  state: State,
  addr: ResourceAddress,
): { block?: ResourceBlock; diagnostics: Diagnostic[] } {
  const address = formatAddress(addr);
  const blockAddr = blockAddress({ ...addr, mode: 'managed' });
  const block = project.config.resources.get(blockAddr);
  if (block?.mode !== 'managed') return { diagnostics: [notDeclared(project, addr, blockAddr)] };

  const expansion = expandWithState(project, state, block);
  const refuse = (summary: string, detail: string): { diagnostics: Diagnostic[] } => ({
    diagnostics: [
      { ...error(`Cannot import ${address}: ${summary}`, block.forEach?.loc ?? block.count?.loc ?? block.loc, detail), address },
    ],
  });
  const declared = (keys: InstanceKey[]): string =>
    keys.length === 0
      ? 'It declares no instances.'
      : `Its instances: ${keys
          .slice(0, 10)
          .map((k) => `${blockAddr}${formatKey(k)}`)
          .join(', ')}${keys.length > 10 ? `, ... (${keys.length} in all)` : ''}.`;
  const example = (keys: InstanceKey[]): string =>
    keys.length > 0 ? ` For example: hl import '${blockAddr}${formatKey(keys[0]!)}' ID` : '';

  switch (expansion.kind) {
    case 'errors':
      return { diagnostics: expansion.diagnostics };
    case 'unknown':
      return refuse(
        `the instances of ${blockAddr} depend on values known only after apply, so hl cannot check that ${address} is one of them`,
        `Apply the resources its ${block.forEach ? 'for_each' : 'count'} depends on first (hl apply --target ADDRESS), then import.`,
      );
    case 'single':
      if (addr.key === null) return { block, diagnostics: [] };
      return refuse(`${blockAddr} has neither count nor for_each, so its address takes no instance key`, `Use: hl import ${blockAddr} ID`);
    case 'count': {
      const keys = instanceKeys(expansion);
      if (addr.key === null) return refuse(`${blockAddr} has count, so the address needs an index`, `${declared(keys)}${example(keys)}`);
      if (typeof addr.key === 'string')
        return refuse(
          `${blockAddr} has count, so its instances have numeric indexes, not ["${addr.key}"]`,
          `${declared(keys)}${example(keys)}`,
        );
      if (addr.key >= expansion.count) {
        return refuse(
          `index ${addr.key} is out of range: count is ${expansion.count}${expansion.count > 0 ? ` (indexes 0 to ${expansion.count - 1})` : ''}`,
          `${declared(keys)}${example(keys)}`,
        );
      }
      return { block, diagnostics: [] };
    }
    case 'for_each': {
      const keys = instanceKeys(expansion);
      if (addr.key === null)
        return refuse(`${blockAddr} has for_each, so the address needs an instance key`, `${declared(keys)}${example(keys)}`);
      if (typeof addr.key === 'number')
        return refuse(
          `${blockAddr} has for_each, so its instances have string keys, not [${addr.key}]`,
          `${declared(keys)}${example(keys)}`,
        );
      if (!expansion.entries.has(addr.key)) {
        const s = didYouMean(addr.key, expansion.entries.keys());
        return refuse(`the for_each of ${blockAddr} has no key "${addr.key}"`, `${s ? `Did you mean "${s}"? ` : ''}${declared(keys)}`);
      }
      return { block, diagnostics: [] };
    }
  }
}

/** The resource of state that manages object `id` of `type` at an address other than `address`. */
export function managedElsewhere(state: State, type: string, id: string, address: string): ResourceState | undefined {
  return state.resources.find((r) => r.mode === 'managed' && r.type === type && r.id === id && r.address !== address);
}

export function managedElsewhereError(address: string, other: ResourceState, id: string): Diagnostic {
  return error(
    `Cannot import ${address}: ${other.type} ${id} is already managed by hl as ${other.address}`,
    undefined,
    `One object must have one address. To manage it as ${address} instead, move it: hl state mv '${other.address}' '${address}'`,
  );
}

function notDeclared(project: Project, addr: ResourceAddress, blockAddr: string): Diagnostic {
  const managed = [...project.config.resources.values()].filter((b) => b.mode === 'managed');
  const sameName = managed.filter((b) => b.name === addr.name && b.type !== addr.type);
  const s =
    sameName.length === 1
      ? sameName[0]!.address
      : didYouMean(
          blockAddr,
          managed.map((b) => b.address),
        );
  const what =
    sameName.length === 1
      ? `"${addr.name}" is a ${sameName[0]!.type} in the configuration, not a ${addr.type}`
      : `${blockAddr} is not in the configuration`;
  return error(
    `Cannot import ${formatAddress(addr)}: ${what}`,
    undefined,
    s ? `Did you mean "${s}"?` : `Add a "${blockAddr}" block first, so that hl knows how to manage what it imports.`,
  );
}

type CheckedExpansion = Exclude<Expansion, { kind: 'unknown' }> | { kind: 'unknown' } | { kind: 'errors'; diagnostics: Diagnostic[] };

/** Expands `block` as the planner would, resources it refers to valued from config, then state. */
function expandWithState(project: Project, state: State, block: ResourceBlock): CheckedExpansion {
  const byAddress = new Map(state.resources.map((r) => [r.address, r]));
  const values = new Map<string, ScopedValue>();
  const inProgress = new Set<string>();
  const scope: EvaluationScope = new EvaluationScope({
    config: project.config,
    variables: project.variables,
    paths: project.paths,
    readFile: project.readFile,
    blockValue: (address) => {
      if (address.startsWith('data.')) return { value: UNKNOWN };
      const cached = values.get(address);
      if (cached) return cached;
      const other = project.config.resources.get(address);
      if (!other || inProgress.has(address)) return { value: UNKNOWN };
      inProgress.add(address);
      const otherScope = scope.forModule(other.module);
      const { expansion } = expandBlock(other, otherScope);
      const instances = new Map<InstanceKey, ScopedValue>();
      for (const key of instanceKeys(expansion)) {
        const r = evaluateNode(other.body, otherScope.context(instanceContext(expansion, key)));
        const prior = byAddress.get(formatAddress({ mode: 'managed', type: other.type, name: other.name, key, module: other.module }));
        instances.set(key, { value: withPrior(r.value, prior?.attributes) });
      }
      inProgress.delete(address);
      const v = blockValueOf(expansion, instances);
      values.set(address, v);
      return v;
    },
  });
  const { expansion, diagnostics } = expandBlock(block, scope.forModule(block.module));
  if (expansion.kind === 'unknown') return expansion;
  if (diagnostics.some((d) => d.severity === 'error')) return { kind: 'errors', diagnostics };
  return expansion;
}

/**
 * The config's value of an instance, with what it leaves unknown or unset taken from state;
 * unknown as a whole when state does not hold it (its computed attributes are unknown, and
 * hl does not know here which they are).
 */
function withPrior(config: Value, prior: ValueMap | undefined): Value {
  if (!prior) return UNKNOWN;
  const out: ValueMap = { ...prior };
  if (isValueMap(config)) for (const [k, v] of Object.entries(config)) if (!isUnknown(v)) out[k] = v;
  return out;
}
