/**
 * The plan in the shape of `terraform show -json` (format_version "1.2"), validated by
 * `schemas/plan-json.schema.json`. Differences from Terraform, on purpose:
 *
 * - `hl_version` beside `terraform_version`: the latter is the Terraform release whose
 *   `show -json` shape this follows (TERRAFORM_COMPAT_VERSION), since tools written for
 *   Terraform's plan JSON require the field; it is not a Terraform hl runs.
 * - Sensitive values are replaced by null in `before`/`after`/`values` (Terraform prints them
 *   in cleartext and only flags them in `*_sensitive`); the `*_sensitive` trees still say
 *   where they were. Sensitive variables are left out of `variables`; sensitive outputs have
 *   null `before`/`after` and no `value`.
 * - `provider_name` is the provider key of the config (`proxmox`, `kuma.fun-bedbug`), not a
 *   registry address.
 * - `resource_changes` keep the plan's dependency order (Terraform sorts by address).
 * - `prior_state` is built from the refreshed `before` values of the plan's changes (managed
 *   resources) and outputs, not from a whole state file.
 * - `timestamp` is when the plan was made, as the plan file records it (this module reads no
 *   clock); absent only for a plan saved before hl recorded it.
 * - `configuration` and `relevant_attributes` (plan-config-json.ts) are written when the caller
 *   passes the config the plan was made from (`hl show --json PLANFILE` does).
 * - `hl_placement` (an hl extension, placement-json.ts): the capacity table, the migrations and
 *   the nodes `node: auto` chose, when the plan has any.
 */
import { containsUnknown, type Value } from '../core/value.js';
import { hasErrors } from '../core/diagnostic.js';
import { deposedAsChange } from '../plan/deposed-change.js';
import { formatModulePath, parseAddress, splitModulePath } from '../core/address.js';
import type { DeposedDelete, OutputChange, Plan, ResourceChange } from '../plan/plan-types.js';
import { terraformActions } from './change-labels.js';
import { jsonValue, sensitiveTree, unknownTree, type BoolTree, type JsonValue } from './json-value-trees.js';
import { SensitiveCursor } from './path-cursor.js';
import { checksToJson, type JsonCheck } from './check-results-json.js';
import { placementToJson, type JsonPlacement } from './placement-json.js';
import type { ConfigTree } from '../config/config-tree.js';
import { configurationToJson, relevantAttributes, type JsonConfiguration, type JsonRelevantAttribute } from './plan-config-json.js';

export const SHOW_JSON_FORMAT_VERSION = '1.2';
/** The Terraform release whose `show -json` (format 1.2) hl's document follows, written as `terraform_version`. */
export const TERRAFORM_COMPAT_VERSION = '1.9.0';

export interface JsonResourceChange {
  address: string;
  /** The module instance, as Terraform writes it: `module.k3s_node["pve"]`; absent in the root module. */
  module_address?: string;
  previous_address?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  /** Set for the delete of a deposed object: its key. */
  deposed?: string;
  action_reason?: string;
  change: {
    actions: string[];
    before: JsonValue;
    after: JsonValue;
    after_unknown: BoolTree;
    before_sensitive: BoolTree;
    after_sensitive: BoolTree;
    replace_paths?: (string | number)[][];
    /** Set when an import block adopts the object (Terraform 1.5). */
    importing?: { id: string };
  };
}

export interface JsonOutputChange {
  actions: string[];
  before: JsonValue;
  after: JsonValue;
  after_unknown: BoolTree;
  before_sensitive: boolean;
  after_sensitive: boolean;
}

export interface JsonResourceValues {
  address: string;
  module_address?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  values: JsonValue;
  sensitive_values: BoolTree;
}

/** A module's resources and its child modules' (Terraform's module values tree). */
export interface JsonModule {
  /** Absent for the root module. */
  address?: string;
  resources: JsonResourceValues[];
  child_modules?: JsonModule[];
}

export interface JsonModuleValues {
  outputs?: Record<string, { sensitive: boolean; value?: JsonValue }>;
  root_module: JsonModule;
}

