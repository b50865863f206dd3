/**
 * Planning at the edge: refresh through the providers, read each cluster's capacity (for
 * placement), then the pure planner, reading data sources it asks for and planning again
 * until it has everything.
 */
import pLimit from 'p-limit';
import { error, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import type { Attributes } from '../core/value.js';
import { makePlan, type PlanRequest } from '../plan/planner.js';
import type { Plan } from '../plan/plan-types.js';
import type { State } from '../state/state-types.js';
import type { Project } from './project.js';
import type { RefreshRead } from './engine-events.js';
import type { ProviderSession } from './provider-session.js';
import { checkPlanLive } from './live-plan-checks.js';
import { refreshState, retryLog } from './refresh.js';
import { readImports } from './plan-imports.js';
import type { ImportedObject } from '../plan/planned-imports.js';
import { unreachableDiagnostic } from './unreachable-provider.js';
import { ProviderError } from '../provider/contract.js';
import { retryProviderCall, type RetryPolicy } from '../provider/retry-provider-call.js';
import { precompiledValidator } from './precompiled-validators.js';
import { readPlacementFacts } from './read-placement.js';
import type { PlacementThresholds } from '../plan/plan-types.js';

export interface PlanOptions {
  mode: Plan['mode'];
  targets: string[];
  replace: string[];
  refresh: boolean;
  parallelism: number;
  hlVersion: string;
  /** When the plan is made (RFC 3339), recorded in it. */
  createdAt?: string;
  /** How failed reads are retried (tests shorten the waits). */
  retry?: RetryPolicy;
  /** Told as each read of the refresh starts. */
  refreshProgress?: (read: RefreshRead) => void;
  /** When the capacity table warns (the placement policy rules' limits); the planner's defaults otherwise. */
  placementThresholds?: PlacementThresholds;
}

const MAX_DATA_ROUNDS = 20;

export async function planProject(
  project: Project,
  state: State,
  session: ProviderSession,
  opts: PlanOptions,
): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  let refreshed: Map<string, Attributes | null> | undefined;
  let movedIds: Map<string, string> | undefined;
  let unreadable: Map<string, string> | undefined;
  if (opts.refresh) {
    const r = await refreshState(state, session.providers, {
      parallelism: opts.parallelism,
      providerLocation: (key) => project.config.providers.get(key)?.loc,
      providerConfig: (key) => session.configs.get(key),
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.refreshProgress ? { progress: opts.refreshProgress } : {}),
      callLog: (key) => session.callLogs?.get(key),
    });
    // the planner says itself which instances it leaves alone because they could not be read
    for (const d of r.diagnostics)
      if (!(d.severity === 'warning' && d.address !== undefined && r.unreadable.has(d.address))) diagnostics.push(d);
    // a provider that cannot be reached at all stops the plan; one unreadable object does not
    if (hasErrors(r.diagnostics)) return { diagnostics };
    refreshed = r.refreshed;
    if (r.movedIds.size > 0) movedIds = r.movedIds;
    if (r.unreadable.size > 0) unreadable = r.unreadable;
  }
  // import blocks: their objects are read now and planned as priors (plan-imports.ts)
  let imported: Map<string, ImportedObject> | undefined;
  if (opts.mode === 'normal' && project.config.imports.length > 0) {
    const r = await readImports(project, state, session, { parallelism: opts.parallelism, ...(opts.retry ? { retry: opts.retry } : {}) });
    diagnostics.push(...r.diagnostics);
    if (hasErrors(r.diagnostics)) return { diagnostics };
    if (r.imported.size > 0) imported = r.imported;
  }
  // each cluster's capacity, for node: auto and the capacity table (read-placement.ts)
  const placement =
    opts.mode === 'refresh-only'
      ? undefined
      : await readPlacementFacts(project.config, state, session.providers, {
          refresh: opts.refresh,
          ...(opts.retry ? { retry: opts.retry } : {}),
          callLog: (key) => session.callLogs?.get(key),
        });
  diagnostics.push(...(placement?.diagnostics ?? []));
  const dataResults = new Map<string, Attributes>();
  const limit = pLimit(Math.max(1, opts.parallelism));
  for (let round = 0; round < MAX_DATA_ROUNDS; round++) {
    const req: PlanRequest = {
      config: project.config,
      graph: project.graph,
      variables: project.variables,
      state,
      dataResults,
      providers: session.planners(),
      mode: opts.mode,
      targets: opts.targets,
      replace: opts.replace,
      refresh: opts.refresh,
      hlVersion: opts.hlVersion,
      configHash: project.configHash,
      paths: project.paths,
      readFile: project.readFile,
      precompiled: precompiledValidator,
    };
    if (refreshed) req.refreshed = refreshed;
    if (movedIds) req.movedIds = movedIds;
    if (unreadable) req.unreadable = unreadable;
    if (imported) req.imported = imported;
    if (opts.createdAt !== undefined) req.createdAt = opts.createdAt;
    if (placement && placement.facts.size > 0) req.placement = placement.facts;
    if (placement && placement.unread.size > 0) req.placementUnread = placement.unread;
    if (opts.placementThresholds) req.placementThresholds = opts.placementThresholds;
    const result = makePlan(req);
    if (!result.needData) {
      if (!result.plan) return { diagnostics: [...diagnostics, ...result.diagnostics] };
      const live = await checkPlanLive(result.plan, project.config, session.providers);
      const all = [...diagnostics, ...result.diagnostics, ...live];
      return hasErrors(live) ? { diagnostics: all } : { plan: result.plan, diagnostics: all };
    }
    /** Data sources of providers that cannot be reached, by provider key: one error per provider. */
    const unreachable = new Map<string, { error: ProviderError; addresses: string[] }>();
    const reads = await Promise.all(
      result.needData.map((d) =>
        limit(async () => {
          const provider = session.providers.get(d.provider);
          if (!provider?.readData) return error(`Provider "${d.provider}" cannot read data source ${d.address}`);
          try {
            const r = await retryProviderCall('read', () => provider.readData!({ type: d.type, config: d.config }), {
              ...(opts.retry ? { policy: opts.retry } : {}),
              ...retryLog(session.callLogs?.get(d.provider), `read data source ${d.address}`),
            });
            if (r.state === null) return error(`Data source ${d.address} found nothing matching its arguments`);
            dataResults.set(d.address, r.state);
            return undefined;
          } catch (e) {
            if (e instanceof ProviderError && e.options.unreachable) {
              const u = unreachable.get(d.provider) ?? { error: e, addresses: [] };
              u.addresses.push(d.address);
              unreachable.set(d.provider, u);
              return undefined;
            }
            return error(`Reading data source ${d.address} failed: ${(e as Error).message}`);
          }
        }),
      ),
    );
    const failed = reads.filter((x): x is Diagnostic => x !== undefined);
    for (const [key, u] of unreachable) {
      const what =
        u.addresses.length === 1
          ? `data source ${u.addresses[0]} could not be read`
          : `${u.addresses.length} data sources could not be read`;
      failed.unshift(unreachableDiagnostic(key, u.error, project.config.providers.get(key)?.loc, session.configs.get(key), what));
    }
    if (failed.length > 0) return { diagnostics: [...diagnostics, ...failed] };
  }
  return { diagnostics: [...diagnostics, error('Data sources kept depending on each other: planning gave up after 20 rounds')] };
}
