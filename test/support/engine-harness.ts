/**
 * Runs plan and apply in-process against a real state store in a temporary directory,
 * with a FakeProvider whose calls are recorded: for executor tests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan, type ApplyResult } from '../../src/apply/executor.js';
import { silentEvents, type ApplyEvents } from '../../src/apply/apply-events.js';
import { projectFromFiles, type Project } from '../../src/engine/project.js';
import { makePlan } from '../../src/plan/planner.js';
import type { Plan } from '../../src/plan/plan-types.js';
import type { ImportedObject } from '../../src/plan/planned-imports.js';
import type { RetryPolicy } from '../../src/provider/retry-provider-call.js';
import { StateStore } from '../../src/state/state-store.js';
import { newLineage } from '../../src/state/new-lineage.js';
import { FakeProvider } from '../../providers/fake/fake-provider.js';
import { FakeWorld } from '../../providers/fake/fake-world.js';
import { plannerOf } from '../../src/plan/planner-provider.js';
import type { ConfigFile } from '../../src/config/config-types.js';
import type { ProviderCallLog } from '../../src/provider/call-log.js';

export interface Harness {
  dir: string;
  statePath: string;
  world: FakeWorld;
  provider: FakeProvider;
  /** One root file's text, or files (module files tagged with their directory). */
  load(yaml: string | ConfigFile[]): Promise<Project>;
  plan(yaml: string | ConfigFile[], opts?: { mode?: Plan['mode']; refresh?: boolean; imported?: ReadonlyMap<string, ImportedObject> }): Promise<{ project: Project; plan: Plan }>;
  apply(yaml: string | ConfigFile[], opts?: { parallelism?: number; events?: ApplyEvents; shouldStop?: () => boolean; mode?: Plan['mode']; retry?: RetryPolicy; imported?: ReadonlyMap<string, ImportedObject>; callLog?: (key: string) => ProviderCallLog | undefined }): Promise<ApplyResult & { plan: Plan; store: StateStore }>;
  openStore(): Promise<StateStore>;
}

export function makeHarness(latencyMs = 0): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'hl-engine-'));
  const statePath = join(dir, 'homelab.state.json');
  const world = new FakeWorld();
  const provider = new FakeProvider().useWorld(world, latencyMs);
  const h: Harness = {
    dir,
    statePath,
    world,
    provider,
    async load(yaml) {
      const files = typeof yaml === 'string' ? [{ path: 'main.yaml', text: yaml }] : yaml;
      const r = await projectFromFiles(files, dir, { vars: [], varFiles: [], env: {} });
      if (!r.project) throw new Error(r.diagnostics.map((d) => d.summary).join('\n'));
      return r.project;
    },
    openStore: () => StateStore.open(statePath, { hlVersion: 'test', newLineage }),
    async plan(yaml, opts = {}) {
      const project = await h.load(yaml);
      const store = await StateStore.open(statePath, { hlVersion: 'test', newLineage, readOnly: true });
      const refreshed = new Map<string, import('../../src/core/value.js').Attributes | null>();
      if (opts.refresh) for (const r of store.listResources()) refreshed.set(r.address, (await provider.read({ type: r.type, id: r.id, prior: r.attributes })).state);
      const result = makePlan({
        config: project.config,
        graph: project.graph,
        variables: project.variables,
        state: store.state,
        ...(opts.refresh ? { refreshed } : {}),
        dataResults: new Map(),
        providers: new Map([['fake', plannerOf(provider, {})]]),
        mode: opts.mode ?? 'normal',
        targets: [],
        replace: [],
        refresh: opts.refresh ?? false,
        hlVersion: 'test',
        configHash: project.configHash,
        paths: project.paths,
        ...(opts.imported ? { imported: opts.imported } : {}),
      });
      if (!result.plan) throw new Error(result.diagnostics.map((d) => `${d.summary} ${d.detail ?? ''}`).join('\n'));
      return { project, plan: result.plan };
    },
    async apply(yaml, opts = {}) {
      const { project, plan } = await h.plan(yaml, { ...(opts.mode ? { mode: opts.mode } : {}), ...(opts.imported ? { imported: opts.imported } : {}) });
      const store = await h.openStore();
      const result = await applyPlan({
        plan,
        config: project.config,
        graph: project.graph,
        variables: project.variables,
        store,
        providers: new Map([['fake', provider]]),
        providerConfigs: new Map([['fake', {}]]),
        parallelism: opts.parallelism ?? 10,
        events: opts.events ?? silentEvents,
        shouldStop: opts.shouldStop ?? (() => false),
        paths: project.paths,
        ...(opts.retry ? { retry: opts.retry } : {}),
        ...(opts.callLog ? { callLog: opts.callLog } : {}),
      });
      await store.checkpoint();
      await store.close();
      return { ...result, plan, store };
    },
  };
  return h;
}
