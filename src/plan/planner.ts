/**
 * The planner: a pure function from (config, variables, prior state, live reads, provider
 * schemas) to a Plan. It does no I/O; data sources it cannot evaluate yet are returned as
 * read requests, which the caller performs before planning again.
 */
import {
  blockAddress,
  formatAddress,
  formatModulePath,
  moduleWithin,
  parseAddress,
  parseModulePath,
  type InstanceKey,
} from '../core/address.js';
import { dedupeDiagnostics, error, hasErrors, warning, type Diagnostic } from '../core/diagnostic.js';
import { parseAttributePath, setPath } from './path-edit.js';
import { didYouMean } from '../core/suggest.js';
import { containsUnknown, getPath, isValueMap, sameValue, UNKNOWN, type Attributes, type Path, type Value } from '../core/value.js';
import type { Config, ResourceBlock } from '../config/config-types.js';
import { findNodeAtPath } from '../yaml/node-path.js';
import type { PrecompiledValidators } from '../schema/precompiled-validators.js';
import { validateAgainstSchema } from '../schema/schema-validator.js';
import type { ConfigGraph } from '../graph/build-config-graph.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import type { ResourceTypeSchema } from '../provider/contract.js';
import type { ResourceState, State } from '../state/state-types.js';
import { defaultPlanResource } from '../provider/default-plan-resource.js';
import { EvaluationScope } from '../expand/evaluation-scope.js';
import { withModuleTrail } from '../config/module-trail.js';
import { blockValueOf, expandBlock, instanceContext, instanceKeys, type Expansion } from '../expand/expand-instances.js';
import type { PlannerProvider } from './planner-provider.js';
import {
  PLAN_FORMAT_VERSION,
  type ActionReason,
  type DataSourceRead,
  type DeposedDelete,
  type OutputChange,
  type PlacementThresholds,
  type Plan,
  type ResourceChange,
} from './plan-types.js';
import type { PlacementFacts } from '../provider/placement.js';
import { PlacementPlanning } from './placement/placement-planning.js';
import { migrateOrReplace } from './placement/migrate-or-replace.js';
import { ConditionEvaluator } from './evaluate-conditions.js';
import { planSummary, summarizeChanges, summaryHasChanges } from './plan-summary.js';
import { renamedKeys, resolveMoves } from './moved-addresses.js';
import { importedPrior, type ImportedObject } from './planned-imports.js';
import { asForget, removedBlockFor, removedStillDeclared } from './removed-blocks.js';
import { blockValueFromInstances } from './state-block-values.js';

export interface PlanRequest {
  config: Config;
  graph: ConfigGraph;
  variables: ReadonlyMap<string, ScopedValue>;
  state: State;
  /** Live reads by instance address (null = gone). Absent entries were not refreshed. */
  refreshed?: ReadonlyMap<string, Attributes | null>;
  /** Objects the refresh found under another id than state holds (a guest migrated outside hl), by address. */
  movedIds?: ReadonlyMap<string, string>;
  /**
   * Instances whose refresh failed (after retries), with why: they are planned as left
   * alone, so the rest of the plan can still be made and applied.
   */
  unreadable?: ReadonlyMap<string, string>;
  /** Data source reads by instance address. */
  dataResults: ReadonlyMap<string, Attributes>;
  /** Objects read for `import` blocks, by the instance address they are imported at (planned-imports.ts). */
  imported?: ReadonlyMap<string, ImportedObject>;
  /** Configured providers by provider key. */
  providers: ReadonlyMap<string, PlannerProvider>;
  mode: Plan['mode'];
  targets: string[];
  replace: string[];
  refresh: boolean;
  hlVersion: string;
  /** When the plan is made (RFC 3339): the engine reads the clock, the planner only records it. */
  createdAt?: string;
  configHash: string;
  paths: { root: string; cwd: string };
  readFile?: (path: string) => string | undefined;
  /**
   * For `hl validate`, which contacts nothing: data sources count as read at apply, and
   * for_each/count that are unknown (unset variables) are not errors.
   */
  validateOnly?: boolean;
  /** The build's validators for resource schemas (the engine passes them); without them schemas are compiled at run time. */
  precompiled?: PrecompiledValidators;
  /** What each provider instance read of its cluster (nodes, load, guests), by provider key: for `node: auto` and the capacity table. */
  placement?: ReadonlyMap<string, PlacementFacts>;
  /** Why a provider instance's cluster could not be read, by provider key (said by `node: auto`'s error). */
  placementUnread?: ReadonlyMap<string, string>;
  /** When the capacity table warns (default: memory 90 %, 4 vCPUs per core, CPU 80 %). */
  placementThresholds?: PlacementThresholds;
}

export interface DataRead {
  address: string;
  type: string;
  provider: string;
  config: Attributes;
}

export interface PlanResult {
  plan?: Plan;
  /** Data sources to read before planning again. */
  needData?: DataRead[];
  diagnostics: Diagnostic[];
}

export function makePlan(req: PlanRequest): PlanResult {
  return new Planner(req).run();
}

