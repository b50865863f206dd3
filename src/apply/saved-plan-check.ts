/**
 * What `hl apply PLANFILE` checks of a saved plan against the locked state and the plan's own
 * configuration before it starts anything: every change names the object state holds at its
 * address (same id, type and provider), a create does not target an address state already
 * holds (unless the plan found that object gone), drift to accept is about the object state
 * holds, nothing protected by prevent_destroy (in the configuration or kept in state) is
 * destroyed or replaced, and each deposed object to delete is the one state records. A moved
 * object is looked for at its previous address; an imported one must not be in state yet.
 * The plan's integrity check (plan-codec.ts) is what keeps an edited plan out; these checks hold even against a plan signed by a buggy hl. Pure.
 */
import { blockAddress, parseAddress } from '../core/address.js';
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { Config } from '../config/config-types.js';
import type { Plan, ResourceChange } from '../plan/plan-types.js';
import type { ResourceState } from '../state/state-types.js';

export interface SavedPlanCheck {
  plan: Plan;
  /** The plan file, for messages. */
  file: string;
  /** The resource state holds at an address (the locked state, journal replayed). */
  stateAt(address: string): ResourceState | undefined;
  /** The configuration embedded in the plan, decoded. */
  config: Pick<Config, 'resources'>;
}

const DESTROYS = new Set<ResourceChange['action']>(['delete', 'delete-create', 'create-delete']);
const NEEDS_PRIOR = new Set<ResourceChange['action']>(['update', 'delete', 'delete-create', 'create-delete', 'forget']);
const HINT = 'Run "hl plan --out FILE" again and apply the new plan.';

/** The errors that refuse the plan (empty: it may be applied). */
export function checkSavedPlan(input: SavedPlanCheck): Diagnostic[] {
  const { plan, file, stateAt, config } = input;
  const problems: string[] = [];
  const seen = new Set<string>();
  // a moved object is where state holds it now, its previous address
  const previous = new Map(plan.changes.flatMap((c) => (c.previousAddress !== undefined ? [[c.address, c.previousAddress] as const] : [])));
  const held = (address: string): ResourceState | undefined => stateAt(previous.get(address) ?? address);
  for (const c of plan.changes) {
    const what = `${c.address} (${c.action})`;
    if (seen.has(c.address)) problems.push(`${c.address} is planned twice`);
    seen.add(c.address);
    const a = parseAddress(c.address);
    if (!a || a.mode !== c.mode || a.type !== c.type || a.name !== c.name || a.key !== c.index || blockAddress(a) !== c.block) {
      problems.push(`${what}: its address does not match its type, name and index`);
      continue;
    }
    if (c.mode === 'data') {
      if (c.action !== 'read' && c.action !== 'no-op') problems.push(`${what}: a data source can only be read`);
      continue;
    }
    const prior = held(c.address);
    const block = config.resources.get(c.block);
    if (c.previousAddress !== undefined && stateAt(c.address))
      problems.push(`${what}: it moves from ${c.previousAddress}, but state already holds an object at ${c.address}`);
    if (c.importing) {
      // imported by apply: state must not hold anything there yet
      if (prior)
        problems.push(`${what}: it imports ${JSON.stringify(c.importing.id)}, but state already holds ${JSON.stringify(prior.id)} there`);
    }
    if (prior) {
      if (c.type !== prior.type) problems.push(`${what}: state holds a ${prior.type} there, not a ${c.type}`);
      if (c.provider !== prior.provider) problems.push(`${what}: state manages it through provider ${prior.provider}, not ${c.provider}`);
    }
    if (!c.importing && (NEEDS_PRIOR.has(c.action) || (c.action === 'no-op' && c.id !== null))) {
      if (!prior) problems.push(`${what}: state holds no object at ${c.address}`);
      else if (c.id !== prior.id)
        problems.push(`${what}: the plan names object ${JSON.stringify(c.id)}, but state holds ${JSON.stringify(prior.id)} there`);
    }
    if (c.action === 'create' && prior && c.reason !== 'create_because_gone') {
      problems.push(`${what}: state already holds object ${JSON.stringify(prior.id)} at ${c.address}`);
    }
    if (c.action !== 'delete' && c.action !== 'no-op' && c.action !== 'forget') {
      if (block?.mode !== 'managed' || block.type !== c.type) problems.push(`${what}: the plan's configuration declares no ${c.block}`);
      else if (block.provider !== c.provider)
        problems.push(`${what}: the configuration gives it provider ${block.provider}, not ${c.provider}`);
    }
    if (DESTROYS.has(c.action) && (block?.lifecycle.preventDestroy || prior?.preventDestroy)) {
      problems.push(
        `${what}: it has lifecycle.prevent_destroy${block?.lifecycle.preventDestroy ? '' : ' (kept in state)'}, but the plan would ${c.action === 'delete' ? 'destroy' : 'replace'} it`,
      );
    }
  }
  // Accepted drift rewrites (or, for an object gone outside hl, forgets) the state entry.
  for (const d of plan.drift) {
    const prior = held(d.address);
    if (!prior) continue; // nothing to rewrite: apply skips it
    if (d.id !== prior.id || d.type !== prior.type || d.provider !== prior.provider) {
      problems.push(
        `${d.address} (drift): the plan names object ${JSON.stringify(d.id)}, but state holds ${JSON.stringify(prior.id)} there`,
      );
    }
  }
  for (const d of plan.deposed) {
    const prior = held(d.address);
    const object = prior?.deposed?.find((o) => o.key === d.key);
    if (!prior || !object) problems.push(`${d.address} (deposed object ${d.key}): state holds no such deposed object`);
    else if (object.id !== d.id || prior.type !== d.type || prior.provider !== d.provider) {
      problems.push(
        `${d.address} (deposed object ${d.key}): the plan names ${JSON.stringify(d.id)}, but state records ${JSON.stringify(object.id)}`,
      );
    }
  }
  if (problems.length === 0) return [];
  return [error(`Saved plan ${file} does not match the state it would be applied to: ${problems.join('; ')}`, undefined, HINT)];
}
