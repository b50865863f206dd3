/**
 * The parsed configuration: the YAML source as a located node tree, and the blocks hl
 * understands (variables, providers, locals, resources, data sources, outputs).
 * Expressions are still unevaluated here: string scalars may hold `${...}` templates.
 */
import type { SourceLocation } from '../core/diagnostic.js';
import type { Path, Value } from '../core/value.js';
import type { MapNode, Node } from '../yaml/node.js';
import type { ImportBlock, MovedBlock, RemovedBlock } from './refactoring-types.js';

/** One source file of the config, kept verbatim so a saved plan can carry the config. */
export interface ConfigFile {
  path: string;
  text: string;
  /**
   * The module directory the file belongs to, as the engine found it (`examples/modules/k3s-node`);
   * absent for the root module's files.
   */
  module?: string;
}

export type VariableType = 'string' | 'number' | 'bool' | 'list' | 'map' | 'object' | 'any';

export interface VariableValidation {
  /** An expression over `var.<name>` that must be true. */
  condition: Node;
  errorMessage: string;
  loc: SourceLocation;
}

export interface VariableDecl {
  name: string;
  type: VariableType;
  default?: Node;
  sensitive: boolean;
  description?: string;
  validations: VariableValidation[];
  loc: SourceLocation;
}

export interface ProviderBlock {
  /** `proxmox` or `kuma.fun-bedbug` */
  key: string;
  /** `proxmox`, `kuma`, ... */
  type: string;
  alias?: string;
  body: MapNode;
  loc: SourceLocation;
}

export interface LocalDecl {
  name: string;
  value: Node;
  loc: SourceLocation;
}

export interface DependsOn {
  /** `proxmox_vm.k3s` or `data.maas_subnet.lan` (a block address). */
  ref: string;
  loc: SourceLocation;
}

/** `lifecycle.on_drift`: whether `hl watch` only reports drift or reverts it. */
export type OnDrift = 'report' | 'revert';

export interface Lifecycle {
  preventDestroy: boolean;
  createBeforeDestroy: boolean;
  /**
   * false: a change of node replaces the object (destroyed and created again) instead of
   * migrating it; set only when given (absent: migrate).
   */
  migrate?: boolean;
  /**
   * What `hl watch` does when it finds this resource drifted (an update in place to bring it
   * back): `report` it (also when absent, the default) or `revert` it unattended.
   */
  onDrift?: OnDrift;
  /** Attribute paths (dotted, as written) or the single entry `all`. */
  ignoreChanges: { path: string; loc: SourceLocation }[] | 'all';
  /** Expressions naming resources or their attributes; a change in any replaces this one. */
  replaceTriggeredBy: Node[];
  /** Conditions checked before the instance is planned and applied (no `self`); set only when given. */
  preconditions?: ConditionRule[];
  /** Conditions on the planned and the applied object (`self`); set only when given. */
  postconditions?: ConditionRule[];
  loc?: SourceLocation;
}

/** A custom condition (decode-conditions.ts): a lifecycle pre/postcondition or a check's assertion. */
export interface ConditionRule {
  /** A `${...}` expression (or true/false) that must be true. */
  condition: Node;
  /** Said when the condition is false; a string scalar, which may hold `${...}` templates. */
  errorMessage: Node;
  loc: SourceLocation;
}

/** A `checks:` block: assertions evaluated at the end of plan and after apply; failures are warnings. */
export interface CheckBlock {
  name: string;
  asserts: ConditionRule[];
  loc: SourceLocation;
}

export interface ResourceBlock {
  mode: 'managed' | 'data';
  /** Block address: `proxmox_vm.k3s`, `data.maas_subnet.lan`, `module.k3s_node["pve"].proxmox_vm.this`. */
  address: string;
  /** The module instance the block was expanded into (`module.k3s_node["pve"]`); '' in the root module. */
  module: string;
  type: string;
  name: string;
  /** Provider key (`kuma.fun-bedbug`); defaults to the type's prefix. */
  provider: string;
  providerLoc?: SourceLocation;
  count?: Node;
  forEach?: Node;
  dependsOn: DependsOn[];
  lifecycle: Lifecycle;
  /** The resource's own attributes (meta-arguments removed). */
  body: MapNode;
  loc: SourceLocation;
}

export interface OutputDecl {
  name: string;
  value: Node;
  sensitive: boolean;
  description?: string;
  loc: SourceLocation;
}

/** A `modules:` entry: a call of the module in a local directory. */
export interface ModuleCall {
  name: string;
  /** As written: `./modules/k3s-node`. */
  source: string;
  sourceLoc: SourceLocation;
  count?: Node;
  forEach?: Node;
  dependsOn: DependsOn[];
  /** Provider key inside the module → provider key in the calling module, with where it was written. */
  providers: Map<string, { key: string; loc: SourceLocation }>;
  /** Values for the module's variables, as written. */
  inputs: Map<string, { value: Node; loc: SourceLocation }>;
  loc: SourceLocation;
}

/** One instance of a module call, after its count/for_each were expanded. */
export interface ModuleInstance {
  /** `module.k3s_node["pve"]`, `module.a.module.b[0]`. */
  path: string;
  /** The calling module instance's path ('' for the root module). */
  parent: string;
  call: ModuleCall;
  key: string | number | null;
  /** How the call was expanded: the each/count value of this instance. */
  each?: { key: string; value: { value: Value; sensitivePaths?: Path[] } };
  count?: { index: number };
  /** The module's own blocks (addresses unprefixed), shared by all instances of the directory. */
  config: Config;
  /** The module directory. */
  dir: string;
}

export interface Config {
  files: ConfigFile[];
  variables: Map<string, VariableDecl>;
  providers: Map<string, ProviderBlock>;
  locals: Map<string, LocalDecl>;
  /** Keyed by block address; data sources are keyed `data.type.name`. */
  resources: Map<string, ResourceBlock>;
  outputs: Map<string, OutputDecl>;
  /** Policy rules, kept as raw nodes for the policy engine. */
  policies: Node[];
  /** This module's `modules:` calls, by name. */
  moduleCalls: Map<string, ModuleCall>;
  /**
   * In the root config once modules are expanded (expand-modules.ts): every module instance
   * by path; the resources of all of them are in `resources` under their full addresses.
   */
  moduleInstances: Map<string, ModuleInstance>;
  /** `checks:` blocks by name (absent when the config has none). */
  checks?: Map<string, CheckBlock>;
  /** The refactoring blocks (refactoring-types.ts), in file order. */
  moved: MovedBlock[];
  imports: ImportBlock[];
  removed: RemovedBlock[];
}