class Planner {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly stateByAddress = new Map<string, ResourceState>();
  private readonly stateByBlock = new Map<string, ResourceState[]>();
  private readonly changes: ResourceChange[] = [];
  private readonly changeByAddress = new Map<string, ResourceChange>();
  private readonly blockValues = new Map<string, ScopedValue>();
  private readonly needData: DataRead[] = [];
  private readonly dataReads: DataSourceRead[] = [];
  private readonly scope: EvaluationScope;
  private readonly beforeScope: EvaluationScope;
  private readonly targetBlocks: Set<string> | undefined;
  private readonly targetInstances = new Map<string, Set<string>>();
  private readonly replaceSet = new Set<string>();
  /** Preconditions, postconditions and check blocks (evaluate-conditions.ts). */
  private readonly conditions = new ConditionEvaluator();
  private readonly req: PlanRequest;
  /** Where `moved` blocks took state entries from, by their new address. */
  private readonly previousAddress: ReadonlyMap<string, string>;
  /** Imports planned (their instance is in the config), by address. */
  private readonly importing = new Map<string, ImportedObject>();
  /** `node: auto`, the cluster's loads through the plan, the capacity table (placement/). */
  private readonly placement: PlacementPlanning;

  constructor(request: PlanRequest) {
    // moved blocks: the plan is made as if state held every moved object at its new address
    // (a refresh-only plan records what it reads where state holds it now)
    const moves = resolveMoves(request.mode === 'refresh-only' ? [] : request.config.moved, request.state.resources);
    this.diagnostics.push(...moves.diagnostics);
    this.previousAddress = moves.previous;
    const req: PlanRequest =
      moves.previous.size === 0
        ? request
        : {
            ...request,
            state: { ...request.state, resources: moves.resources },
            refreshed: renamedKeys(request.refreshed, moves.previous),
            movedIds: renamedKeys(request.movedIds, moves.previous),
            unreadable: renamedKeys(request.unreadable, moves.previous),
          };
    this.req = req;
    for (const r of req.state.resources) {
      this.stateByAddress.set(r.address, r);
      const block = blockAddress(r);
      let list = this.stateByBlock.get(block);
      if (!list) this.stateByBlock.set(block, (list = []));
      list.push(r);
    }
    this.placement = new PlacementPlanning({
      ...(req.placement ? { facts: req.placement } : {}),
      ...(req.placementUnread ? { unread: req.placementUnread } : {}),
      ...(req.placementThresholds ? { thresholds: req.placementThresholds } : {}),
      providers: req.providers,
      blocks: req.config.resources,
      existing: req.state.resources.map((resource) => ({ resource, attributes: this.current(resource) })),
      refresh: req.refresh,
    });
    this.scope = new EvaluationScope({
      config: req.config,
      variables: req.variables,
      blockValue: (a) => this.blockValues.get(a) ?? this.stateBlockValue(a, 'after'),
      paths: req.paths,
      ...(req.readFile ? { readFile: req.readFile } : {}),
    });
    this.beforeScope = new EvaluationScope({
      config: req.config,
      variables: req.variables,
      blockValue: (a) => this.stateBlockValue(a, 'before'),
      paths: req.paths,
      ...(req.readFile ? { readFile: req.readFile } : {}),
    });
    if (req.targets.length > 0) {
      const blocks = new Set<string>();
      for (const t of req.targets) {
        const addr = parseAddress(t);
        const module = addr ? undefined : parseModulePath(t);
        if (module) {
          const path = formatModulePath(module);
          const inside = [...req.config.resources.values(), ...req.state.resources]
            .filter((r) => moduleWithin(r.module, path))
            .map((r) => blockAddress(r));
          if (inside.length === 0) {
            this.diagnostics.push(error(`--target "${t}" matches no resource in config or state`));
            continue;
          }
          for (const b of inside) {
            blocks.add(b);
            this.targetInstances.set(b, new Set(['*']));
          }
          continue;
        }
        if (!addr) {
          this.diagnostics.push(
            error(`Invalid --target "${t}": expected an address like proxmox_vm.k3s, proxmox_vm.k3s["pve"] or module.k3s_node["pve"]`),
          );
          continue;
        }
        const block = formatAddress({ ...addr, key: null });
        if (!req.config.resources.has(block) && !this.stateByBlock.has(block)) {
          const s = didYouMean(block, [...req.config.resources.keys(), ...this.stateByBlock.keys()]);
          this.diagnostics.push(
            error(`--target "${t}" matches no resource in config or state`, undefined, s ? `Did you mean "${s}"?` : undefined),
          );
          continue;
        }
        blocks.add(block);
        if (addr.key !== null) {
          let set = this.targetInstances.get(block);
          if (!set) this.targetInstances.set(block, (set = new Set()));
          set.add(formatAddress(addr));
        } else this.targetInstances.set(block, new Set(['*']));
      }
      this.targetBlocks = new Set([...req.graph.dag.ancestorsClosure([...blocks].filter((b) => req.graph.dag.hasNode(b))), ...blocks]);
    }
    for (const r of req.replace) {
      const addr = parseAddress(r);
      if (!addr) this.diagnostics.push(error(`Invalid --replace "${r}": expected a resource instance address`));
      else if (!this.stateByAddress.has(formatAddress(addr))) {
        this.diagnostics.push(warning(`--replace "${r}" matches no resource in state; nothing to replace`));
      } else this.replaceSet.add(formatAddress(addr));
    }
  }

