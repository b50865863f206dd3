/**
 * `placement`: the balance of each cluster and the moves that would relieve its overloaded
 * nodes. Opens the project, the state (under the shared lock, as a plan does) and the
 * providers; reads each placement provider's facts (`readPlacement`: nodes, load, every
 * guest); takes the guests hl manages from state with what they ask of their node
 * (`placementDemand`) and where config sets their node, and what binds a guest to its node
 * from every provider's `nodeBindings` over state; the report itself is pure
 * (plan/placement/relief-moves.ts). Only reads: state is not written, nothing is changed.
 */
import { blockAddress } from '../core/address.js';
import { error, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import type { ResourceBlock } from '../config/config-types.js';
import {
  DEFAULT_OVERLOAD,
  reliefMoves,
  type ClusterPlacement,
  type ManagedGuest,
  type NodeInConfig,
  type OverloadThresholds,
} from '../plan/placement/relief-moves.js';
import { resolveMoves } from '../plan/moved-addresses.js';
import type { Provider } from '../provider/contract.js';
import type { NodeBinding } from '../provider/placement.js';
import type { ResourceState } from '../state/state-types.js';
import type { EngineEvents } from './engine-events.js';
import { loadProject, type Project } from './project.js';
import { readPlacementFacts } from './read-placement.js';
import type { VariableSources } from './project-variables.js';
import { attachProviders, withWorkspace, type WorkspaceOptions } from './workspace.js';

export interface PlacementOptions {
  workspace: WorkspaceOptions;
  config: string;
  variables: VariableSources;
  /** When a node counts as overloaded; what is left out takes its default (relief-moves.ts). */
  thresholds: Partial<OverloadThresholds>;
}

export interface PlacementResult {
  clusters: ClusterPlacement[];
}

/** The reports; undefined when it stopped at an error (reported). */
export async function placementOperation(opts: PlacementOptions, events: EngineEvents): Promise<PlacementResult | undefined> {
  return withWorkspace(opts.workspace, events, { operation: 'placement', write: false, shared: true }, async (ws) => {
    const loaded = await loadProject(opts.config, opts.variables);
    if (!loaded.project) {
      events.diagnostics(loaded.diagnostics, { files: loaded.files });
      return undefined;
    }
    const project = loaded.project;
    const thresholds = { ...DEFAULT_OVERLOAD, ...opts.thresholds };
    await attachProviders(ws, project, false, events);
    const providers = ws.session!.providers;
    // at the addresses the config's moved blocks give them, as the plan will
    const moves = resolveMoves(project.config.moved, ws.store.state.resources);
    const resources = hasErrors(moves.diagnostics) ? ws.store.state.resources : moves.resources;
    const managed = resources.filter((r) => r.mode === 'managed');
    const bindings = nodeBindings(providers, managed);
    const clusters: ClusterPlacement[] = [];
    const problems: Diagnostic[] = [];
    // each cluster read as a plan reads it (with its retries), as if refresh were on
    const read = await readPlacementFacts(project.config, ws.store.state, providers, {
      refresh: true,
      callLog: (key) => ws.session?.callLogs?.get(key),
    });
    for (const [key, why] of read.unread) {
      problems.push(error(`Provider "${key}" cannot report its cluster: ${why}`, project.config.providers.get(key)?.loc));
    }
    for (const [key, facts] of [...read.facts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const provider = providers.get(key)!;
      const guests = managedGuests(
        provider,
        managed.filter((r) => r.provider === key),
        project,
      );
      clusters.push({ provider: key, report: reliefMoves({ facts, guests, bindings, thresholds }) });
    }
    events.diagnostics([...ws.diagnostics.splice(0), ...problems], { files: project.files, redact: ws.redact });
    if (problems.length > 0) return undefined;
    return { clusters };
  });
}

/** What binds a guest to its node, from every provider that says so, over what state holds. */
function nodeBindings(providers: ReadonlyMap<string, Provider>, managed: readonly ResourceState[]): NodeBinding[] {
  const out: NodeBinding[] = [];
  for (const [key, provider] of providers) {
    if (!provider.nodeBindings) continue;
    const resources = managed
      .filter((r) => r.provider === key)
      .map((r) => ({ address: r.address, type: r.type, attributes: r.attributes }));
    if (resources.length > 0) out.push(...provider.nodeBindings({ resources }));
  }
  return out;
}

/** The guests of one provider instance in state, with their demand and where config sets their node. */
function managedGuests(provider: Provider, resources: readonly ResourceState[], project: Project): ManagedGuest[] {
  const out: ManagedGuest[] = [];
  for (const r of resources) {
    const demand = provider.placementDemand?.({ type: r.type, attributes: r.attributes });
    if (!demand) continue;
    const block = project.config.resources.get(blockAddress(r));
    const nodeInConfig = block ? nodeAttribute(block, demand.nodePath) : undefined;
    out.push({ address: r.address, id: r.id, demand, ...(nodeInConfig ? { nodeInConfig } : {}) });
  }
  return out;
}

/** The `node` attribute of a block (a top-level one: `nodePath` of one step), as written. */
function nodeAttribute(block: ResourceBlock, path: readonly (string | number)[]): NodeInConfig | undefined {
  if (path.length !== 1) return undefined;
  const entry = block.body.entries.find((e) => e.key === path[0]);
  if (!entry) return undefined;
  const v = entry.value;
  if (v.kind !== 'scalar') return { loc: entry.keyLoc, written: '(not a single value)', literal: false };
  const written = String(v.value);
  return { loc: entry.keyLoc, written, literal: typeof v.value === 'string' && !written.includes('${') };
}
