/**
 * The `configuration` and `relevant_attributes` of `hl show --json`, built from the config a
 * saved plan carries, as written (Terraform's jsonconfig): per module its resources with their
 * expressions, its module calls with the called module inside, its outputs and variables.
 *
 * An expression is `{ "constant_value": V }` when it refers to nothing, else
 * `{ "references": [...] }`: each traversal as written and the object it belongs to
 * (`fake_resource.a.id`, `fake_resource.a`), as Terraform lists them. hl's YAML has no nested
 * blocks, so every key of a resource is an attribute with one expression. Differences from
 * Terraform, on purpose: a provider block's constant values are left out (they may be
 * credentials written inline), and so is the constant of an attribute the plan marks
 * sensitive; `provider_config_key` is the provider key of the root module a module's
 * resource is configured by (`kuma.pve`), and `full_name` is the provider's type.
 */
import { blockAddress, splitModulePath } from '../core/address.js';
import type { ConfigTree } from '../config/config-tree.js';
import type { Config, DependsOn, ResourceBlock } from '../config/config-types.js';
import { nodeReferences } from '../lang/node-references.js';
import type { Reference } from '../lang/reference.js';
import type { Plan, ResourceChange } from '../plan/plan-types.js';
import type { Node } from '../yaml/node.js';
import { nodeToValue } from '../yaml/node-value.js';
import { jsonValue, type JsonValue } from './json-value-trees.js';

export interface JsonExpression {
  constant_value?: JsonValue;
  references?: string[];
}

export interface JsonConfigResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  provider_config_key: string;
  expressions: Record<string, JsonExpression>;
  schema_version: number;
  count_expression?: JsonExpression;
  for_each_expression?: JsonExpression;
  depends_on?: string[];
}

export interface JsonModuleCall {
  source: string;
  expressions: Record<string, JsonExpression>;
  count_expression?: JsonExpression;
  for_each_expression?: JsonExpression;
  depends_on?: string[];
  module: JsonConfigModule;
}

export interface JsonConfigModule {
  outputs?: Record<string, { expression: JsonExpression; sensitive?: boolean; description?: string }>;
  resources: JsonConfigResource[];
  module_calls?: Record<string, JsonModuleCall>;
  variables?: Record<string, { default?: JsonValue; description?: string; sensitive?: boolean }>;
}

export interface JsonProviderConfig {
  name: string;
  full_name: string;
  alias?: string;
  expressions?: Record<string, JsonExpression>;
}

export interface JsonConfiguration {
  provider_config: Record<string, JsonProviderConfig>;
  root_module: JsonConfigModule;
}

export interface JsonRelevantAttribute {
  resource: string;
  attribute: (string | number)[];
}

/** The references of a node as Terraform lists them: each traversal, then the object it belongs to. */
function referenceStrings(refs: readonly Reference[]): string[] {
  const out: string[] = [];
  const add = (s: string) => {
    if (!out.includes(s)) out.push(s);
  };
  for (const r of refs) {
    const text = r.text.trim();
    add(text);
    const owner = ownerOf(r);
    if (owner && owner !== text) add(owner);
  }
  return out;
}

/** What a reference belongs to: `var.x`, `local.x`, `fake_resource.a`, `module.m`, `each.value`, `count.index`. */
function ownerOf(r: Reference): string | undefined {
  switch (r.kind) {
    case 'var':
    case 'local':
      return `${r.kind}.${r.subject}`;
    case 'each':
    case 'count':
    case 'path':
      return `${r.kind}.${r.subject}`;
    case 'resource':
    case 'data':
    case 'module':
      return r.subject;
    default:
      return undefined;
  }
}

function expression(node: Node, opts: { constant: boolean } = { constant: true }): JsonExpression {
  const refs = nodeReferences(node).references;
  if (refs.length > 0) return { references: referenceStrings(refs) };
  return opts.constant ? { constant_value: jsonValue(nodeToValue(node)) } : {};
}

function dependsOn(list: readonly DependsOn[]): { depends_on?: string[] } {
  return list.length > 0 ? { depends_on: list.map((d) => d.ref) } : {};
}