  run(): PlanResult {
    const drift = this.computeDrift();
    if (this.req.mode === 'refresh-only') return this.finish(drift, []);
    if (this.req.mode === 'destroy') {
      this.planDestroyAll();
      return this.finish(drift, this.destroyOutputs());
    }
    for (const id of this.req.graph.order) {
      const block = this.req.config.resources.get(id);
      if (block) this.planBlock(block);
    }
    this.planOrphans();
    this.checkRefactorings();
    this.addImplicitDependencies();
    const outputs = this.planOutputs();
    if (!this.req.validateOnly) this.conditions.checks(this.req.config.checks?.values() ?? [], this.scope.context());
    this.diagnostics.push(...this.conditions.diagnostics);
    for (const d of this.scope.diagnostics) this.diagnostics.push(d);
    if (this.needData.length > 0 && !hasErrors(this.diagnostics)) return { needData: this.needData, diagnostics: this.diagnostics };
    return this.finish(drift, outputs);
  }

  private finish(drift: ResourceChange[], outputChanges: OutputChange[]): PlanResult {
    const placed = this.req.mode === 'refresh-only' ? undefined : this.placement.finish(this.changes);
    this.diagnostics.push(...(placed?.diagnostics ?? []));
    if (hasErrors(this.diagnostics)) return { diagnostics: dedupeDiagnostics(this.diagnostics) };
    const { req } = this;
    const variables: Plan['variables'] = {};
    for (const [name, decl] of req.config.variables) {
      const v = req.variables.get(name);
      variables[name] = decl.sensitive ? { sensitive: true } : { value: v?.value ?? null, sensitive: false };
    }
    const deposed = req.mode === 'refresh-only' ? [] : this.deposedDeletes();
    const counts = summarizeChanges(this.changes);
    const summary = planSummary(this.changes);
    summary.destroy += deposed.length;
    // Drift alone is a change only for a refresh-only plan; otherwise apply records it quietly.
    const acceptsDrift = req.mode === 'refresh-only' && drift.length > 0;
    const plan: Plan = {
      formatVersion: PLAN_FORMAT_VERSION,
      hlVersion: req.hlVersion,
      ...(req.createdAt !== undefined ? { createdAt: req.createdAt } : {}),
      mode: req.mode,
      state: { lineage: req.state.lineage, serial: req.state.serial },
      configHash: req.configHash,
      configuration: { files: req.config.files, root: req.paths.root },
      variables,
      options: { targets: req.targets, replace: req.replace, refresh: req.refresh },
      changes: this.changes,
      drift,
      deposed,
      data: this.dataReads,
      outputChanges,
      diagnostics: dedupeDiagnostics(this.diagnostics),
      summary,
      hasChanges: summaryHasChanges(counts) || deposed.length > 0 || outputChanges.some((o) => o.action !== 'no-op') || acceptsDrift,
    };
    if (this.conditions.results.length > 0) plan.checks = this.conditions.results;
    if (placed?.placement) plan.placement = placed.placement;
    return { plan, diagnostics: plan.diagnostics };
  }

  /** Deletes of the objects earlier create-before-destroy replacements left in state. */
  private deposedDeletes(): DeposedDelete[] {
    const out: DeposedDelete[] = [];
    for (const r of this.req.state.resources) {
      if (r.mode !== 'managed' || !r.deposed) continue;
      if (this.targetBlocks && !this.targetBlocks.has(blockAddress(r))) continue;
      for (const d of r.deposed) {
        out.push({
          address: r.address,
          key: d.key,
          type: r.type,
          provider: r.provider,
          id: d.id,
          before: d.attributes,
          beforeSensitive: d.sensitivePaths,
        });
      }
    }
    return out;
  }

  // ---- drift -------------------------------------------------------------------------

  private computeDrift(): ResourceChange[] {
    const drift: ResourceChange[] = [];
    const refreshed = this.req.refreshed;
    if (!refreshed) return drift;
    for (const r of this.req.state.resources) {
      if (r.mode !== 'managed' || !refreshed.has(r.address)) continue;
      if (this.targetBlocks && !this.targetBlocks.has(blockAddress(r))) continue;
      const now = refreshed.get(r.address)!;
      if (now === null) drift.push(this.stateChange(r, 'delete', r.attributes, null));
      else if (!sameValue(r.attributes, now) || this.req.movedIds?.has(r.address)) {
        const change = this.stateChange(r, 'update', r.attributes, now);
        const newId = this.req.movedIds?.get(r.address);
        if (newId !== undefined) change.newId = newId;
        drift.push(change);
      }
    }
    return drift;
  }

