/**
 * What a plan's refactoring blocks ask of state, done before any other operation of the
 * apply (before accepting drift, before the first provider write), each a journalled step of
 * the state store, so a crash between two leaves state consistent and the next plan sees
 * what is left: moves rename entries (`previousAddress` → address, as `hl state mv`; the
 * order found so a chain never lands on an address still held), forgets drop entries without
 * calling the provider, imports read the object again (the saved plan holds no sensitive
 * values) and record it; the change planned for it (an update) then runs as any other.
 * A step already done by an interrupted run is recognised and skipped.
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { Plan, ResourceChange } from '../plan/plan-types.js';
import { ProviderError, type Provider } from '../provider/contract.js';
import { retryProviderCall, type RetryPolicy } from '../provider/retry-provider-call.js';
import type { ApplyEvents } from './apply-events.js';
import type { ApplyStore } from './apply-store.js';
import { resourceStateEntry } from './resource-state-entry.js';

export interface RefactoringRequest {
  plan: Plan;
  store: ApplyStore;
  providers: ReadonlyMap<string, Provider>;
  events: ApplyEvents;
  retry?: RetryPolicy;
}

export interface RefactoringResult {
  moved: number;
  imported: number;
  forgotten: number;
  /** Addresses whose move or import failed: their planned change must not run. */
  failed: Set<string>;
  diagnostics: Diagnostic[];
}

export async function applyRefactorings(req: RefactoringRequest): Promise<RefactoringResult> {
  const result: RefactoringResult = { moved: 0, imported: 0, forgotten: 0, failed: new Set(), diagnostics: [] };
  if (req.plan.mode === 'refresh-only') return result;
  await applyMoves(req, result);
  for (const c of req.plan.changes) if (c.action === 'forget') await forget(req, c, result);
  for (const c of req.plan.changes) if (c.importing && !result.failed.has(c.address)) await importObject(req, c, result);
  return result;
}

async function applyMoves(req: RefactoringRequest, result: RefactoringResult): Promise<void> {
  const { store, events } = req;
  let pending = req.plan.changes.filter((c) => c.previousAddress !== undefined);
  while (pending.length > 0) {
    const waiting: ResourceChange[] = [];
    for (const c of pending) {
      const from = c.previousAddress!;
      const atFrom = store.getResource(from);
      if (!atFrom) {
        // moved by an interrupted run already (or the plan is stale: the saved-plan check says so)
        if (store.getResource(c.address)) result.moved++;
        else fail(result, req, c, 'move', `state holds nothing at ${from} to move`);
        continue;
      }
      if (store.getResource(c.address)) {
        waiting.push(c); // its place is still held by an object that moves on itself
        continue;
      }
      events.operationStart({ address: c.address, operation: 'move' });
      await store.moveResource(from, c.address);
      events.operationEnd({ address: c.address, operation: 'move', outcome: 'ok', id: atFrom.id });
      result.moved++;
    }
    if (waiting.length === pending.length) {
      for (const c of waiting) fail(result, req, c, 'move', `state still holds another object at ${c.address}`);
      return;
    }
    pending = waiting;
  }
}

async function forget(req: RefactoringRequest, c: ResourceChange, result: RefactoringResult): Promise<void> {
  const held = req.store.getResource(c.address);
  if (held && held.id === c.id) {
    req.events.operationStart({ address: c.address, operation: 'forget' });
    await req.store.removeResource(c.address);
    req.events.operationEnd({ address: c.address, operation: 'forget', outcome: 'ok', id: held.id });
  }
  result.forgotten++;
}

async function importObject(req: RefactoringRequest, c: ResourceChange, result: RefactoringResult): Promise<void> {
  const id = c.importing!.id;
  const held = req.store.getResource(c.address);
  if (held) {
    if (held.id === id)
      result.imported++; // imported by an interrupted run
    else fail(result, req, c, 'import', `state already holds object "${held.id}" at ${c.address}`);
    return;
  }
  const provider = req.providers.get(c.provider);
  if (!provider?.importResource) {
    fail(result, req, c, 'import', `provider "${c.provider}" cannot import ${c.type}`);
    return;
  }
  req.events.operationStart({ address: c.address, operation: 'import' });
  try {
    const importResource = provider.importResource.bind(provider) as NonNullable<Provider['importResource']>;
    const found = await retryProviderCall('read', () => importResource({ type: c.type, id }), req.retry ? { policy: req.retry } : {});
    if (!found.resource) {
      fail(result, req, c, 'import', `no ${c.type} with id "${id}" exists any more`);
      return;
    }
    await req.store.setResource(resourceStateEntry(c, found.resource.id, found.resource.state, c.beforeSensitive));
    req.events.operationEnd({ address: c.address, operation: 'import', outcome: 'ok', id: found.resource.id });
    result.imported++;
  } catch (e) {
    if (!(e instanceof ProviderError)) throw e;
    fail(result, req, c, 'import', e.message);
  }
}

function fail(result: RefactoringResult, req: RefactoringRequest, c: ResourceChange, operation: 'move' | 'import', message: string): void {
  result.failed.add(c.address);
  result.diagnostics.push({ ...error(`${c.address}: ${operation} failed: ${message}`), address: c.address });
  req.events.operationEnd({ address: c.address, operation, outcome: 'error', message });
}