/** The provider key of the root module that configures `key` inside the module reached through `calls`. */
type ProviderResolver = (key: string) => string;

function resourceToJson(r: ResourceBlock, provider: ProviderResolver, sensitiveKeys: ReadonlySet<string>): JsonConfigResource {
  const expressions: Record<string, JsonExpression> = {};
  for (const e of r.body.entries) expressions[e.key] = expression(e.value, { constant: !sensitiveKeys.has(e.key) });
  return {
    address: blockAddress({ mode: r.mode, type: r.type, name: r.name }),
    mode: r.mode,
    type: r.type,
    name: r.name,
    provider_config_key: provider(r.provider),
    expressions,
    schema_version: 0,
    ...(r.count ? { count_expression: expression(r.count) } : {}),
    ...(r.forEach ? { for_each_expression: expression(r.forEach) } : {}),
    ...dependsOn(r.dependsOn),
  };
}

/**
 * Top-level attributes marked sensitive in any change of a config block, by module call path
 * (`module.app`) and block address: their constants are left out of the configuration.
 */
function sensitiveAttributes(plan: Plan): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of plan.changes) {
    const key = `${callPath(c.module)}|${blockAddress({ mode: c.mode, type: c.type, name: c.name })}`;
    let set = out.get(key);
    if (!set) out.set(key, (set = new Set()));
    for (const p of [...c.afterSensitive, ...c.beforeSensitive]) if (typeof p[0] === 'string') set.add(p[0]);
  }
  return out;
}

function callPath(module: string | undefined): string {
  if (!module) return '';
  return splitModulePath(module)
    .steps.map((s) => `module.${s.name}`)
    .join('.');
}