  private stateChange(
    r: ResourceState,
    action: ResourceChange['action'],
    before: Attributes | null,
    after: Attributes | null,
  ): ResourceChange {
    return {
      address: r.address,
      block: blockAddress(r),
      ...(r.module ? { module: r.module } : {}),
      mode: r.mode,
      type: r.type,
      name: r.name,
      index: r.index,
      provider: r.provider,
      action,
      id: r.id,
      before,
      after,
      beforeSensitive: r.sensitivePaths,
      afterSensitive: after ? r.sensitivePaths : [],
      replacePaths: [],
      notes: [],
      dependencies: r.dependencies,
      createBeforeDestroy: r.createBeforeDestroy ?? false,
      preventDestroy: r.preventDestroy ?? false,
    };
  }

  /** Refreshed attributes of a state instance: the live read when there was one. */
  private current(r: ResourceState): Attributes | null {
    const refreshed = this.req.refreshed;
    if (refreshed?.has(r.address)) return refreshed.get(r.address)!;
    return r.attributes;
  }

  private stateBlockValue(address: string, _side: 'before' | 'after'): ScopedValue | undefined {
    const list = this.stateByBlock.get(address);
    if (!list) return this.req.config.resources.has(address) ? { value: null } : undefined;
    return blockValueFromInstances(list, (r) => this.current(r));
  }

  // ---- managed and data blocks -------------------------------------------------------

  private planBlock(block: ResourceBlock): void {
    if (this.targetBlocks && !this.targetBlocks.has(block.address)) return;
    if (block.module === '') {
      this.planBlockIn(block);
      return;
    }
    // problems in a module's files say through which module blocks they were reached
    const from = this.diagnostics.length;
    this.planBlockIn(block);
    this.diagnostics.splice(from, Infinity, ...withModuleTrail(this.diagnostics.slice(from), this.req.config, block.module));
  }

  private planBlockIn(block: ResourceBlock): void {
    const scope = this.scope.forModule(block.module);
    const { expansion, diagnostics } = expandBlock(block, scope);
    if (!(expansion.kind === 'unknown' && this.req.validateOnly)) this.diagnostics.push(...diagnostics);
    const provider = this.req.providers.get(block.provider);
    if (!provider) {
      this.diagnostics.push(error(`No provider "${block.provider}" is configured for ${block.address}`, block.providerLoc ?? block.loc));
      return;
    }
    const schemas = block.mode === 'data' ? provider.schema.dataSources : provider.schema.resources;
    const typeSchema = schemas[block.type];
    if (!typeSchema) {
      const s = didYouMean(block.type, Object.keys(schemas));
      this.diagnostics.push(
        error(
          `Provider "${block.provider}" has no ${block.mode === 'data' ? 'data source' : 'resource type'} "${block.type}"`,
          block.loc,
          s ? `Did you mean "${s}"?` : `Known types: ${Object.keys(schemas).sort().join(', ')}`,
        ),
      );
      return;
    }
    const targeted = this.targetInstances.get(block.address);
    const values = new Map<InstanceKey, ScopedValue>();
    for (const key of instanceKeys(expansion)) {
      const address = formatAddress({ mode: block.mode, type: block.type, name: block.name, key, module: block.module });
      const prior = this.stateByAddress.get(address) ?? this.importedPrior(block, address, key);
      if (targeted && !targeted.has('*') && !targeted.has(address)) {
        const v = prior ? this.current(prior) : null;
        values.set(key, { value: v ?? null, sensitivePaths: prior?.sensitivePaths ?? [] });
        continue;
      }
      const ctx = scope.context(instanceContext(expansion, key));
      const conditioned = block.mode === 'managed' && !this.req.validateOnly;
      if (conditioned && !this.conditions.resource('precondition', block, address, ctx)) continue;
      const ev = evaluateNode(block.body, ctx);
      this.diagnostics.push(...ev.diagnostics);
      if (hasErrors(ev.diagnostics) || !isValueMap(ev.value)) continue;
      const config = ev.value;
      this.diagnostics.push(
        ...validateAgainstSchema(typeSchema.jsonSchema, config, block.body, address, {
          sensitivePaths: ev.sensitivePaths,
          precompiled: this.req.precompiled,
        }),
      );
      for (const p of provider.validateResource?.({ type: block.type, config, providerConfig: provider.providerConfig }) ?? []) {
        this.diagnostics.push({
          ...(p.severity === 'warning' ? warning : error)(`${address}: ${p.message}`, findNodeAtPath(block.body, p.path).node.loc),
          address,
        });
      }
      const value =
        block.mode === 'data'
          ? this.planData(block, address, key, config, ev.sensitivePaths, typeSchema)
          : this.planManaged(block, expansion, address, key, config, ev.sensitivePaths, prior, provider, typeSchema);
      values.set(key, value);
      if (conditioned) this.conditions.resource('postcondition', block, address, ctx, value);
    }
    this.blockValues.set(block.address, blockValueOf(expansion, values));
  }

