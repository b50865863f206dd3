/**
 * Test support: the engine's plan and apply in-process, with real providers (crucible, and
 * proxmox where a VM is involved) and a real state store with its journal in a temporary
 * directory: config → refresh → plan → apply, as `hl apply` does it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan, type ApplyResult } from '../../../src/apply/executor.js';
import { silentEvents } from '../../../src/apply/apply-events.js';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import type { Attributes } from '../../../src/core/value.js';
import { refreshState } from '../../../src/engine/refresh.js';
import { projectFromFiles, type Project } from '../../../src/engine/project.js';
import { makePlan } from '../../../src/plan/planner.js';
import { plannerOf, type PlannerProvider } from '../../../src/plan/planner-provider.js';
import type { Plan } from '../../../src/plan/plan-types.js';
import type { Provider } from '../../../src/provider/contract.js';
import { newLineage } from '../../../src/state/new-lineage.js';
import { StateStore } from '../../../src/state/state-store.js';

export interface EngineProvider {
  provider: Provider;
  config: Attributes;
}

export interface EngineRun {
  dir: string;
  statePath: string;
  load(yaml: string): Promise<Project>;
  /** Refresh + plan; the plan, or the diagnostics when planning failed. */
  plan(yaml: string, opts?: { mode?: Plan['mode'] }): Promise<{ plan?: Plan; diagnostics: Diagnostic[]; project: Project }>;
  apply(yaml: string, opts?: { mode?: Plan['mode'] }): Promise<ApplyResult & { plan: Plan }>;
  openStore(): Promise<StateStore>;
}

export function engineRun(providers: Record<string, EngineProvider>): EngineRun {
  const dir = mkdtempSync(join(tmpdir(), 'hl-crucible-engine-'));
  const statePath = join(dir, 'homelab.state.json');
  const live = new Map(Object.entries(providers).map(([k, p]) => [k, p.provider] as const));
  const planners = (): Map<string, PlannerProvider> => {
    const m = new Map<string, PlannerProvider>();
    for (const [key, { provider, config }] of Object.entries(providers)) m.set(key, plannerOf(provider, config));
    return m;
  };
  const run: EngineRun = {
    dir,
    statePath,
    async load(yaml) {
      const r = await projectFromFiles([{ path: 'main.yaml', text: yaml }], dir, { vars: [], varFiles: [], env: {} });
      if (!r.project) throw new Error(r.diagnostics.map((d) => `${d.summary} ${d.detail ?? ''}`).join('\n'));
      return r.project;
    },
    openStore: () => StateStore.open(statePath, { hlVersion: 'test', newLineage }),
    async plan(yaml, opts = {}) {
      const project = await run.load(yaml);
      const store = await StateStore.open(statePath, { hlVersion: 'test', newLineage, readOnly: true });
      const { refreshed, diagnostics: refreshDiags } = await refreshState(store.state, live, { parallelism: 4 });
      const result = makePlan({
        config: project.config,
        graph: project.graph,
        variables: project.variables,
        state: store.state,
        refreshed,
        dataResults: new Map(),
        providers: planners(),
        mode: opts.mode ?? 'normal',
        targets: [],
        replace: [],
        refresh: true,
        hlVersion: 'test',
        configHash: project.configHash,
        paths: project.paths,
      });
      await store.close();
      return { ...(result.plan ? { plan: result.plan } : {}), diagnostics: [...refreshDiags, ...result.diagnostics], project };
    },
    async apply(yaml, opts = {}) {
      const { plan, diagnostics, project } = await run.plan(yaml, opts);
      if (!plan) throw new Error(diagnostics.map((d) => `${d.summary} ${d.detail ?? ''}`).join('\n'));
      const store = await run.openStore();
      try {
        const result = await applyPlan({
          plan,
          config: project.config,
          graph: project.graph,
          variables: project.variables,
          store,
          providers: live,
          providerConfigs: new Map(Object.entries(providers).map(([k, p]) => [k, p.config] as const)),
          parallelism: 4,
          events: silentEvents,
          shouldStop: () => false,
          paths: project.paths,
        });
        await store.checkpoint();
        return { ...result, plan };
      } finally {
        await store.close();
      }
    },
  };
  return run;
}
