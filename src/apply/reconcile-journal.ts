/**
 * Recovery after a crash: every intent left pending in the journal is settled by asking
 * the provider what really happened. A create whose object exists is adopted into state;
 * one that never happened is dropped; an interrupted update keeps the live attributes; an
 * interrupted delete forgets the object if it is gone. Nothing is ever re-sent here. When the
 * provider cannot answer (the API fails), the intent stays pending and an error says so: the
 * run must not go on to plan a create of something that may already exist.
 */
import { parseAddress } from '../core/address.js';
import { error, warning, type Diagnostic } from '../core/diagnostic.js';
import type { Attributes } from '../core/value.js';
import { ProviderError, type Provider } from '../provider/contract.js';
import { retryProviderCall, type RetryPolicy } from '../provider/retry-provider-call.js';
import type { PendingIntent } from '../state/intent-types.js';
import { deposedById, withDeposed, withoutDeposed } from '../state/deposed-objects.js';
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
  retry?: RetryPolicy,
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
    try {
      await settle(store, retryingReads(provider, retry), intent, recoveries, diagnostics);
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      diagnostics.push(
        error(
          `An interrupted ${intent.operation} of ${intent.address} could not be checked: ${e.message}`,
          undefined,
          'It stays in the journal; nothing was changed. Run again when the provider answers.',
        ),
      );
      recoveries.push({ address: intent.address, operation: intent.operation, result: 'unresolved' });
    }
  }
  return { recoveries, diagnostics };
}

async function settle(
  store: StateStore,
  provider: Pick<Provider, 'read' | 'recover'>,
  intent: PendingIntent,
  recoveries: Recovery[],
  diagnostics: Diagnostic[],
): Promise<void> {
  const existing = store.getResource(intent.address);
  if (intent.operation === 'create') {
    const found =
      provider.recover && intent.identity
        ? await provider.recover({ type: intent.type, identity: intent.identity, planned: intent.planned ?? {} })
        : null;
    if (found) {
      const adopted = stateFor(intent, found.id, found.state, existing);
      // a create-before-destroy cut short: the object it replaces is kept, deposed
      const resource = existing && existing.id !== found.id ? withDeposed(adopted, existing) : adopted;
      await store.resolvePending(intent.intentId, { kind: 'adopted', resource });
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
    return;
  }
  const id = intent.id ?? existing?.id;
  if (!id) {
    await store.resolvePending(intent.intentId, { kind: 'dropped' });
    recoveries.push({ address: intent.address, operation: intent.operation, result: 'dropped' });
    return;
  }
  const leftover = intent.operation === 'delete' ? deposedById(existing, id) : undefined;
  if (existing && leftover) {
    // the delete of a deposed object: forget it if it is gone, else the next plan deletes it again
    const live = await provider.read({ type: intent.type, id, prior: leftover.attributes });
    if (live.state === null) {
      await store.resolvePending(intent.intentId, { kind: 'adopted', resource: withoutDeposed(existing, leftover.key) });
      recoveries.push({ address: intent.address, operation: 'delete', result: 'forgotten', id });
    } else {
      await store.resolvePending(intent.intentId, { kind: 'dropped' });
      recoveries.push({ address: intent.address, operation: 'delete', result: 'dropped', id });
    }
    return;
  }
  const live = await provider.read({ type: intent.type, id, prior: existing?.attributes ?? {} });
  if (live.state === null) {
    await store.resolvePending(intent.intentId, { kind: 'dropped' });
    if (existing && existing.id === id) await store.removeResource(intent.address);
    recoveries.push({ address: intent.address, operation: intent.operation, result: 'forgotten', id });
  } else {
    // an interrupted migration: the object is where the cluster says it is now (live.id)
    const now = live.id ?? id;
    await store.resolvePending(intent.intentId, { kind: 'adopted', resource: stateFor(intent, now, live.state, existing, id) });
    recoveries.push({ address: intent.address, operation: intent.operation, result: 'refreshed', id: now });
  }
}

/** The provider's reads (read, recover) as settling uses them: retried when they fail retryably. */
function retryingReads(provider: Provider, policy: RetryPolicy | undefined): Pick<Provider, 'read' | 'recover'> {
  const opts = policy ? { policy } : {};
  const recover = provider.recover?.bind(provider);
  return {
    read: (req) => retryProviderCall('read', () => provider.read(req), opts),
    ...(recover ? { recover: (req) => retryProviderCall('read', () => recover(req), opts) } : {}),
  } as Pick<Provider, 'read' | 'recover'>;
}

/** `formerId`: the id the object had before an interrupted operation moved it (its deposed objects stay with it). */
function stateFor(
  intent: PendingIntent,
  id: string,
  attributes: Attributes,
  existing: ResourceState | undefined,
  formerId = id,
): ResourceState {
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
    ...(existing?.deposed && existing.id === formerId ? { deposed: existing.deposed } : {}),
  };
}
