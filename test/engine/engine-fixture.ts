/**
 * A planning and applying fixture for engine tests: the engine harness's store and fake
 * provider, planned through planProject (refresh, retries, unreadable resources) and applied
 * with an injected retry policy whose sleeper records the waits instead of waiting.
 */
import type { ApplyResult } from '../../src/apply/executor.js';
import type { ProviderSession } from '../../src/engine/provider-session.js';
import { planProject } from '../../src/engine/run-plan.js';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import type { Plan } from '../../src/plan/plan-types.js';
import { plannerOf } from '../../src/plan/planner-provider.js';
import type { RetryPolicy } from '../../src/provider/retry-provider-call.js';
import { StateStore } from '../../src/state/state-store.js';
import { newLineage } from '../../src/state/new-lineage.js';
import { makeHarness, type Harness } from '../support/engine-harness.js';

export interface EngineFixture extends Harness {
  /** Waits the retry policy asked for, in ms, in order. */
  sleeps: number[];
  retry: RetryPolicy;
  planLive(yaml: string): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }>;
  applyWithRetries(yaml: string): Promise<ApplyResult & { plan: Plan }>;
}

export function makeEngineFixture(): EngineFixture {
  const h = makeHarness();
  const sleeps: number[] = [];
  const retry: RetryPolicy = {
    attempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxRetryAfterMs: 60_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  };
  const session = (): ProviderSession => ({
    providers: new Map([['fake', h.provider]]),
    configs: new Map([['fake', {}]]),
    secrets: [],
    emulated: [],
    planners: () => new Map([['fake', plannerOf(h.provider, {})]]),
    close: async () => undefined,
  });
  return {
    ...h,
    sleeps,
    retry,
    async planLive(yaml) {
      const project = await h.load(yaml);
      const store = await StateStore.open(h.statePath, { hlVersion: 'test', newLineage, readOnly: true });
      return planProject(project, store.state, session(), { mode: 'normal', targets: [], replace: [], refresh: true, parallelism: 4, hlVersion: 'test', retry });
    },
    applyWithRetries(yaml) {
      return h.apply(yaml, { parallelism: 4, retry });
    },
  };
}
