/**
 * Recovery after a crash: every intent left pending in the journal is settled by asking
 * the provider what really happened. A create whose object exists is adopted into state;
 * one that never happened is dropped; an interrupted update keeps the live attributes; an
 * interrupted delete forgets the object if it is gone. Nothing is ever re-sent here.
 */
import { parseAddress } from '../core/address.js';
import { warning, type Diagnostic } from '../core/diagnostic.js';
import type { Attributes } from '../core/value.js';
import type { Provider } from '../provider/contract.js';
import type { PendingIntent } from '../state/intent-types.js';
import type { ResourceState } from '../state/state-types.js';
import type { StateStore } from '../state/state-store.js';

export interface Recovery {
  address: string;
  operation: PendingIntent['operation'];
  result: 'adopted' | 'dropped' | 'forgotten' | 'refreshed' | 'unresolved';
  id?: string;
}

export async function reconcileJournal(
  store: StateStore,
  providers: ReadonlyMap<string, Provider>,
): Promise<{ recoveries: Recovery[]; diagnostics: Diagnostic[] }> {
  const recoveries: Recovery[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const intent of store.pendingIntents()) {
    const provider = providers.get(intent.provider);
    if (!provider) {
      diagnostics.push(
        warning(
          `An interrupted ${intent.operation} of ${intent.address} could not be checked: provider "${intent.provider}" is not configured`,
          undefined,
          'Add the provider block back and run again; the intent stays in the journal until then.',
        ),
      );
      recoveries.push({ address: intent.address, operation: intent.operation, result: 'unresolved' });
      continue;
    }
    const existing = store.getResource(intent.address);
    if (intent.operation === 'create') {
      const found =
        provider.recover && intent.identity ? await provider.recover({ type: intent.type, identity: intent.identity, planned: intent.planned ?? {} }) : null;
      if (found) {
        await store.resolvePending(intent.intentId, { kind: 'adopted', resource: stateFor(intent, found.id, found.state, existing) });
        recoveries.push({ address: intent.address, operation: 'create', result: 'adopted', id: found.id });
      } else {
        await store.resolvePending(intent.intentId, { kind: 'dropped' });
        recoveries.push({ address: intent.address, operation: 'create', result: 'dropped' });
        if (!provider.recover || !intent.identity) {
          diagnostics.push(
            warning(
              `An interrupted create of ${intent.address} cannot be checked: provider "${intent.provider}" chose no identity up front`,
              undefined,
              'If the object was created, import it with "hl import".',
            ),
          );
        }
      }
      continue;
    }
    const id = intent.id ?? existing?.id;
    if (!id) {
      await store.resolvePending(intent.intentId, { kind: 'dropped' });
      recoveries.push({ address: intent.address, operation: intent.operation, result: 'dropped' });
      continue;
    }
    const live = await provider.read({ type: intent.type, id, prior: existing?.attributes ?? {} });
    if (live.state === null) {
      await store.resolvePending(intent.intentId, { kind: 'dropped' });
      if (existing && existing.id === id) await store.removeResource(intent.address);
      recoveries.push({ address: intent.address, operation: intent.operation, result: 'forgotten', id });
    } else {
      await store.resolvePending(intent.intentId, { kind: 'adopted', resource: stateFor(intent, id, live.state, existing) });
      recoveries.push({ address: intent.address, operation: intent.operation, result: 'refreshed', id });
    }
  }
  return { recoveries, diagnostics };
}

function stateFor(intent: PendingIntent, id: string, attributes: Attributes, existing: ResourceState | undefined): ResourceState {
  const addr = parseAddress(intent.address);
  return {
    address: intent.address,
    mode: addr?.mode ?? 'managed',
    type: intent.type,
    name: addr?.name ?? intent.address,
    index: addr?.key ?? null,
    provider: intent.provider,
    id,
    attributes,
    sensitivePaths: existing?.sensitivePaths ?? [],
    dependencies: existing?.dependencies ?? [],
    status: 'ready',
    ...(existing?.preventDestroy ? { preventDestroy: true } : {}),
    ...(existing?.createBeforeDestroy ? { createBeforeDestroy: true } : {}),
  };
}
