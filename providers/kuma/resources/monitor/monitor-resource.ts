/**
 * The `kuma_monitor` resource: create (`add`, then tags and pause), read (`getMonitor`,
 * mapped back to the managed fields; an unknown id is gone), update (read the full monitor,
 * merge, `editMonitor` the whole object, then tags and pause/resume), delete, import by id
 * or `name:`, and recovery of an interrupted create by name. Interval limits are checked
 * again against the real server's version before every write.
 */
import type { Attributes, Value } from '../../../../src/core/value.js';
import {
  ProviderError,
  type AttributeProblem,
  type CreateResponse,
  type PlanResourceRequest,
  type PlanResourceResponse,
  type ResourceTypeSchema,
} from '../../../../src/provider/contract.js';
import type { KumaSession } from '../../connection/kuma-session.js';
import type { KumaMonitorObject } from '../../protocol/monitor-cache.js';
import { limitsForStatedVersion } from '../../protocol/kuma-version.js';
import { kumaJsonSchemas } from '../../kuma-json-schemas.js';
import { monitorInventoryFacts } from '../../inventory-facts.js';
import { ambiguousName, numericId, parseImportId, type KumaResource } from '../kuma-resource.js';
import { MONITOR_ATTRIBUTE_SCHEMA } from './monitor-attributes.js';
import { addPayload, editPayload, monitorToAttributes } from './monitor-mapping.js';
import { planMonitor, statedVersion } from './monitor-plan.js';
import { nameDirectory, resolveReferences, resolveTags, type ResolvedTag } from './monitor-references.js';
import { intervalProblems, validateMonitorConfig } from './monitor-validation.js';

const TYPE = 'kuma_monitor';
const GONE = /Cannot read properties of (null|undefined)/;

/** getMonitor; undefined when Kuma does not know the id. */
async function fetchMonitor(session: KumaSession, id: number): Promise<KumaMonitorObject | undefined> {
  const answer = await session.request('getMonitor', id);
  if (answer.ok === true && answer.monitor && typeof answer.monitor === 'object') return answer.monitor as KumaMonitorObject;
  if (typeof answer.msg === 'string' && GONE.test(answer.msg)) return undefined;
  throw new ProviderError(`Uptime Kuma at ${session.url} refused \`getMonitor\` ${id}: ${String(answer.msg)}`);
}

async function checkLimitsAtApply(session: KumaSession, planned: Attributes): Promise<void> {
  const version = await session.serverVersion();
  const problems = intervalProblems(planned, version.limits, '');
  if (problems.length > 0)
    throw new ProviderError(
      `monitor ${JSON.stringify(planned.name)} cannot be saved on Uptime Kuma at ${session.url}: ${problems.map((p) => p.message).join('; ')}`,
    );
}

function tagKey(tagId: number, value: string | null): string {
  return `${tagId}\u0000${value ?? ''}`;
}

/**
 * Adds and removes monitor tags so the monitor carries exactly `desired`.
 *
 * A tag whose value is NULL (left by other clients) cannot be removed with
 * `deleteMonitorTag`: its query matches `value = ?` (server/server.js), never true for NULL,
 * and it still answers ok. Such a tag is first given the value '' with `editMonitorTag`
 * (which sets every value of that tag on the monitor) and then deleted as ''; the wanted
 * values of that tag are added back. The result is read back and checked.
 */
async function syncTags(session: KumaSession, monitorId: number, current: unknown, desired: ResolvedTag[]): Promise<void> {
  const have = (Array.isArray(current) ? current : []) as { tag_id: number; value: string | null }[];
  const want = new Set(desired.map((t) => tagKey(t.tagId, t.value)));
  const keyOf = (t: { tag_id: number; value: string | null }): string => tagKey(t.tag_id, t.value === '' ? null : t.value);
  const unwantedNull = new Set(have.filter((t) => t.value === null && !want.has(keyOf(t))).map((t) => t.tag_id));
  const haveKeys = new Set(have.filter((t) => !unwantedNull.has(t.tag_id)).map(keyOf));
  for (const t of have) {
    if (!want.has(keyOf(t)) && !unwantedNull.has(t.tag_id)) await session.call('deleteMonitorTag', t.tag_id, monitorId, t.value);
  }
  for (const tagId of unwantedNull) {
    await session.call('editMonitorTag', tagId, monitorId, '');
    await session.call('deleteMonitorTag', tagId, monitorId, '');
  }
  for (const t of desired) {
    if (!haveKeys.has(tagKey(t.tagId, t.value))) await session.call('addMonitorTag', t.tagId, monitorId, t.value ?? '');
  }
  if (have.length === 0) return;
  const after = await fetchMonitor(session, monitorId);
  const left = ((after?.tags ?? []) as { tag_id: number; value: string | null; name?: unknown }[]).filter((t) => !want.has(keyOf(t)));
  if (left.length > 0) {
    const names = left.map(
      (t) => `${String(t.name ?? t.tag_id)}${t.value === null ? ' (value NULL)' : t.value === '' ? '' : `=${t.value}`}`,
    );
    throw new ProviderError(`Uptime Kuma at ${session.url} answered ok but kept the tags ${names.join(', ')} on monitor ${monitorId}`);
  }
}

/** Pauses or resumes when the server's state differs from the planned one. */
async function syncActive(session: KumaSession, monitorId: number, serverActive: unknown, planned: Value | undefined): Promise<void> {
  if (typeof planned !== 'boolean') return;
  const active = serverActive === true || serverActive === 1;
  if (active !== planned) await session.call(planned ? 'resumeMonitor' : 'pauseMonitor', monitorId);
}