export interface ShowJsonPlan {
  format_version: string;
  terraform_version: string;
  hl_version: string;
  timestamp?: string;
  variables: Record<string, { value: JsonValue }>;
  planned_values: JsonModuleValues;
  resource_drift: JsonResourceChange[];
  resource_changes: JsonResourceChange[];
  output_changes: Record<string, JsonOutputChange>;
  prior_state: { format_version: string; terraform_version: string; hl_version: string; values: JsonModuleValues };
  configuration?: JsonConfiguration;
  relevant_attributes?: JsonRelevantAttribute[];
  applyable: boolean;
  complete: boolean;
  errored: boolean;
  /** Custom conditions and check blocks (check-results-json.ts); absent when the config has none. */
  checks?: JsonCheck[];
  /** hl extension: the capacity table, migrations and node: auto's choices (placement-json.ts). */
  hl_placement?: JsonPlacement;
}

export interface ShowJsonOptions {
  /** RFC 3339 time the plan was made, when the plan does not say (`plan.createdAt` wins). */
  timestamp?: string;
  /** The config the plan was made from, as written: gives `configuration` and `relevant_attributes`. */
  config?: ConfigTree;
}

type Identity = Pick<JsonResourceChange, 'address' | 'module_address' | 'mode' | 'type' | 'name' | 'index' | 'provider_name'>;

/** The identifying keys, in Terraform's order; `index` only for an instance with a key. */
function identity(c: ResourceChange): Identity {
  const module = c.module ?? parseAddress(c.address)?.module;
  return {
    address: c.address,
    ...(module ? { module_address: module } : {}),
    mode: c.mode,
    type: c.type,
    name: c.name,
    ...(c.index !== null ? { index: c.index } : {}),
    provider_name: c.provider,
  };
}

export function resourceChangeToJson(c: ResourceChange): JsonResourceChange {
  const bs = SensitiveCursor.of(c.beforeSensitive);
  const as = SensitiveCursor.of(c.afterSensitive);
  const out: JsonResourceChange = {
    ...identity(c),
    change: {
      actions: terraformActions(c.action),
      before: jsonValue(c.before, bs),
      after: jsonValue(c.after, as),
      after_unknown: c.after !== null && containsUnknown(c.after) ? unknownTree(c.after) : {},
      before_sensitive: c.before === null ? false : sensitiveTree(c.before, bs),
      after_sensitive: c.after === null ? false : sensitiveTree(c.after, as),
    },
  };
  if (c.previousAddress !== undefined) out.previous_address = c.previousAddress;
  if (c.importing) out.change.importing = { id: c.importing.id };
  if (c.reason !== undefined) out.action_reason = c.reason;
  if (c.replacePaths.length > 0) out.change.replace_paths = c.replacePaths.map((r) => [...r.path]);
  return out;
}

/** A deposed object's delete: its own entry under the address, with `deposed` set to its key (as Terraform). */
function deposedToJson(d: DeposedDelete): JsonResourceChange {
  const entry = resourceChangeToJson(deposedAsChange(d));
  return { ...entry, address: d.address, deposed: d.key };
}

function outputChangeToJson(o: OutputChange): JsonOutputChange {
  const sens = o.sensitive ? SensitiveCursor.ALL : SensitiveCursor.NONE;
  const after: Value = o.after;
  const unknown = after !== null && containsUnknown(after);
  return {
    actions: terraformActions(o.action),
    before: jsonValue(o.before, sens),
    after: jsonValue(after, sens),
    // A sensitive output says only that something is unknown, not where inside it.
    after_unknown: !unknown ? false : o.sensitive ? true : unknownTree(after),
    before_sensitive: o.sensitive,
    after_sensitive: o.sensitive,
  };
}

function resourceValues(c: ResourceChange, side: 'before' | 'after'): JsonResourceValues {
  const value = side === 'after' ? c.after : c.before;
  const sens = SensitiveCursor.of(side === 'after' ? c.afterSensitive : c.beforeSensitive);
  return { ...identity(c), values: jsonValue(value, sens), sensitive_values: value === null ? {} : sensitiveTree(value, sens) };
}

function plannedOutputs(outputs: readonly OutputChange[]): Record<string, { sensitive: boolean; value?: JsonValue }> {
  const out: Record<string, { sensitive: boolean; value?: JsonValue }> = {};
  for (const o of byName(outputs)) {
    if (o.action === 'delete') continue;
    const entry: { sensitive: boolean; value?: JsonValue } = { sensitive: o.sensitive };
    if (!o.sensitive && !containsUnknown(o.after)) entry.value = jsonValue(o.after);
    out[o.name] = entry;
  }
  return out;
}

