/**
 * The executor: applies a plan's changes through the providers in dependency order with
 * bounded parallelism. Each provider call is preceded by a durable intent and followed by
 * its outcome in the state store's journal, so a crash at any point can be reconciled.
 * Config is re-evaluated for each instance as the values it depends on become known, and
 * the result is checked against the plan.
 */
import { blockAddress, type InstanceKey } from '../core/address.js';
import { error, warning, type Diagnostic } from '../core/diagnostic.js';
import {
  containsUnknown,
  getPath,
  isUnknown,
  isValueMap,
  pathToString,
  valueEquals,
  type Attributes,
  type Path,
  type Value,
} from '../core/value.js';
import type { Config, ResourceBlock } from '../config/config-types.js';
import type { ConfigGraph } from '../graph/build-config-graph.js';
import { walkDag, type VisitControls } from '../graph/walk-dag.js';
import type { EvalContext, ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { defaultPlanResource } from '../provider/default-plan-resource.js';
import { EvaluationScope } from '../expand/evaluation-scope.js';
import { blockValueOf, expandBlock, instanceContext, type Expansion } from '../expand/expand-instances.js';
import { deposedLabel } from '../plan/deposed-change.js';
import { isRedacted } from '../plan/plan-codec.js';
import type { DataSourceRead, DeposedDelete, Plan, ResourceChange } from '../plan/plan-types.js';
import { blockValueFromInstances } from '../plan/state-block-values.js';
import { ProviderError, type Provider } from '../provider/contract.js';
import type { ProviderCallLog } from '../provider/call-log.js';
import { retryProviderCall, type CallKind, type RetryPolicy } from '../provider/retry-provider-call.js';
import { deposedById, withDeposed, withoutDeposed } from '../state/deposed-objects.js';
import type { OutputState, ResourceState } from '../state/state-types.js';
import type { ApplyEvents, OperationKind } from './apply-events.js';
import { applyNodeId, buildApplyGraph, deleteNodeId } from './apply-graph.js';
import type { ApplyStore } from './apply-store.js';
import { resourceStateEntry } from './resource-state-entry.js';
import type { ConditionResult } from '../plan/condition-results.js';
import { configWithAutoNode } from '../plan/placement/auto-node.js';
import { ConditionEvaluator } from '../plan/evaluate-conditions.js';
import { applyRefactorings, type RefactoringResult } from './apply-refactorings.js';

export interface ApplyRequest {
  plan: Plan;
  config: Config;
  graph: ConfigGraph;
  variables: ReadonlyMap<string, ScopedValue>;
  store: ApplyStore;
  /** Configured providers by provider key. */
  providers: ReadonlyMap<string, Provider>;
  /** Evaluated provider blocks by provider key, for the providers' planning. */
  providerConfigs: ReadonlyMap<string, Attributes>;
  parallelism: number;
  events: ApplyEvents;
  /** True once the user asked to stop (Ctrl-C): no new operation starts. */
  shouldStop: () => boolean;
  paths: { root: string; cwd: string };
  readFile?: (path: string) => string | undefined;
  /** How failed provider calls are retried (tests shorten the waits). */
  retry?: RetryPolicy;
  /** Each provider instance's call log (HL_LOG), told of the retries of operations. */
  callLog?: (providerKey: string) => ProviderCallLog | undefined;
}

export type InstanceOutcome = 'applied' | 'failed' | 'skipped' | 'not-started' | 'unchanged';

export interface ApplyResult {
  outcomes: Map<string, InstanceOutcome>;
  diagnostics: Diagnostic[];
  counts: {
    added: number;
    changed: number;
    replaced: number;
    destroyed: number;
    failed: number;
    skipped: number;
    notStarted: number;
    /** What moved, import and removed blocks did (apply-refactorings.ts). */
    moved?: number;
    imported?: number;
    forgotten?: number;
  };
  stopped: boolean;
  /** Custom conditions evaluated during the apply, check blocks last (absent when none). */
  checks?: ConditionResult[];
}

export async function applyPlan(req: ApplyRequest): Promise<ApplyResult> {
  // moves, forgets and imports first: the operations below find state as the plan saw it
  const refactored = await applyRefactorings(req);
  return new Executor(req, refactored).run();
}

class Executor {
  private readonly diagnostics: Diagnostic[] = [];
  /** Current attributes of every instance the config can refer to. */
  private readonly current = new Map<string, { attributes: Attributes | null; sensitivePaths: Path[] }>();
  private readonly expansions = new Map<string, Expansion>();
  private readonly scope: EvaluationScope;
  private readonly byBlock = new Map<string, ResourceChange[]>();
  /** Instances whose operation has completed in this run. */
  private readonly applied = new Set<string>();
  /** State instances of blocks the plan does not touch, by block address. */
  private readonly untouched = new Map<string, ResourceState[]>();
  /** Data sources read while planning, by block address. */
  private readonly dataByBlock = new Map<string, DataSourceRead[]>();
  /** Block values built so far; an entry is dropped when one of its instances changes. */
  private readonly blockValueCache = new Map<string, ScopedValue | undefined>();
  /** Preconditions and postconditions of the instances applied, then the check blocks. */
  private readonly conditions = new ConditionEvaluator();

  constructor(
    private readonly req: ApplyRequest,
    private readonly refactored: RefactoringResult,
  ) {
    for (const r of req.store.listResources()) this.current.set(r.address, { attributes: r.attributes, sensitivePaths: r.sensitivePaths });
    for (const c of req.plan.changes) {
      let list = this.byBlock.get(c.block);
      if (!list) this.byBlock.set(c.block, (list = []));
      list.push(c);
      if (c.action === 'no-op' && c.before)
        this.current.set(c.address, { attributes: this.fillRedacted(c.address, c.before), sensitivePaths: c.afterSensitive });
    }
    for (const d of req.plan.data) {
      this.current.set(d.address, { attributes: d.attributes, sensitivePaths: d.sensitivePaths });
      let list = this.dataByBlock.get(d.block);
      if (!list) this.dataByBlock.set(d.block, (list = []));
      list.push(d);
    }
    for (const r of req.store.listResources()) {
      const block = blockAddress(r);
      if (this.byBlock.has(block)) continue;
      let list = this.untouched.get(block);
      if (!list) this.untouched.set(block, (list = []));
      list.push(r);
    }
    this.scope = new EvaluationScope({
      config: req.config,
      variables: req.variables,
      blockValue: (a) => this.blockValue(a),
      paths: req.paths,
      ...(req.readFile ? { readFile: req.readFile } : {}),
    });
  }

  async run(): Promise<ApplyResult> {
    const { plan } = this.req;
    await this.acceptDrift();
    const { dag, changes, deposed } = buildApplyGraph(plan);
    const outcomes = new Map<string, InstanceOutcome>();
    const walk = await walkDag(
      dag,
      async (node, controls) => {
        const leftover = deposed.get(node);
        if (leftover) return this.runDeposedDelete(leftover, controls);
        const [kind, address] = splitNode(node);
        const change = changes.get(address)!;
        return kind === 'delete' ? this.runDelete(change, controls) : this.applyWithConditions(change, controls);
      },
      { parallelism: this.req.parallelism, shouldStop: this.req.shouldStop },
    );
    const counts: ApplyResult['counts'] = { added: 0, changed: 0, replaced: 0, destroyed: 0, failed: 0, skipped: 0, notStarted: 0 };
    const { refactored } = this;
    this.diagnostics.unshift(...refactored.diagnostics);
    if (refactored.moved > 0) counts.moved = refactored.moved;
    if (refactored.imported > 0) counts.imported = refactored.imported;
    if (refactored.forgotten > 0) counts.forgotten = refactored.forgotten;
    for (const c of plan.changes) {
      if (c.action === 'no-op' || c.action === 'forget') {
        const failed = refactored.failed.has(c.address);
        outcomes.set(c.address, failed ? 'failed' : c.action === 'forget' ? 'applied' : 'unchanged');
        if (failed) counts.failed++;
        continue;
      }
      const nodes = [applyNodeId(c.address), deleteNodeId(c.address)].filter((n) => dag.hasNode(n));
      const states = nodes.map((n) => walk.outcomes.get(n)!);
      let outcome: InstanceOutcome;
      if (states.includes('failed')) outcome = 'failed';
      else if (states.includes('skipped')) outcome = 'skipped';
      else if (states.includes('not-started')) outcome = 'not-started';
      else outcome = 'applied';
      outcomes.set(c.address, outcome);
      if (outcome === 'failed') counts.failed++;
      else if (outcome === 'skipped') {
        counts.skipped++;
        const cause = nodes.map((n) => walk.skippedBecause.get(n)).find((x) => x !== undefined);
        this.diagnostics.push({
          ...warning(`${c.address} was not ${verb(c)} because ${cause ? splitNode(cause)[1] : 'a dependency'} failed`),
          address: c.address,
        });
      } else if (outcome === 'not-started') counts.notStarted++;
      else if (c.action === 'create') counts.added++;
      else if (c.action === 'update') counts.changed++;
      else if (c.action === 'delete') {
        if (c.before !== null) counts.destroyed++;
      } else if (c.action === 'delete-create' || c.action === 'create-delete') counts.replaced++;
    }
    for (const [node, d] of deposed) {
      const o = walk.outcomes.get(node);
      if (o === 'done') counts.destroyed++;
      else if (o === 'failed') counts.failed++;
      else if (o === 'skipped') counts.skipped++;
      else counts.notStarted++;
      if (o !== 'done') outcomes.set(d.address, o === 'failed' ? 'failed' : (outcomes.get(d.address) ?? 'not-started'));
    }
    const stopped = this.req.shouldStop() && [...walk.outcomes.values()].includes('not-started');
    if (plan.mode === 'normal') this.finalConditions();
    if (plan.mode !== 'refresh-only') await this.writeOutputs();
    const checks = this.conditions.results;
    return { outcomes, diagnostics: this.diagnostics, counts, stopped, ...(checks.length > 0 ? { checks } : {}) };
  }

  /** Records what refresh saw outside hl, so state matches reality even with no changes. */
  private async acceptDrift(): Promise<void> {
    const { store, plan } = this.req;
    for (const d of plan.drift) {
      const prior = store.getResource(d.address);
      if (!prior) continue;
      if (d.after === null) {
        // gone outside hl: forget it; when the plan recreates it, the create records the new one
        await store.removeResource(d.address);
        this.setCurrent(d.address, blockAddress(prior), null, []);
      } else {
        const attributes = this.fillRedacted(d.address, d.after);
        // moved outside hl (a guest migrated by HA or by hand): the refresh found it under a new id
        await store.setResource({ ...prior, attributes, ...(d.newId !== undefined ? { id: d.newId } : {}) });
        this.setCurrent(d.address, blockAddress(prior), attributes, prior.sensitivePaths);
      }
    }
  }

  // ---- values for expressions ---------------------------------------------------------

  private setCurrent(address: string, block: string, attributes: Attributes | null, sensitivePaths: Path[]): void {
    this.current.set(address, { attributes, sensitivePaths });
    this.blockValueCache.delete(block);
  }

  private blockValue(address: string): ScopedValue | undefined {
    if (!this.blockValueCache.has(address)) this.blockValueCache.set(address, this.buildBlockValue(address));
    return this.blockValueCache.get(address);
  }

  private buildBlockValue(address: string): ScopedValue | undefined {
    const changes = this.byBlock.get(address);
    const block = this.req.config.resources.get(address);
    const reads = this.dataByBlock.get(address);
    if (reads && !changes) {
      const expansion = this.expansionOf(address);
      if (!expansion) return undefined;
      return blockValueOf(expansion, new Map(reads.map((d) => [d.index, { value: d.attributes, sensitivePaths: d.sensitivePaths }])));
    }
    if (!changes) {
      const states = this.untouched.get(address);
      if (!states) return block ? { value: null } : undefined;
      return blockValueFromInstances(states, (r) => this.current.get(r.address)?.attributes ?? r.attributes);
    }
    if (!block) return undefined;
    const expansion = this.expansionOf(address);
    if (!expansion) return undefined;
    const values = new Map<InstanceKey, ScopedValue>();
    for (const c of changes) {
      if (c.action === 'delete' || c.action === 'forget') continue;
      const cur = this.current.get(c.address);
      const value: Value = c.action !== 'no-op' && !this.applied.has(c.address) ? (c.after ?? null) : (cur?.attributes ?? null);
      values.set(c.index, { value, sensitivePaths: cur?.sensitivePaths ?? c.afterSensitive });
    }
    return blockValueOf(expansion, values);
  }

  private expansionOf(address: string): Expansion | undefined {
    let e = this.expansions.get(address);
    if (!e) {
      const block = this.req.config.resources.get(address);
      if (!block) return undefined;
      const r = expandBlock(block, this.scope.forModule(block.module));
      e = r.expansion;
      this.expansions.set(address, e);
    }
    return e;
  }

  /** Puts back the values a saved plan left out because they were sensitive. */
  private fillRedacted(address: string, attrs: Attributes): Attributes {
    const prior = this.req.store.getResource(address)?.attributes;
    const fill = (v: Value, path: Path): Value => {
      if (isRedacted(v)) return prior ? (getPath(prior, path) ?? null) : null;
      if (Array.isArray(v)) return v.map((x, i) => fill(x, [...path, i]));
      if (isValueMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, [...path, k])]));
      return v;
    };
    return fill(attrs, []) as Attributes;
  }

  // ---- custom conditions --------------------------------------------------------------

  /**
   * An instance's create or update between its preconditions, evaluated again now that what
   * it depends on exists (a false one fails it before the provider is called), and its
   * postconditions on the attributes applied (a false one fails it: its dependents are
   * skipped, and state keeps what was applied).
   */
  private async applyWithConditions(change: ResourceChange, controls: VisitControls): Promise<boolean> {
    const block = this.req.config.resources.get(change.block);
    const { preconditions, postconditions } = block?.lifecycle ?? {};
    if (!block || change.mode !== 'managed' || (!preconditions?.length && !postconditions?.length)) return this.runApply(change, controls);
    const expansion = this.expansionOf(change.block);
    if (!expansion) return this.runApply(change, controls);
    const operation: OperationKind = change.action === 'update' ? 'update' : 'create';
    const ctx = this.scope.forModule(block.module).context(instanceContext(expansion, change.index));
    if (!this.conditionsHold('precondition', block, change, ctx, operation)) return false;
    if (!(await this.runApply(change, controls))) return false;
    return this.conditionsHold('postcondition', block, change, ctx, operation);
  }

  private conditionsHold(
    kind: 'precondition' | 'postcondition',
    block: ResourceBlock,
    change: ResourceChange,
    ctx: EvalContext,
    operation: OperationKind,
  ): boolean {
    const cur = this.current.get(change.address);
    const self: ScopedValue = { value: cur?.attributes ?? null, sensitivePaths: cur?.sensitivePaths ?? [] };
    const ok = this.conditions.resource(kind, block, change.address, ctx, kind === 'postcondition' ? self : undefined);
    this.diagnostics.push(...this.conditions.diagnostics.splice(0));
    if (!ok) {
      const message =
        kind === 'precondition' ? 'its precondition is not met; nothing was changed' : 'its postcondition is not met after it was applied';
      this.req.events.operationEnd({ address: change.address, operation, outcome: 'error', message });
    }
    return ok;
  }

  /**
   * After the walk: the conditions of instances left unchanged that the plan could not decide
   * (their values are known now), then every check block (a failure is a warning).
   */
  private finalConditions(): void {
    const { plan, config } = this.req;
    const undecided = new Set((plan.checks ?? []).filter((r) => r.kind !== 'check' && r.status === 'unknown').map((r) => r.address));
    for (const c of plan.changes) {
      if (c.action !== 'no-op' || !undecided.has(c.address)) continue;
      const block = config.resources.get(c.block);
      const expansion = block && this.expansionOf(c.block);
      if (!block || !expansion) continue;
      const ctx = this.scope.forModule(block.module).context(instanceContext(expansion, c.index));
      const cur = this.current.get(c.address);
      this.conditions.resource('precondition', block, c.address, ctx);
      this.conditions.resource('postcondition', block, c.address, ctx, {
        value: cur?.attributes ?? null,
        sensitivePaths: cur?.sensitivePaths ?? [],
      });
    }
    this.conditions.checks(config.checks?.values() ?? [], this.scope.context());
    this.diagnostics.push(...this.conditions.diagnostics.splice(0));
  }

  // ---- operations ---------------------------------------------------------------------

  private async runApply(change: ResourceChange, controls: VisitControls): Promise<boolean> {
    if (this.refactored.failed.has(change.address)) return false; // its move or import failed: reported
    const provider = this.req.providers.get(change.provider);
    if (!provider) return this.fail(change, 'create', `provider "${change.provider}" is not configured`);
    const operation: OperationKind = change.action === 'update' ? 'update' : change.action === 'read' ? 'read' : 'create';
    const block = this.req.config.resources.get(change.block);
    if (!block) return this.fail(change, operation, `the plan refers to ${change.block}, which is not in the plan's configuration`);
    const expansion = this.expansionOf(change.block)!;
    const ev = evaluateNode(block.body, this.scope.forModule(block.module).context(instanceContext(expansion, change.index)));
    if (ev.diagnostics.some((d) => d.severity === 'error')) {
      this.diagnostics.push(...ev.diagnostics);
      return this.fail(change, operation, 'its configuration could not be evaluated');
    }
    // node: auto is what the plan chose (or where the object is)
    const config = configWithAutoNode(ev.value as Attributes, change, (attributes) =>
      provider.placementDemand?.({ type: change.type, attributes }),
    );
    if (containsUnknown(config))
      return this.fail(
        change,
        operation,
        'its configuration still has values unknown after its dependencies were applied (a provider left a computed value unset)',
      );

    if (operation === 'read') {
      this.req.events.operationStart({ address: change.address, operation });
      try {
        const r = await this.retrying(change.provider, 'read', change.address, operation, () =>
          provider.readData!({ type: change.type, config }),
        );
        this.applied.add(change.address);
        this.setCurrent(change.address, change.block, r.state, ev.sensitivePaths);
        this.req.events.operationEnd({ address: change.address, operation, outcome: 'ok' });
        return true;
      } catch (e) {
        return this.fail(change, operation, describe(e), e);
      }
    }

    const prior = change.action === 'update' ? this.fillRedacted(change.address, change.before!) : null;
    const schema = provider.getSchema().resources[change.type]!;
    const final = provider.planResource
      ? provider.planResource({ type: change.type, prior, config, providerConfig: this.req.providerConfigs.get(change.provider) ?? {} })
      : defaultPlanResource(schema, prior, config);
    const mismatch = firstMismatch(change.after ?? {}, final.planned);
    if (mismatch) {
      return this.fail(
        change,
        operation,
        `the planned value of ${pathToString(mismatch)} changed between plan and apply; run "hl plan" again`,
      );
    }
    const planned = final.planned;
    const progress = (message: string): void => this.req.events.operationProgress({ address: change.address, operation, message });
    const sensitivePaths = change.afterSensitive;

    this.req.events.operationStart({ address: change.address, operation });
    const { store } = this.req;
    if (operation === 'create') {
      let identity: Record<string, Value> | undefined;
      try {
        if (provider.reserve) identity = (await provider.reserve({ type: change.type, planned, progress })).identity;
      } catch (e) {
        return this.fail(change, operation, describe(e), e);
      }
      // waiting for the disk holds no place: other operations journal meanwhile (one fsync for all)
      const intent = await controls.idle(
        store.beginIntent({
          address: change.address,
          operation: 'create',
          type: change.type,
          provider: change.provider,
          planned,
          ...(identity ? { identity } : {}),
        }),
      );
      try {
        const res = await this.retrying(change.provider, 'write', change.address, operation, () =>
          provider.create({ type: change.type, planned, progress, ...(identity ? { identity } : {}) }),
        );
        const resource = this.resourceState(change, res.id, res.state, sensitivePaths);
        // with an identity a lost completion is found again by provider.recover
        await store.completeIntent(intent, { kind: 'applied', resource }, { waitForDisk: !(identity && provider.recover) });
        this.afterApplied(change, res.state, planned, sensitivePaths);
        this.req.events.operationEnd({ address: change.address, operation, outcome: 'ok', id: res.id });
        return true;
      } catch (e) {
        const partial = e instanceof ProviderError ? e.options.partial : undefined;
        if (partial) {
          // The object was made but not finished: recorded as it is, tainted (as Terraform does),
          // so the next plan replaces it with one made whole; a finished-looking object whose
          // create defaults never took (a guest never started) would otherwise plan as no change.
          await this.recordPartial(change, intent, partial, sensitivePaths, 'tainted');
          return this.fail(
            change,
            operation,
            `${describe(e)}; the object was made (id ${partial.id}) and is recorded in state as tainted: the next plan replaces it`,
            e,
          );
        }
        // The create may have taken effect with its answer lost: ask before calling it failed.
        let found: Awaited<ReturnType<NonNullable<typeof provider.recover>>> = null;
        if (identity && provider.recover) {
          try {
            const recover = provider.recover.bind(provider);
            const known = identity;
            found = await this.retrying(change.provider, 'read', change.address, operation, () =>
              recover({ type: change.type, identity: known, planned }),
            );
          } catch (recoverError) {
            // Unknown whether it exists: the intent stays open, and the next run asks again.
            return this.fail(
              change,
              operation,
              `${describe(e)}; whether the object was made anyway could not be checked (${describe(recoverError)}): the next run checks again before creating anything`,
              e,
            );
          }
        }
        if (found) {
          const resource = this.resourceState(change, found.id, found.state, sensitivePaths);
          await store.completeIntent(intent, { kind: 'applied', resource });
          this.afterApplied(change, found.state, planned, sensitivePaths);
          this.diagnostics.push({
            ...warning(`${change.address}: the create reported an error (${describe(e)}), but the object exists; it was recorded in state`),
            address: change.address,
          });
          this.req.events.operationEnd({ address: change.address, operation, outcome: 'ok', id: found.id });
          return true;
        }
        await store.completeIntent(intent, { kind: 'failed', message: describe(e) });
        return this.fail(change, operation, describe(e), e);
      }
    }
    const id = change.id!;
    const intent = await controls.idle(
      store.beginIntent({ address: change.address, operation: 'update', type: change.type, provider: change.provider, id, planned }),
    );
    try {
      const res = await this.retrying(change.provider, 'write', change.address, operation, () =>
        provider.update({ type: change.type, id, prior: prior!, planned, progress }),
      );
      // a migration gives the object a new id (a guest's is node/vmid)
      const now = res.id ?? id;
      const resource = this.resourceState(change, now, res.state, sensitivePaths);
      // a lost completion of an update is reconciled by a read
      await store.completeIntent(intent, { kind: 'applied', resource }, { waitForDisk: false });
      this.afterApplied(change, res.state, planned, sensitivePaths);
      this.req.events.operationEnd({ address: change.address, operation, outcome: 'ok', id: now });
      return true;
    } catch (e) {
      const partial = e instanceof ProviderError ? e.options.partial : undefined;
      if (partial) {
        // Part of the update was made: record the object as it really is.
        await this.recordPartial(change, intent, partial, sensitivePaths, 'ready');
        return this.fail(
          change,
          operation,
          `${describe(e)}; what was changed is recorded in state: the next plan shows what is left to do`,
          e,
        );
      }
      await store.completeIntent(intent, { kind: 'failed', message: describe(e) });
      return this.fail(change, operation, describe(e), e);
    }
  }

  /** Records an object an operation changed before it failed, as it really is, closing the intent. */
  private async recordPartial(
    change: ResourceChange,
    intent: Parameters<ApplyStore['completeIntent']>[0],
    partial: NonNullable<ProviderError['options']['partial']>,
    sensitivePaths: Path[],
    status: ResourceState['status'],
  ): Promise<void> {
    const resource: ResourceState = { ...this.resourceState(change, partial.id, partial.state, sensitivePaths), status };
    await this.req.store.completeIntent(intent, { kind: 'applied', resource });
    this.setCurrent(change.address, change.block, partial.state, sensitivePaths);
  }

  private afterApplied(change: ResourceChange, state: Attributes, planned: Attributes, sensitivePaths: Path[]): void {
    this.applied.add(change.address);
    this.setCurrent(change.address, change.block, state, sensitivePaths);
    const bad = firstMismatch(planned, state);
    if (bad) {
      this.diagnostics.push({
        ...warning(
          `Provider produced an inconsistent result for ${change.address}: ${pathToString(bad)} was planned as ${show(getPath(planned, bad), bad, sensitivePaths)} but is ${show(getPath(state, bad), bad, sensitivePaths)}`,
          undefined,
          `This is a bug in the "${change.provider}" provider. The object's real attributes were recorded in state.`,
        ),
        address: change.address,
      });
    }
  }

  private async runDelete(change: ResourceChange, controls: VisitControls): Promise<boolean> {
    if (this.refactored.failed.has(change.address)) return false; // its move failed: reported
    const provider = this.req.providers.get(change.provider);
    if (!provider) return this.fail(change, 'delete', `provider "${change.provider}" is not configured`);
    const { store } = this.req;
    const id = change.id!;
    // The old half of a create-before-destroy: the create recorded it as deposed.
    const replaced = change.action === 'create-delete';
    const old = replaced ? deposedById(store.getResource(change.address), id) : undefined;
    if (replaced && !old) {
      this.diagnostics.push({
        ...warning(`${change.address}: the replaced object ${id} was not deleted: the new object has the same id`),
        address: change.address,
      });
      return true;
    }
    const prior = old?.attributes ?? this.fillRedacted(change.address, change.before!);
    this.req.events.operationStart({ address: change.address, operation: 'delete' });
    const intent = await controls.idle(
      store.beginIntent({ address: change.address, operation: 'delete', type: change.type, provider: change.provider, id }),
    );
    try {
      await this.retrying(change.provider, 'write', change.address, 'delete', () =>
        provider.delete({
          type: change.type,
          id,
          prior,
          progress: (message) => this.req.events.operationProgress({ address: change.address, operation: 'delete', message }),
        }),
      );
      if (old) {
        // the new object owns the address: only the deposed entry goes
        await store.completeIntent(intent, { kind: 'applied', resource: withoutDeposed(store.getResource(change.address)!, old.key) });
      } else await store.completeIntent(intent, { kind: 'deleted', address: change.address }, { waitForDisk: false });
      if (change.action === 'delete') this.setCurrent(change.address, change.block, null, []);
      this.req.events.operationEnd({ address: change.address, operation: 'delete', outcome: 'ok', id });
      return true;
    } catch (e) {
      await store.completeIntent(intent, { kind: 'failed', message: describe(e) });
      return this.fail(change, 'delete', describe(e), e);
    }
  }

  /** Deletes an object an earlier create-before-destroy replacement left deposed in state. */
  private async runDeposedDelete(d: DeposedDelete, controls: VisitControls): Promise<boolean> {
    const label = deposedLabel(d);
    const failed = (message: string, cause?: unknown): false => this.fail({ ...d, label }, 'delete', message, cause);
    const provider = this.req.providers.get(d.provider);
    if (!provider) return failed(`provider "${d.provider}" is not configured`);
    const { store } = this.req;
    const entry = deposedById(store.getResource(d.address), d.id);
    if (!entry) throw new Error(`bug: the plan deletes deposed object ${d.key} of ${d.address}, which state does not hold`);
    this.req.events.operationStart({ address: label, operation: 'delete' });
    const intent = await controls.idle(
      store.beginIntent({ address: d.address, operation: 'delete', type: d.type, provider: d.provider, id: d.id }),
    );
    try {
      await this.retrying(d.provider, 'write', label, 'delete', () =>
        provider.delete({
          type: d.type,
          id: d.id,
          prior: entry.attributes,
          progress: (message) => this.req.events.operationProgress({ address: label, operation: 'delete', message }),
        }),
      );
      await store.completeIntent(intent, { kind: 'applied', resource: withoutDeposed(store.getResource(d.address)!, entry.key) });
      this.req.events.operationEnd({ address: label, operation: 'delete', outcome: 'ok', id: d.id });
      return true;
    } catch (e) {
      await store.completeIntent(intent, { kind: 'failed', message: describe(e) });
      return failed(describe(e), e);
    }
  }

  /**
   * The state entry of a create's or update's result, keeping the address's deposed objects;
   * for a create-before-destroy replacement, with the replaced object recorded as deposed in
   * the same journal line (so a crash before its delete leaves it in state, for the next plan
   * to delete). Read from the store at the moment of completing, so that concurrent deposed
   * deletes on the address are kept.
   */
  private resourceState(change: ResourceChange, id: string, attributes: Attributes, sensitivePaths: Path[]): ResourceState {
    const r = resourceStateEntry(change, id, attributes, sensitivePaths);
    const current = this.req.store.getResource(change.address);
    if (!current) return r;
    if (change.action === 'create-delete' && current.id !== id) return withDeposed(r, current);
    // deposed objects of earlier replacements stay until their own deletes
    return current.deposed ? { ...r, deposed: current.deposed } : r;
  }

  /**
   * A provider call, sent again as the retry policy allows (reads when retryable, writes when
   * safe to retry), each wait shown as progress.
   */
  private retrying<T>(providerKey: string, kind: CallKind, label: string, operation: OperationKind, call: () => Promise<T>): Promise<T> {
    const log = this.req.callLog?.(providerKey);
    return retryProviderCall(kind, call, {
      ...(this.req.retry ? { policy: this.req.retry } : {}),
      // HL_LOG: each retry of the operation, as the clients' own retries are
      ...(log ? { log, call: `${operation} ${label}` } : {}),
      onRetry: (e, attempt, delayMs) =>
        this.req.events.operationProgress({
          address: label,
          operation,
          message: `${e.message}; trying again in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1})`,
        }),
    });
  }

  /** Reports a failed operation; `label` names it when it is not the address itself (a deposed object). */
  private fail(
    change: Pick<ResourceChange, 'address' | 'provider'> & { label?: string },
    operation: OperationKind,
    message: string,
    cause?: unknown,
  ): false {
    const bug = cause !== undefined && !(cause instanceof ProviderError);
    const label = change.label ?? change.address;
    this.diagnostics.push({
      ...error(
        `${label}: ${operation} failed: ${message}`,
        undefined,
        bug
          ? `This looks like a bug in the "${change.provider}" provider.${cause instanceof Error && cause.stack ? `\n${cause.stack}` : ''}`
          : undefined,
      ),
      address: change.address,
    });
    this.req.events.operationEnd({ address: label, operation, outcome: 'error', message });
    return false;
  }

  private async writeOutputs(): Promise<void> {
    const outputs: Record<string, OutputState> = {};
    for (const o of this.req.config.outputs.values()) {
      const r = evaluateNode(o.value, this.scope.context());
      if (r.diagnostics.some((d) => d.severity === 'error') || containsUnknown(r.value)) continue;
      outputs[o.name] = { value: r.value, sensitive: o.sensitive };
    }
    await this.req.store.setOutputs(outputs);
  }
}