export class MonitorResource implements KumaResource {
  readonly type = TYPE;
  readonly schema: ResourceTypeSchema = {
    jsonSchema: kumaJsonSchemas.monitor,
    attributes: MONITOR_ATTRIBUTE_SCHEMA,
    importIdFormat: 'the monitor id (12) or name:<monitor name>',
    inventory: monitorInventoryFacts,
  };

  validate(config: Attributes, providerConfig: Attributes): AttributeProblem[] {
    const version = statedVersion(providerConfig);
    return validateMonitorConfig(config, limitsForStatedVersion(version), version !== undefined);
  }

  plan(req: PlanResourceRequest): PlanResourceResponse {
    return planMonitor(req);
  }

  identity(planned: Attributes): Record<string, Value> {
    return { name: planned.name ?? null, type: planned.type ?? null };
  }

  async read(session: KumaSession, id: string, prior: Attributes | null): Promise<Attributes | null> {
    const monitor = await fetchMonitor(session, numericId(TYPE, id));
    return monitor ? this.toState(session, monitor, prior) : null;
  }

  private async toState(session: KumaSession, monitor: KumaMonitorObject, prior: Attributes | null): Promise<Attributes> {
    const parent = typeof monitor.parent === 'number' ? monitor.parent : null;
    // the parent's name is recorded too (parent_name), so a group created since the login is fetched
    if (parent !== null && !session.monitors.get(parent)) await session.refreshMonitors();
    return monitorToAttributes(monitor, nameDirectory(session), prior);
  }

  async create(session: KumaSession, planned: Attributes): Promise<CreateResponse> {
    const version = await session.serverVersion();
    await checkLimitsAtApply(session, planned);
    const name = String(planned.name);
    const refs = await resolveReferences(session, planned, null);
    const twin = session.monitors.byName(name).find((m) => (m.parent ?? null) === refs.parent);
    if (twin) {
      throw new ProviderError(
        `a monitor named ${JSON.stringify(name)} already exists on Uptime Kuma at ${session.url} (id ${twin.id}); import it with \`hl import <address> ${twin.id}\` or choose another name`,
      );
    }
    const tags = await resolveTags(session, planned.tags);
    const answer = await session.call('add', addPayload(planned, refs, version.generation));
    const id = Number(answer.monitorID);
    if (!Number.isInteger(id))
      throw new ProviderError(`Uptime Kuma at ${session.url} answered \`add\` without a monitor id: ${JSON.stringify(answer)}`);
    try {
      await syncTags(session, id, [], tags);
      const created = await fetchMonitor(session, id);
      if (!created) throw new ProviderError(`monitor ${id} disappeared right after it was added`);
      await syncActive(session, id, created.active, planned.active);
      const state = await this.read(session, String(id), planned);
      if (!state) throw new ProviderError(`monitor ${id} disappeared right after it was added`);
      return { id: String(id), state };
    } catch (e) {
      await session.request('deleteMonitor', id).catch(() => undefined);
      throw new ProviderError(
        `monitor ${JSON.stringify(name)} was added as ${id} but could not be completed, so it was deleted again: ${(e as Error).message}`,
      );
    }
  }

  async update(session: KumaSession, id: string, _prior: Attributes, planned: Attributes): Promise<Attributes> {
    const monitorId = numericId(TYPE, id);
    const version = await session.serverVersion();
    await checkLimitsAtApply(session, planned);
    const current = await fetchMonitor(session, monitorId);
    if (!current)
      throw new ProviderError(
        `monitor ${monitorId} no longer exists on Uptime Kuma at ${session.url} (deleted outside hl?); refresh and plan again`,
      );
    const refs = await resolveReferences(session, planned, current.pushToken);
    const tags = await resolveTags(session, planned.tags);
    await session.call('editMonitor', editPayload(current, planned, refs, version.generation));
    await syncTags(session, monitorId, current.tags, tags);
    await syncActive(session, monitorId, current.active, planned.active);
    const state = await this.read(session, id, planned);
    if (!state) throw new ProviderError(`monitor ${monitorId} disappeared during its update on Uptime Kuma at ${session.url}`);
    return state;
  }

  async delete(session: KumaSession, id: string): Promise<void> {
    const monitorId = numericId(TYPE, id);
    await session.call('deleteMonitor', monitorId);
    session.monitors.remove(monitorId);
  }

  async importResource(session: KumaSession, importId: string): Promise<{ id: string; state: Attributes } | null> {
    const key = parseImportId(TYPE, importId);
    let id: number;
    if ('id' in key) {
      id = key.id;
    } else {
      await session.refreshMonitors();
      const found = session.monitors.byName(key.name);
      if (found.length === 0) return null;
      if (found.length > 1)
        throw ambiguousName(
          TYPE,
          key.name,
          found.map((m) => m.id),
        );
      id = found[0]!.id;
    }
    const state = await this.read(session, String(id), null);
    return state ? { id: String(id), state } : null;
  }

  async recover(session: KumaSession, identity: Record<string, Value>, planned: Attributes): Promise<CreateResponse | null> {
    const name = String(identity.name ?? planned.name);
    const type = identity.type ?? planned.type;
    await session.refreshMonitors();
    const found = session.monitors.byName(name).filter((m) => m.type === type);
    if (found.length === 0) return null;
    if (found.length > 1)
      throw ambiguousName(
        TYPE,
        name,
        found.map((m) => m.id),
      );
    const id = String(found[0]!.id);
    const state = await this.read(session, id, planned);
    return state ? { id, state } : null;
  }
}
