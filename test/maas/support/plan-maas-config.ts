/** Plans a YAML config against the real maas provider's pure parts (no server), for plan-time tests. */
import { parseConfig } from '../../../src/config/parse-config.js';
import { buildConfigGraph } from '../../../src/graph/build-config-graph.js';
import { makePlan, type PlanResult } from '../../../src/plan/planner.js';
import { plannerOf } from '../../../src/plan/planner-provider.js';
import type { ResourceState } from '../../../src/state/state-types.js';
import { MaasProvider } from '../../../providers/maas/maas-provider.js';

export function planMaasConfig(yaml: string, resources: ResourceState[] = []): PlanResult {
  const parsed = parseConfig([{ path: 'main.yaml', text: yaml }]);
  if (!parsed.config) throw new Error(parsed.diagnostics.map((d) => d.summary).join('; '));
  const g = buildConfigGraph(parsed.config);
  if (!g.graph) throw new Error(g.diagnostics.map((d) => d.summary).join('; '));
  return makePlan({
    config: parsed.config,
    graph: g.graph,
    variables: new Map(),
    state: { version: 1, lineage: '11111111-1111-4111-8111-111111111111', serial: 1, hlVersion: 'test', resources, outputs: {} },
    dataResults: new Map(),
    providers: new Map([['maas', plannerOf(new MaasProvider(), {})]]),
    mode: 'normal',
    targets: [],
    replace: [],
    refresh: false,
    hlVersion: 'test',
    configHash: 'hash',
    paths: { root: '/tmp', cwd: '/tmp' },
  });
}