  private planData(
    block: ResourceBlock,
    address: string,
    key: InstanceKey,
    config: Attributes,
    sensitivePaths: Path[],
    typeSchema: ResourceTypeSchema,
  ): ScopedValue {
    const result = this.req.dataResults.get(address);
    if (result) {
      this.dataReads.push({ address, block: block.address, index: key, attributes: result, sensitivePaths });
      return { value: result, sensitivePaths };
    }
    if (!containsUnknown(config) && !this.req.validateOnly) {
      this.needData.push({ address, type: block.type, provider: block.provider, config });
      return { value: UNKNOWN };
    }
    const after = defaultPlanResource(typeSchema, null, config).planned;
    const change = this.newChange(block, address, key, 'read', null, after);
    change.reason = 'read_because_config_unknown';
    change.afterSensitive = sensitivePaths;
    this.addChange(change);
    return { value: after, sensitivePaths };
  }

  private planManaged(
    block: ResourceBlock,
    expansion: Expansion,
    address: string,
    key: InstanceKey,
    configIn: Attributes,
    configSensitive: Path[],
    prior: ResourceState | undefined,
    provider: PlannerProvider,
    typeSchema: ResourceTypeSchema,
  ): ScopedValue {
    if (this.req.validateOnly) return this.validationValue(typeSchema, configIn, configSensitive);
    if (prior && this.isUnreadable(prior)) return this.leaveUnreadable(prior, block);
    const before = prior ? this.current(prior) : null;
    const placed = this.placement.placeNode(block, address, applyIgnoreChanges(block, configIn, before, this.diagnostics), before);
    this.diagnostics.push(...placed.diagnostics);
    const config = placed.config;
    const planFn = provider.planResource
      ? (p: Attributes | null, c: Attributes) =>
          provider.planResource!({ type: block.type, prior: p, config: c, providerConfig: provider.providerConfig })
      : (p: Attributes | null, c: Attributes) => defaultPlanResource(typeSchema, p, c);
    let response = migrateOrReplace(block.lifecycle.migrate, planFn(before, config));
    for (const p of response.problems) {
      this.diagnostics.push({
        ...(p.severity === 'warning' ? warning : error)(`${address}: ${p.message}`, findNodeAtPath(block.body, p.path).node.loc),
        address,
      });
    }

    let forced: ActionReason | undefined;
    if (prior?.status === 'tainted') forced = 'replace_because_tainted';
    else if (this.replaceSet.has(address)) forced = 'replace_by_request';
    else if (before && this.triggersFire(block, expansion, key)) forced = 'replace_by_triggers';
    if (before && (forced || response.requiresReplace.length > 0)) {
      // The create half of a replacement is a fresh create: planned as one, with every check
      // a create makes (a plan whose create cannot succeed must not destroy the old object).
      const create = planFn(null, config);
      for (const p of create.problems) {
        this.diagnostics.push({
          ...(p.severity === 'warning' ? warning : error)(`${address}: ${p.message}`, findNodeAtPath(block.body, p.path).node.loc),
          address,
        });
      }
      response = {
        ...create,
        requiresReplace: response.requiresReplace,
        notes: [...response.notes, ...create.notes.filter((n) => !response.notes.includes(n))],
      };
    }

    const sensitive = mergeSensitive(configSensitive, typeSchema, response.planned);
    let change: ResourceChange;
    if (!before) {
      change = this.newChange(block, address, key, 'create', null, response.planned);
      if (prior && before === null) change.reason = 'create_because_gone';
    } else if (forced || response.requiresReplace.length > 0) {
      change = this.newChange(
        block,
        address,
        key,
        block.lifecycle.createBeforeDestroy ? 'create-delete' : 'delete-create',
        before,
        response.planned,
      );
      change.reason = forced ?? 'replace_because_cannot_update';
      change.replacePaths = response.requiresReplace;
      if (change.action === 'create-delete') this.checkIdentityKept(block, address, configIn, before, response.planned, typeSchema);
    } else if (!sameValue(before, response.planned)) {
      change = this.newChange(block, address, key, 'update', before, response.planned);
    } else {
      change = this.newChange(block, address, key, 'no-op', before, response.planned);
    }
    if (prior) {
      change.id = prior.id;
      change.beforeSensitive = prior.sensitivePaths;
      if (prior.dependencies.length > 0) change.priorDependencies = prior.dependencies;
    }
    change.afterSensitive = sensitive;
    change.notes = response.notes;
    if (response.migration && change.action === 'update') change.migration = response.migration;
    if (placed.choice) change.placement = placed.choice;
    change.preventDestroy = block.lifecycle.preventDestroy || (prior?.preventDestroy ?? false);
    this.checkPreventDestroy(change, block);
    this.addChange(change);
    return { value: response.planned, sensitivePaths: sensitive };
  }

  /** Whether the refresh of this instance failed: it is planned as left alone. */
  private isUnreadable(r: ResourceState): boolean {
    return this.req.unreadable?.has(r.address) ?? false;
  }

