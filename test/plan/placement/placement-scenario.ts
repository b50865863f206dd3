/**
 * Plans a config of fake guests against a state and a cluster read (placement facts), in
 * memory: the planner's placement hooks with the fake provider's placed types.
 */
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { formatLocation } from '../../../src/core/diagnostic.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import { buildConfigGraph } from '../../../src/graph/build-config-graph.js';
import { makePlan, type PlanRequest } from '../../../src/plan/planner.js';
import { plannerOf } from '../../../src/plan/planner-provider.js';
import type { PlacementThresholds, Plan, ResourceChange } from '../../../src/plan/plan-types.js';
import type { PlacementFacts } from '../../../src/provider/placement.js';
import type { ResourceState, State } from '../../../src/state/state-types.js';
import { FakeProvider } from '../../../providers/fake/fake-provider.js';

export interface PlacementScenario {
  yaml: string;
  state?: ResourceState[];
  /** The fake provider's cluster; absent: not read. */
  facts?: PlacementFacts;
  unread?: string;
  thresholds?: PlacementThresholds;
  refresh?: boolean;
  mode?: Plan['mode'];
  targets?: string[];
}

export interface PlacementOutcome {
  plan?: Plan;
  diagnostics: Diagnostic[];
  /** Errors as `file:line:col summary`. */
  errors: string[];
  warnings: string[];
  change(address: string): ResourceChange;
}

export function guestState(address: string, attributes: Record<string, unknown>, id: string): ResourceState {
  const [type, rest] = address.split('.') as [string, string];
  const m = /^([\w-]+)(?:\[(.+)\])?$/.exec(rest)!;
  const index = m[2] === undefined ? null : m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : Number(m[2]);
  return {
    address,
    mode: 'managed',
    type,
    name: m[1]!,
    index,
    provider: 'fake',
    id,
    attributes: { serial: 0, ...attributes, id } as ResourceState['attributes'],
    sensitivePaths: [],
    dependencies: [],
    status: 'ready',
  };
}

export function planPlacement(s: PlacementScenario): PlacementOutcome {
  const parsed = parseConfig([{ path: 'main.yaml', text: s.yaml }]);
  if (!parsed.config) throw new Error(parsed.diagnostics.map((d) => d.summary).join('\n'));
  const g = buildConfigGraph(parsed.config);
  if (!g.graph) throw new Error(g.diagnostics.map((d) => d.summary).join('\n'));
  const state: State = { version: 1, lineage: '11111111-1111-4111-8111-111111111111', serial: 1, hlVersion: 'test', resources: s.state ?? [], outputs: {} };
  const req: PlanRequest = {
    config: parsed.config,
    graph: g.graph,
    variables: new Map(),
    state,
    dataResults: new Map(),
    providers: new Map([['fake', plannerOf(new FakeProvider(), {})]]),
    mode: s.mode ?? 'normal',
    targets: s.targets ?? [],
    replace: [],
    refresh: s.refresh ?? true,
    hlVersion: 'test',
    configHash: 'hash',
    paths: { root: '/tmp', cwd: '/tmp' },
  };
  if (s.facts) req.placement = new Map([['fake', s.facts]]);
  if (s.unread) req.placementUnread = new Map([['fake', s.unread]]);
  if (s.thresholds) req.placementThresholds = s.thresholds;
  const r = makePlan(req);
  const text = (sev: string) =>
    r.diagnostics.filter((d) => d.severity === sev).map((d) => `${d.location ? `${formatLocation(d.location)} ` : ''}${d.summary}`);
  return {
    ...(r.plan ? { plan: r.plan } : {}),
    diagnostics: r.diagnostics,
    errors: text('error'),
    warnings: text('warning'),
    change: (address) => {
      const c = r.plan?.changes.find((x) => x.address === address);
      if (!c) throw new Error(`no change for ${address}: ${text('error').join('; ')}`);
      return c;
    },
  };
}
