/**
 * Live plan-time checks: after the pure planner has decided what to create and update, each
 * provider that implements `checkPlan` is asked, with reads only, whether those changes can
 * succeed against what exists now (the storage, the bridge, the template, a free VMID). A
 * problem becomes an error located at the attribute in the config, so a plan that could not
 * be applied is refused before anything is destroyed.
 */
import { error, warning, type Diagnostic } from '../core/diagnostic.js';
import type { Config } from '../config/config-types.js';
import { findNodeAtPath } from '../yaml/node-path.js';
import type { Plan, ResourceChange } from '../plan/plan-types.js';
import { ProviderError, type PlannedChange, type Provider } from '../provider/contract.js';

/** The planned creates (replacements' create halves included) and updates, by provider key. */
export function plannedChangesByProvider(plan: Plan): Map<string, PlannedChange[]> {
  const out = new Map<string, PlannedChange[]>();
  for (const c of plan.changes) {
    const action = checkedAction(c);
    if (!action || c.after === null) continue;
    let list = out.get(c.provider);
    if (!list) out.set(c.provider, (list = []));
    const change: PlannedChange = {
      address: c.address,
      type: c.type,
      action,
      prior: action === 'update' ? c.before : null,
      planned: c.after,
    };
    if (action === 'create' && c.before) change.replaces = c.before;
    list.push(change);
  }
  return out;
}

function checkedAction(c: ResourceChange): PlannedChange['action'] | undefined {
  if (c.mode !== 'managed') return undefined;
  if (c.action === 'create' || c.action === 'delete-create' || c.action === 'create-delete') return 'create';
  if (c.action === 'update') return 'update';
  return undefined;
}

export async function checkPlanLive(plan: Plan, config: Config, providers: ReadonlyMap<string, Provider>): Promise<Diagnostic[]> {
  const byProvider = plannedChangesByProvider(plan);
  const blockOf = new Map(plan.changes.map((c) => [c.address, c.block]));
  const results = await Promise.all(
    [...byProvider].map(async ([key, changes]): Promise<Diagnostic[]> => {
      const provider = providers.get(key);
      if (!provider?.checkPlan) return [];
      try {
        const { problems } = await provider.checkPlan({ changes });
        return problems.map((p) => {
          const blockAddress = blockOf.get(p.address);
          const block = blockAddress ? config.resources.get(blockAddress) : undefined;
          const loc = block ? findNodeAtPath(block.body, p.path).node.loc : undefined;
          return { ...(p.severity === 'warning' ? warning : error)(`${p.address}: ${p.message}`, loc), address: p.address };
        });
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        return [
          error(
            `Provider "${key}" could not check the planned changes against the live system: ${e.message}`,
            config.providers.get(key)?.loc,
            'hl plan promises only what it could check; run it again once the provider answers.',
          ),
        ];
      }
    }),
  );
  return results.flat();
}