  /**
   * An instance whose refresh failed: hl cannot know what a change would do to it, so the
   * plan leaves it as it is (a no-op on its recorded attributes), says so, and plans the rest.
   */
  private leaveUnreadable(r: ResourceState, block?: ResourceBlock): ScopedValue {
    const change = this.stateChange(r, 'no-op', r.attributes, r.attributes);
    change.preventDestroy = (r.preventDestroy ?? false) || (block?.lifecycle.preventDestroy ?? false);
    this.diagnostics.push({
      ...warning(
        `${r.address} could not be read, so this plan leaves it as it is: ${this.req.unreadable!.get(r.address)!}`,
        block?.loc,
        'Whatever the config changes for it (its removal included) is not planned; run "hl plan" again once its provider answers.',
      ),
      address: r.address,
    });
    this.addChange(change);
    return { value: r.attributes, sensitivePaths: r.sensitivePaths };
  }

  /**
   * For `hl validate`, which knows nothing of state: what references see is every attribute
   * of the type, unknown unless the config sets a plain (non-map) value. Provider planning,
   * whose checks depend on whether the object exists, is not run.
   */
  private validationValue(schema: ResourceTypeSchema, config: Attributes, sensitivePaths: Path[]): ScopedValue {
    const value: Attributes = {};
    for (const name of Object.keys(schema.attributes)) {
      const v = config[name];
      value[name] = v === undefined || v === null || isValueMap(v) ? UNKNOWN : v;
    }
    return { value, sensitivePaths };
  }

  /** replace_triggered_by: fires when a referenced value differs between before and after. */
  private triggersFire(block: ResourceBlock, expansion: Expansion, key: InstanceKey): boolean {
    const extra = instanceContext(expansion, key);
    for (const node of block.lifecycle.replaceTriggeredBy) {
      const after = evaluateNode(node, this.scope.forModule(block.module).context(extra));
      const before = evaluateNode(node, this.beforeScope.forModule(block.module).context(extra));
      this.diagnostics.push(...after.diagnostics);
      if (containsUnknown(after.value) || !sameValue(after.value, before.value)) return true;
    }
    return false;
  }

  /**
   * create_before_destroy makes the new object while the old one still exists: an identity
   * attribute (a VMID, a hostname) that config sets to the value the old object holds can
   * never be given to the new one, so the plan could never apply.
   */
  private checkIdentityKept(
    block: ResourceBlock,
    address: string,
    config: Attributes,
    before: Attributes,
    planned: Attributes,
    schema: ResourceTypeSchema,
  ): void {
    for (const name of attributesFlagged(schema, 'identity')) {
      const set = config[name];
      if (
        set === undefined ||
        set === null ||
        containsUnknown(planned[name] ?? null) ||
        !sameValue(planned[name] ?? null, before[name] ?? null)
      )
        continue;
      this.diagnostics.push({
        ...error(
          `${address}: create_before_destroy cannot work with a fixed ${name}: the new object would need ${name} ${JSON.stringify(set)} while the object it replaces still holds it`,
          findNodeAtPath(block.body, [name]).node.loc,
          `Either drop "${name}" from the config so the new object gets a new one, or remove create_before_destroy from its lifecycle block (the old object is then destroyed before the new one is created).`,
        ),
        address,
      });
    }
  }

  private checkPreventDestroy(change: ResourceChange, block?: ResourceBlock): void {
    if (!change.preventDestroy) return;
    if (change.action !== 'delete' && change.action !== 'delete-create' && change.action !== 'create-delete') return;
    this.diagnostics.push({
      ...error(
        `Instance ${change.address} has lifecycle.prevent_destroy set, but the plan calls for it to be ${change.action === 'delete' ? 'destroyed' : 'replaced'}`,
        block?.lifecycle.loc ?? block?.loc,
        change.replacePaths.length > 0
          ? `Replacement is forced by: ${change.replacePaths.map((p) => p.reason).join('; ')}. Change the config so no replacement is needed, or remove prevent_destroy first.`
          : 'To destroy it, first remove prevent_destroy from its lifecycle block and apply; the protection is kept in state until then.',
      ),
      address: change.address,
    });
  }

  private newChange(
    block: ResourceBlock,
    address: string,
    key: InstanceKey,
    action: ResourceChange['action'],
    before: Attributes | null,
    after: Attributes | null,
  ): ResourceChange {
    return {
      address,
      block: block.address,
      ...(block.module ? { module: block.module } : {}),
      mode: block.mode,
      type: block.type,
      name: block.name,
      index: key,
      provider: block.provider,
      action,
      id: null,
      before,
      after,
      beforeSensitive: [],
      afterSensitive: [],
      replacePaths: [],
      notes: [],
      dependencies: this.req.graph.resourceDeps.get(block.address) ?? [],
      createBeforeDestroy: block.lifecycle.createBeforeDestroy,
      preventDestroy: block.lifecycle.preventDestroy,
    };
  }

  private addChange(change: ResourceChange): void {
    const previous = this.previousAddress.get(change.address);
    if (previous !== undefined) change.previousAddress = previous;
    const imported = this.importing.get(change.address);
    if (imported) change.importing = { id: imported.id };
    this.changes.push(change);
    this.changeByAddress.set(change.address, change);
    this.placement.record(change);
  }

  // ---- implicit dependencies ---------------------------------------------------------