/** The outputs as they were before the plan: those that existed, sensitive ones without a value. */
function priorOutputs(outputs: readonly OutputChange[]): Record<string, { sensitive: boolean; value?: JsonValue }> {
  const out: Record<string, { sensitive: boolean; value?: JsonValue }> = {};
  for (const o of byName(outputs)) {
    if (o.action === 'create' || o.before === null) continue;
    const entry: { sensitive: boolean; value?: JsonValue } = { sensitive: o.sensitive };
    if (!o.sensitive && !containsUnknown(o.before)) entry.value = jsonValue(o.before);
    out[o.name] = entry;
  }
  return out;
}

function byName(outputs: readonly OutputChange[]): OutputChange[] {
  return [...outputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function planToShowJson(plan: Plan, hlVersion: string, opts: ShowJsonOptions = {}): ShowJsonPlan {
  const variables: Record<string, { value: JsonValue }> = {};
  for (const name of Object.keys(plan.variables).sort()) {
    const v = plan.variables[name]!;
    if (v.sensitive || v.value === undefined) continue;
    variables[name] = { value: jsonValue(v.value) };
  }

  const planned: JsonResourceValues[] = [];
  const prior: JsonResourceValues[] = [];
  const changes: JsonResourceChange[] = [];
  for (const c of plan.changes) {
    changes.push(resourceChangeToJson(c));
    if (c.after !== null && c.action !== 'delete') planned.push(resourceValues(c, 'after'));
    if (c.before !== null && c.mode === 'managed') prior.push(resourceValues(c, 'before'));
  }

  const outputChanges: Record<string, JsonOutputChange> = {};
  for (const o of byName(plan.outputChanges)) outputChanges[o.name] = outputChangeToJson(o);

  const errored = hasErrors(plan.diagnostics);
  const timestamp = plan.createdAt ?? opts.timestamp;
  const out: ShowJsonPlan = {
    format_version: SHOW_JSON_FORMAT_VERSION,
    terraform_version: TERRAFORM_COMPAT_VERSION,
    hl_version: hlVersion,
    ...(timestamp !== undefined ? { timestamp } : {}),
    variables,
    planned_values: { outputs: plannedOutputs(plan.outputChanges), root_module: moduleTree(planned) },
    resource_drift: plan.drift.map(resourceChangeToJson),
    resource_changes: [...changes, ...plan.deposed.map(deposedToJson)],
    output_changes: outputChanges,
    prior_state: {
      format_version: '1.0',
      terraform_version: TERRAFORM_COMPAT_VERSION,
      hl_version: plan.hlVersion,
      values: { outputs: priorOutputs(plan.outputChanges), root_module: moduleTree(prior) },
    },
    applyable: plan.hasChanges && !errored,
    complete: plan.options.targets.length === 0 && !errored,
    errored,
  };
  if (plan.checks) out.checks = checksToJson(plan.checks);
  const placement = placementToJson(plan);
  if (placement) out.hl_placement = placement;
  if (opts.config) {
    out.configuration = configurationToJson(opts.config, plan);
    out.relevant_attributes = relevantAttributes(opts.config, plan);
  }
  return out;
}

/**
 * Resources grouped as Terraform's module values: the root module's own resources, and a
 * child module per module instance (`module.a["x"]`, then `module.a["x"].module.b` inside it).
 */
export function moduleTree(resources: readonly JsonResourceValues[]): JsonModule {
  const root: JsonModule = { resources: [] };
  const modules = new Map<string, JsonModule>([['', root]]);
  const moduleAt = (path: string): JsonModule => {
    let m = modules.get(path);
    if (m) return m;
    m = { address: path, resources: [] };
    modules.set(path, m);
    const steps = splitModulePath(path).steps;
    const parent = moduleAt(formatModulePath(steps.slice(0, -1)));
    (parent.child_modules ??= []).push(m);
    return m;
  };
  for (const r of resources) moduleAt(r.module_address ?? '').resources.push(r);
  for (const m of modules.values()) m.child_modules?.sort((a, b) => (a.address! < b.address! ? -1 : 1));
  return root;
}
