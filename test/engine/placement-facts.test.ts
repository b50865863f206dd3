/**
 * The engine reads each cluster's capacity for the plan: when refresh is on or a config says
 * node: auto, only for providers with placed types; a failed read is a warning (no table)
 * unless a config says auto. A migration planned with the facts applies as an update and converges.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { formatLocation } from '../../src/core/diagnostic.js';
import type { ProviderSession } from '../../src/engine/provider-session.js';
import { planProject } from '../../src/engine/run-plan.js';
import { plannerOf } from '../../src/plan/planner-provider.js';
import { StateStore } from '../../src/state/state-store.js';
import { newLineage } from '../../src/state/new-lineage.js';
import { makeHarness, type Harness } from '../support/engine-harness.js';
import { seedFacts } from '../plan/placement/seed-cluster.js';

function session(h: Harness): ProviderSession {
  return {
    providers: new Map([['fake', h.provider]]),
    configs: new Map([['fake', {}]]),
    secrets: [],
    emulated: [],
    planners: () => new Map([['fake', plannerOf(h.provider, {})]]),
    close: async () => undefined,
  };
}

/** Counts the provider's cluster reads. */
function countReads(h: Harness): { n: number } {
  const counter = { n: 0 };
  const read = h.provider.readPlacement.bind(h.provider);
  h.provider.readPlacement = async () => {
    counter.n++;
    return read();
  };
  return counter;
}

async function plan(h: Harness, yaml: string, refresh = true) {
  const project = await h.load(yaml);
  const store = await StateStore.open(h.statePath, { hlVersion: 'test', newLineage, readOnly: true });
  const retry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, sleep: async () => undefined, random: () => 0.5 };
  const r = await planProject(project, store.state, session(h), { mode: 'normal', targets: [], replace: [], refresh, parallelism: 2, hlVersion: 'test', retry });
  const text = (d: Diagnostic) => `${d.location ? `${formatLocation(d.location)} ` : ''}${d.summary}`;
  return { ...r, errors: r.diagnostics.filter((d) => d.severity === 'error').map(text), warnings: r.diagnostics.filter((d) => d.severity === 'warning').map(text) };
}

const GUEST = (node: string) => `
resources:
  fake_guest.docker:
    name: docker
    node: ${node}
    memory: 4096
    cores: 2
`;

describe('reading the clusters for placement', () => {
  it('with refresh on, a provider with a placed type is read once and the plan has its table', async () => {
    const h = makeHarness();
    h.provider.useCluster(seedFacts());
    const reads = countReads(h);
    const r = await plan(h, GUEST('pve'));
    expect(r.errors).toEqual([]);
    expect(reads.n).toBe(1);
    expect(r.plan!.placement!.providers.map((p) => p.provider)).toEqual(['fake']);
  });

  it('a config without placed types reads nothing; refresh off reads nothing unless a config says auto', async () => {
    const h = makeHarness();
    h.provider.useCluster(seedFacts());
    const reads = countReads(h);
    await plan(h, 'resources:\n  fake_resource.a:\n    name: a\n');
    expect(reads.n).toBe(0);
    const off = await plan(h, GUEST('pve'), false);
    expect(reads.n).toBe(0);
    expect(off.plan!.placement).toBeUndefined();
    const auto = await plan(h, GUEST('auto'), false);
    expect(reads.n).toBe(1);
    expect(auto.plan!.changes[0]!.after!['node']).toBe('pumped-piglet');
  });

  it('a failed read is a warning and no table, or an error at node: auto saying why', async () => {
    const h = makeHarness();
    h.provider.useCluster('cluster status unreachable');
    const r = await plan(h, GUEST('pve'));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['Provider "fake" could not read its cluster\'s capacity, so this plan has no capacity table: fake: cluster status unreachable']);
    expect(r.plan!.placement).toBeUndefined();
    const auto = await plan(h, GUEST('auto'));
    expect(auto.plan).toBeUndefined();
    expect(auto.warnings).toEqual([]);
    expect(auto.errors).toEqual([
      "main.yaml:5:11 fake_guest.docker: node: auto needs the cluster's capacity, and this plan has none: reading the cluster failed: fake: cluster status unreachable",
    ]);
  });

  it('a node change applies as a migration (an update in place) and the next plan has nothing to do', async () => {
    const h = makeHarness();
    await h.apply(GUEST('pve'));
    const [created] = h.world.list();
    h.provider.useCluster({ ...seedFacts(), objects: [{ id: created!.id, type: 'fake_guest', node: 'pve', memoryBytes: 4 * 1024 ** 3, vcpus: 2, cpuLoad: 0.1, running: true }] });
    const planned = await plan(h, GUEST('pumped-piglet'));
    const c = planned.plan!.changes[0]!;
    expect(c.action).toBe('update');
    expect(c.migration).toMatchObject({ from: 'pve', to: 'pumped-piglet' });
    const before = h.provider.calls.length;
    const applied = await h.apply(GUEST('pumped-piglet'));
    expect(applied.plan.changes[0]!.action).toBe('update');
    expect(h.provider.calls.slice(before).filter((x) => x.method === 'update')).toHaveLength(2);
    expect(h.provider.calls.slice(before).filter((x) => x.method === 'create' || x.method === 'delete')).toHaveLength(0);
    const again = await plan(h, GUEST('pumped-piglet'));
    expect(again.plan!.changes[0]!.action).toBe('no-op');
  });
});