  /**
   * Orderings providers ask for between their instances beyond what config references say
   * (`Provider.implicitDependencies`), added as block dependencies of the dependent change.
   * One that would close a cycle with the dependencies already there is left out.
   */
  private addImplicitDependencies(): void {
    const byProvider = new Map<string, ResourceChange[]>();
    for (const c of this.changes) {
      if (c.mode !== 'managed' || (c.after ?? c.before) === null) continue;
      let list = byProvider.get(c.provider);
      if (!list) byProvider.set(c.provider, (list = []));
      list.push(c);
    }
    const depsOf = new Map<string, Set<string>>();
    for (const c of this.changes) {
      const set = depsOf.get(c.block) ?? new Set<string>();
      for (const d of c.dependencies) set.add(d);
      depsOf.set(c.block, set);
    }
    const reaches = (from: string, to: string): boolean => {
      const seen = new Set<string>();
      const stack = [from];
      while (stack.length) {
        const b = stack.pop()!;
        if (b === to) return true;
        if (seen.has(b)) continue;
        seen.add(b);
        for (const d of depsOf.get(b) ?? []) stack.push(d);
      }
      return false;
    };
    for (const [key, list] of byProvider) {
      const hook = this.req.providers.get(key)?.implicitDependencies;
      if (!hook) continue;
      const edges = hook({ resources: list.map((c) => ({ address: c.address, type: c.type, attributes: (c.after ?? c.before)! })) });
      for (const e of edges) {
        const dependent = this.changeByAddress.get(e.dependent);
        const dependency = this.changeByAddress.get(e.dependency);
        if (!dependent || !dependency || dependent.block === dependency.block) continue;
        if (dependent.dependencies.includes(dependency.block) || reaches(dependency.block, dependent.block)) continue;
        dependent.dependencies = [...dependent.dependencies, dependency.block].sort();
        depsOf.get(dependent.block)!.add(dependency.block);
      }
    }
  }

  // ---- deletes -----------------------------------------------------------------------

  private isTargeted(r: ResourceState): boolean {
    if (!this.targetInstances.size) return true;
    const set = this.targetInstances.get(blockAddress(r));
    return !!set && (set.has('*') || set.has(r.address));
  }

  private planOrphans(): void {
    for (const r of this.req.state.resources) {
      if (this.changeByAddress.has(r.address) || r.mode !== 'managed') continue;
      if (!this.isTargeted(r)) continue;
      const block = this.req.config.resources.get(blockAddress(r));
      if (block && !this.plannedKeysKnown(block)) continue; // its keys are unknown or invalid
      if (this.isUnreadable(r)) {
        this.leaveUnreadable(r, block);
        continue;
      }
      const before = this.current(r);
      let change = this.stateChange(r, 'delete', before, null);
      change.reason = !block
        ? 'delete_because_no_resource_config'
        : typeof r.index === 'number'
          ? 'delete_because_count_index'
          : 'delete_because_each_key';
      // a removed block with destroy: false: state lets go, the object is left alone
      if (removedBlockFor(this.req.config.removed, r.address)?.destroy === false) change = asForget(change);
      // gone outside hl as well: only state forgets it, nothing to protect
      else if (before !== null) this.checkPreventDestroy(change, block);
      this.addChange(change);
    }
  }

  /** An object read for an import block at this address, standing in as its prior. */
  private importedPrior(block: ResourceBlock, address: string, key: InstanceKey): ResourceState | undefined {
    const imported = block.mode === 'managed' ? this.req.imported?.get(address) : undefined;
    if (!imported) return undefined;
    this.importing.set(address, imported);
    return importedPrior(block, address, key, imported);
  }

  /** Imports whose instance the config does not declare; removed blocks naming an instance it still declares. */
  private checkRefactorings(): void {
    for (const [address, imported] of this.req.imported ?? []) {
      if (this.importing.has(address) || this.req.validateOnly) continue;
      const addr = parseAddress(address);
      const block = addr ? this.req.config.resources.get(blockAddress(addr)) : undefined;
      if (block && !this.plannedKeysKnown(block)) continue; // its keys are unknown or invalid: reported already
      if (this.targetBlocks && block && !this.targetBlocks.has(block.address)) continue;
      this.diagnostics.push({
        ...error(
          `Cannot import ${address}: the configuration does not declare this instance`,
          imported.loc,
          "The key must be one its resource block's count or for_each produces.",
        ),
        address,
      });
    }
    this.diagnostics.push(...removedStillDeclared(this.req.config.removed, this.changeByAddress));
  }

  private plannedKeysKnown(block: ResourceBlock): boolean {
    const v = this.blockValues.get(block.address);
    return v !== undefined && v.value !== UNKNOWN;
  }

  private planDestroyAll(): void {
    // reverse dependency order is the executor's job; list in state order
    for (const r of this.req.state.resources) {
      if (r.mode !== 'managed' || !this.isTargetedForDestroy(r)) continue;
      const block = this.req.config.resources.get(blockAddress(r));
      if (this.isUnreadable(r)) {
        this.leaveUnreadable(r, block);
        continue;
      }
      const change = this.stateChange(r, 'delete', this.current(r), null);
      change.reason = 'delete_because_destroy';
      change.preventDestroy = (r.preventDestroy ?? false) || (block?.lifecycle.preventDestroy ?? false);
      this.checkPreventDestroy(change, block);
      this.addChange(change);
    }
  }

