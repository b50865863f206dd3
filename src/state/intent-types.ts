/**
 * Intents: what the executor is about to ask a provider to do, made durable before the call
 * so that a crash in the middle (kill -9, power cut) leaves a record the next run reconciles
 * (adopt the resource into state, or drop the intent) instead of an orphan.
 */
import type { Attributes, Value } from '../core/value.js';
import type { ResourceState } from './state-types.js';

export type IntentOperation = 'create' | 'update' | 'delete';

export interface IntentInput {
  /** Instance address: `proxmox_vm.k3s["pve"]`. */
  address: string;
  operation: IntentOperation;
  type: string;
  /** Provider key: `proxmox`, `kuma.fun-bedbug`. */
  provider: string;
  /** The identity chosen up front (e.g. Proxmox node and VMID), so a lost create can be found. */
  identity?: Record<string, Value>;
  /** The provider's id, when the object already exists (update, delete). */
  id?: string;
  /** Planned attributes; may contain unknowns. */
  planned?: Attributes;
}

/** An intent with no recorded outcome. */
export interface PendingIntent extends IntentInput {
  intentId: string;
}

export type IntentOutcome =
  | { kind: 'applied'; resource: ResourceState }
  | { kind: 'deleted'; address: string }
  /** `taint`: the object exists half-made; it is kept in state as tainted so the next plan replaces it. */
  | { kind: 'failed'; message: string; taint?: ResourceState };

/** What reconciliation decided for a pending intent left by an earlier run. */
export type PendingResolution = { kind: 'adopted'; resource: ResourceState } | { kind: 'dropped' };