function moduleToJson(tree: ConfigTree, path: string, provider: ProviderResolver, sensitive: Map<string, Set<string>>): JsonConfigModule {
  const { config } = tree;
  const out: JsonConfigModule = {
    resources: [...config.resources.values()].map((r) =>
      resourceToJson(r, provider, sensitive.get(`${path}|${blockAddress({ mode: r.mode, type: r.type, name: r.name })}`) ?? new Set()),
    ),
  };
  if (config.outputs.size > 0) {
    out.outputs = {};
    for (const o of [...config.outputs.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      out.outputs[o.name] = {
        expression: expression(o.value, { constant: !o.sensitive }),
        ...(o.sensitive ? { sensitive: true } : {}),
        ...(o.description !== undefined ? { description: o.description } : {}),
      };
    }
  }
  if (config.variables.size > 0) {
    out.variables = {};
    for (const v of [...config.variables.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      out.variables[v.name] = {
        ...(v.default && !v.sensitive ? { default: jsonValue(nodeToValue(v.default)) } : {}),
        ...(v.description !== undefined ? { description: v.description } : {}),
        ...(v.sensitive ? { sensitive: true } : {}),
      };
    }
  }
  const calls = [...config.moduleCalls.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (calls.length > 0) {
    out.module_calls = {};
    for (const call of calls) {
      const child = tree.calls.get(call.name) ?? { config: emptyModule(config), calls: new Map() };
      // a provider inside the module is the caller's provider passed to it, or the caller's of the same key
      const inner: ProviderResolver = (key) => provider(call.providers.get(key)?.key ?? key);
      const expressions: Record<string, JsonExpression> = {};
      for (const [name, input] of [...call.inputs].sort(([a], [b]) => (a < b ? -1 : 1))) expressions[name] = expression(input.value);
      out.module_calls[call.name] = {
        source: call.source,
        expressions,
        ...(call.count ? { count_expression: expression(call.count) } : {}),
        ...(call.forEach ? { for_each_expression: expression(call.forEach) } : {}),
        ...dependsOn(call.dependsOn),
        module: moduleToJson(child, `${path ? `${path}.` : ''}module.${call.name}`, inner, sensitive),
      };
    }
  }
  return out;
}

/** A module whose files the plan does not carry (it never happens with a plan hl wrote): no blocks. */
function emptyModule(like: Config): Config {
  return { ...like, resources: new Map(), outputs: new Map(), variables: new Map(), moduleCalls: new Map() };
}

/** Every provider key resources of the tree are configured by, in the root module. */
function usedProviders(tree: ConfigTree, provider: ProviderResolver, into: Set<string>): void {
  for (const r of tree.config.resources.values()) into.add(provider(r.provider));
  for (const call of tree.config.moduleCalls.values()) {
    const child = tree.calls.get(call.name);
    if (child) usedProviders(child, (key) => provider(call.providers.get(key)?.key ?? key), into);
  }
}

export function configurationToJson(tree: ConfigTree, plan: Plan): JsonConfiguration {
  const root: ProviderResolver = (key) => key;
  const provider_config: Record<string, JsonProviderConfig> = {};
  const keys = new Set<string>(tree.config.providers.keys());
  usedProviders(tree, root, keys);
  for (const key of [...keys].sort()) {
    const block = tree.config.providers.get(key);
    const type = block?.type ?? key.split('.')[0]!;
    const alias = block?.alias ?? (key.includes('.') ? key.slice(key.indexOf('.') + 1) : undefined);
    const expressions: Record<string, JsonExpression> = {};
    for (const e of block?.body.entries ?? []) {
      const x = expression(e.value, { constant: false });
      if (x.references) expressions[e.key] = x;
    }
    provider_config[key] = {
      name: type,
      full_name: type,
      ...(alias !== undefined ? { alias } : {}),
      ...(Object.keys(expressions).length > 0 ? { expressions } : {}),
    };
  }
  return { provider_config, root_module: moduleToJson(tree, '', root, sensitiveAttributes(plan)) };
}

const STEP_RE = /^(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;

/**
 * A resource reference as `{ resource, attribute }`: the instance (with its key when the
 * reference names one) and the attribute path after it, up to a splat or anything that is
 * not a plain step. Undefined for references to other things.
 */
function resourceAttribute(r: Reference, module: string | undefined): JsonRelevantAttribute | undefined {
  if (r.kind !== 'resource' && r.kind !== 'data') return undefined;
  const text = r.text.trim();
  if (!text.startsWith(r.subject)) return undefined;
  let rest = text.slice(r.subject.length);
  let resource = r.subject;
  const key = /^\[(\d+|"(?:[^"\\]|\\.)*")\]/.exec(rest);
  if (key) {
    resource += key[0];
    rest = rest.slice(key[0].length);
  }
  const attribute: (string | number)[] = [];
  for (let m = STEP_RE.exec(rest); m; m = STEP_RE.exec(rest)) {
    attribute.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
    rest = rest.slice(m[0].length);
  }
  return { resource: module ? `${module}.${resource}` : resource, attribute };
}

/** The config module a change's block belongs to: its module instance's calls followed down the tree. */
function moduleConfig(tree: ConfigTree, module: string | undefined): Config | undefined {
  let at: ConfigTree | undefined = tree;
  for (const step of module ? splitModulePath(module).steps : []) at = at?.calls.get(step.name);
  return at?.config;
}

/**
 * Terraform's `relevant_attributes`: the resource attributes the planned changes read, from
 * the references of the changed resources' config, each resource instance within the module
 * instance of the change that refers to it. Sorted, without repeats.
 */
export function relevantAttributes(tree: ConfigTree, plan: Plan): JsonRelevantAttribute[] {
  const seen = new Map<string, JsonRelevantAttribute>();
  const changed = (c: ResourceChange) => c.action !== 'no-op' && c.action !== 'delete' && c.action !== 'forget';
  for (const c of plan.changes.filter(changed)) {
    const block = moduleConfig(tree, c.module)?.resources.get(blockAddress({ mode: c.mode, type: c.type, name: c.name }));
    if (!block) continue;
    const nodes: Node[] = [block.body, ...(block.count ? [block.count] : []), ...(block.forEach ? [block.forEach] : [])];
    for (const node of nodes) {
      for (const r of nodeReferences(node).references) {
        const a = resourceAttribute(r, c.module);
        if (a) seen.set(JSON.stringify(a), a);
      }
    }
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, a]) => a);
}
