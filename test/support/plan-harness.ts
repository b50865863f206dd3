/**
 * Plans a config given as YAML text against a state, with fake providers, entirely in
 * memory: the engine's pure core from config to plan, for table-driven scenario tests.
 */
import type { Diagnostic } from '../../src/core/diagnostic.js';
import type { Attributes, Value } from '../../src/core/value.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { buildConfigGraph } from '../../src/graph/build-config-graph.js';
import type { ScopedValue } from '../../src/lang/eval-context.js';
import { makePlan, type PlanRequest } from '../../src/plan/planner.js';
import type { PlannerProvider } from '../../src/plan/planner-provider.js';
import type { Plan, ResourceChange } from '../../src/plan/plan-types.js';
import type { ImportedObject } from '../../src/plan/planned-imports.js';
import type { ResourceState, State } from '../../src/state/state-types.js';
import { FakeProvider } from '../../providers/fake/fake-provider.js';

export interface Scenario {
  yaml: string;
  state?: ResourceState[];
  refreshed?: Record<string, Attributes | null>;
  variables?: Record<string, Value>;
  sensitiveVariables?: string[];
  targets?: string[];
  replace?: string[];
  mode?: Plan['mode'];
  /** Nested sensitive paths to add to the fake_resource schema. */
  extraSensitivePaths?: (string | number)[][];
  /** Changes the fake provider's planner view (its schema, or a planResource of its own). */
  planner?: (p: PlannerProvider) => PlannerProvider;
  /** Instances whose refresh failed, with why. */
  unreadable?: Record<string, string>;
  /** Objects read for import blocks, by address (what the engine passes). */
  imported?: Record<string, ImportedObject>;
}

export function fakeState(address: string, attributes: Attributes, extra: Partial<ResourceState> = {}): ResourceState {
  const m = /^(\w+)\.([\w-]+)(?:\[(.+)\])?$/.exec(address)!;
  const index = m[3] === undefined ? null : m[3].startsWith('"') ? (JSON.parse(m[3]) as string) : Number(m[3]);
  return {
    address,
    mode: 'managed',
    type: m[1]!,
    name: m[2]!,
    index,
    provider: 'fake',
    id: String(attributes['id'] ?? `id-${address}`),
    attributes: { serial: 0, ...attributes, id: attributes['id'] ?? `id-${address}` },
    sensitivePaths: [],
    dependencies: [],
    status: 'ready',
    ...extra,
  };
}

export function planScenario(s: Scenario): { plan?: Plan; diagnostics: Diagnostic[]; change(address: string): ResourceChange } {
  const parsed = parseConfig([{ path: 'main.yaml', text: s.yaml }]);
  if (!parsed.config) return { diagnostics: parsed.diagnostics, change: () => { throw new Error('no plan'); } };
  const g = buildConfigGraph(parsed.config);
  if (!g.graph) return { diagnostics: [...parsed.diagnostics, ...g.diagnostics], change: () => { throw new Error('no plan'); } };
  const variables = new Map<string, ScopedValue>();
  for (const [name, decl] of parsed.config.variables) {
    const given = s.variables?.[name];
    const sensitive = decl.sensitive || (s.sensitiveVariables ?? []).includes(name);
    const value: Value = given !== undefined ? given : decl.default && decl.default.kind === 'scalar' ? decl.default.value : null;
    variables.set(name, sensitive ? { value, sensitivePaths: [[]] } : { value });
  }
  const provider = new FakeProvider();
  const schema = provider.getSchema();
  if (s.extraSensitivePaths) schema.resources['fake_resource']!.sensitivePaths = s.extraSensitivePaths;
  const base: PlannerProvider = { schema, providerConfig: {} };
  const planner = s.planner ? s.planner(base) : base;
  const state: State = { version: 1, lineage: '11111111-1111-4111-8111-111111111111', serial: 3, hlVersion: 'test', resources: s.state ?? [], outputs: {} };
  const req: PlanRequest = {
    config: parsed.config,
    graph: g.graph,
    variables,
    state,
    dataResults: new Map(),
    providers: new Map([['fake', planner]]),
    mode: s.mode ?? 'normal',
    targets: s.targets ?? [],
    replace: s.replace ?? [],
    refresh: s.refreshed !== undefined,
    hlVersion: 'test',
    configHash: 'hash',
    paths: { root: '/tmp', cwd: '/tmp' },
  };
  if (s.refreshed) req.refreshed = new Map(Object.entries(s.refreshed));
  if (s.unreadable) req.unreadable = new Map(Object.entries(s.unreadable));
  if (s.imported) req.imported = new Map(Object.entries(s.imported));
  let r = makePlan(req);
  if (r.needData) {
    const data = new Map<string, Attributes>();
    for (const d of r.needData) data.set(d.address, { name: d.config['name'] ?? null, id: `data-${String(d.config['name'])}`, echo: `echo:${String(d.config['name'])}` });
    r = makePlan({ ...req, dataResults: data });
  }
  const plan = r.plan;
  return {
    ...(plan ? { plan } : {}),
    diagnostics: r.diagnostics,
    change: (address) => {
      const c = plan?.changes.find((x) => x.address === address);
      if (!c) throw new Error(`no change for ${address}; have ${plan?.changes.map((x) => x.address).join(', ')}`);
      return c;
    },
  };
}