  /** In destroy mode a target also destroys everything that depends on it. */
  private isTargetedForDestroy(r: ResourceState): boolean {
    if (!this.targetInstances.size) return true;
    if (this.isTargeted(r)) return true;
    const targets = new Set(this.targetInstances.keys());
    const seen = new Set<string>();
    const stack = [...r.dependencies];
    while (stack.length > 0) {
      const b = stack.pop()!;
      if (targets.has(b)) return true;
      if (seen.has(b)) continue;
      seen.add(b);
      for (const s of this.stateByBlock.get(b) ?? []) stack.push(...s.dependencies);
    }
    return false;
  }

  // ---- outputs -----------------------------------------------------------------------

  private planOutputs(): OutputChange[] {
    const out: OutputChange[] = [];
    const prior = this.req.state.outputs;
    for (const o of this.req.config.outputs.values()) {
      const r = evaluateNode(o.value, this.scope.context());
      this.diagnostics.push(...r.diagnostics);
      const sensitive = o.sensitive;
      if (!sensitive && r.sensitivePaths.length > 0) {
        this.diagnostics.push(
          error(`Output "${o.name}" refers to sensitive values`, o.value.loc, 'Set "sensitive: true" on the output to show it masked.'),
        );
      }
      const before = prior[o.name];
      const action: OutputChange['action'] = !before ? 'create' : sameValue(before.value, r.value) ? 'no-op' : 'update';
      out.push({ name: o.name, action, before: before?.value ?? null, after: r.value, sensitive });
    }
    for (const [name, before] of Object.entries(prior)) {
      if (!this.req.config.outputs.has(name))
        out.push({ name, action: 'delete', before: before.value, after: null, sensitive: before.sensitive });
    }
    return out;
  }

  private destroyOutputs(): OutputChange[] {
    return Object.entries(this.req.state.outputs).map(([name, o]) => ({
      name,
      action: 'delete' as const,
      before: o.value,
      after: null,
      sensitive: o.sensitive,
    }));
  }
}

/** Keeps the prior value for every ignored path, so changes there never show. */
function applyIgnoreChanges(block: ResourceBlock, config: Attributes, prior: Attributes | null, diagnostics: Diagnostic[]): Attributes {
  const ignore = block.lifecycle.ignoreChanges;
  if (!prior) return config;
  if (ignore === 'all') {
    const out: Attributes = { ...config };
    for (const k of Object.keys(config)) if (k in prior) out[k] = prior[k]!;
    return out;
  }
  let out: Value = config;
  for (const item of ignore) {
    const path = parseAttributePath(item.path);
    if (!path) {
      diagnostics.push(error(`Invalid attribute path "${item.path}" in ignore_changes`, item.loc));
      continue;
    }
    const priorValue = getPath(prior, path);
    out = setPath(out, path, priorValue === undefined ? undefined : priorValue);
  }
  return out as Attributes;
}

/** The attribute names a resource type's schema marks with a flag, listed once per schema. */
const flaggedNames = new WeakMap<ResourceTypeSchema, Map<'sensitive' | 'identity', string[]>>();

function attributesFlagged(schema: ResourceTypeSchema, flag: 'sensitive' | 'identity'): string[] {
  let byFlag = flaggedNames.get(schema);
  if (!byFlag) flaggedNames.set(schema, (byFlag = new Map()));
  let names = byFlag.get(flag);
  if (!names) {
    names = Object.entries(schema.attributes)
      .filter(([, attr]) => attr[flag])
      .map(([name]) => name);
    byFlag.set(flag, names);
  }
  return names;
}

/** Sensitive paths of the planned value: from expressions plus the schema's sensitive attributes. */
function mergeSensitive(fromConfig: Path[], schema: ResourceTypeSchema, planned: Attributes): Path[] {
  const out = [...fromConfig];
  const add = (p: Path): void => {
    if (!out.some((q) => q.length === p.length && q.every((s, i) => s === p[i]))) out.push(p);
  };
  for (const name of attributesFlagged(schema, 'sensitive')) if (name in planned) add([name]);
  for (const pattern of schema.sensitivePaths ?? []) for (const p of expandPattern(planned, pattern)) add(p);
  return out;
}

/** The concrete paths in `value` matching a pattern whose `'*'` steps match any key. */
function expandPattern(value: Value | undefined, pattern: Path, prefix: Path = []): Path[] {
  if (pattern.length === 0) return value === undefined || value === null ? [] : [prefix];
  const [step, ...rest] = pattern;
  if (!isValueMap(value)) return [];
  const keys = step === '*' ? Object.keys(value) : typeof step === 'string' && step in value ? [step] : [];
  return keys.flatMap((k) => expandPattern(value[k], rest, [...prefix, k]));
}
