/**
 * What each Kuma resource type implements for the provider: its schema, the pure planning
 * parts, and the operations over an authenticated session. resource-handlers.ts adapts each
 * to a handler of the provider's router.
 */
import type { Attributes, Value } from '../../../src/core/value.js';
import type {
  AttributeProblem,
  CreateResponse,
  PlanResourceRequest,
  PlanResourceResponse,
  ResourceTypeSchema,
} from '../../../src/provider/contract.js';
import { ProviderError } from '../../../src/provider/contract.js';
import type { KumaSession } from '../connection/kuma-session.js';

export interface KumaResource {
  readonly type: string;
  readonly schema: ResourceTypeSchema;
  validate(config: Attributes, providerConfig: Attributes): AttributeProblem[];
  plan(req: PlanResourceRequest): PlanResourceResponse;
  /** What identifies the object before it exists (journaled before create, used by recover). */
  identity(planned: Attributes): Record<string, Value>;
  read(session: KumaSession, id: string, prior: Attributes | null): Promise<Attributes | null>;
  create(session: KumaSession, planned: Attributes): Promise<CreateResponse>;
  update(session: KumaSession, id: string, prior: Attributes, planned: Attributes): Promise<Attributes>;
  delete(session: KumaSession, id: string): Promise<void>;
  importResource(session: KumaSession, importId: string): Promise<{ id: string; state: Attributes } | null>;
  recover(session: KumaSession, identity: Record<string, Value>, planned: Attributes): Promise<CreateResponse | null>;
}

export type ImportKey = { id: number } | { name: string };

/** `12` → by id; `name:My Monitor` → by name. */
export function parseImportId(type: string, text: string): ImportKey {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { id: Number(trimmed) };
  const m = /^name:(.+)$/s.exec(trimmed);
  if (m) return { name: m[1]! };
  throw new ProviderError(`cannot import ${type} "${text}": give its id (12) or its name as name:<name>`);
}

/** A numeric id from state, or a ProviderError. */
export function numericId(type: string, id: string): number {
  if (!/^\d+$/.test(id)) throw new ProviderError(`${type} id "${id}" is not a Kuma id (a number)`);
  return Number(id);
}

/** Several objects answer to one name: ask for an id instead. */
export function ambiguousName(type: string, name: string, ids: number[]): ProviderError {
  return new ProviderError(`${ids.length} ${type} objects are named ${JSON.stringify(name)} (ids ${ids.join(', ')}); import one by its id`);
}