function splitNode(node: string): ['apply' | 'delete', string] {
  const i = node.indexOf(':');
  return [node.slice(0, i) as 'apply' | 'delete', node.slice(i + 1)];
}

function verb(c: ResourceChange): string {
  switch (c.action) {
    case 'create':
      return 'created';
    case 'update':
      return 'updated';
    case 'delete':
      return 'destroyed';
    case 'read':
      return 'read';
    default:
      return 'replaced';
  }
}

/** The first path where a known planned value differs from `actual`. */
function firstMismatch(planned: Value, actual: Value | undefined, path: Path = []): Path | undefined {
  if (isUnknown(planned) || isRedacted(planned)) return undefined;
  if (isValueMap(planned)) {
    if (!isValueMap(actual)) return path;
    for (const [k, v] of Object.entries(planned)) {
      const m = firstMismatch(v, actual[k] ?? null, [...path, k]);
      if (m) return m;
    }
    return undefined;
  }
  if (Array.isArray(planned)) {
    if (!Array.isArray(actual) || actual.length !== planned.length) return path;
    for (let i = 0; i < planned.length; i++) {
      const m = firstMismatch(planned[i]!, actual[i], [...path, i]);
      if (m) return m;
    }
    return undefined;
  }
  return valueEquals(planned, actual ?? null) ? undefined : path;
}

function show(v: Value | undefined, path: Path, sensitive: Path[]): string {
  if (sensitive.some((p) => p.every((s, i) => s === path[i]))) return '(sensitive value)';
  return JSON.stringify(v ?? null);
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
