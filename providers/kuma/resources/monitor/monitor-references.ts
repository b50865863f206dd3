/**
 * Resolving what a monitor refers to by name into Kuma's ids, against the live server:
 * the parent group (by id or by name), notifications (by name, from the pushed list) and
 * tags (by name, from `getTags`). A name that resolves to nothing is a ProviderError that
 * says which names exist.
 */
import { randomBytes } from 'node:crypto';
import type { Attributes, Value } from '../../../../src/core/value.js';
import { ProviderError } from '../../../../src/provider/contract.js';
import type { KumaSession } from '../../connection/kuma-session.js';
import type { KumaMonitorObject } from '../../protocol/monitor-cache.js';
import type { NameDirectory, ResolvedReferences } from './monitor-mapping.js';

export interface ResolvedTag {
  tagId: number;
  value: string | null;
}

/** A push token like the ones Kuma's editor generates (32 letters and digits). */
export function generatePushToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join('');
}

async function findMonitor(session: KumaSession, id: number): Promise<KumaMonitorObject | undefined> {
  if (!session.monitors.get(id)) await session.refreshMonitors();
  return session.monitors.get(id);
}

export async function resolveParent(session: KumaSession, parent: Value | undefined): Promise<number | null> {
  if (parent === null || parent === undefined) return null;
  if (typeof parent === 'number') {
    const group = await findMonitor(session, parent);
    if (!group) throw new ProviderError(`parent monitor ${parent} does not exist on Uptime Kuma at ${session.url}`);
    if (group.type !== 'group')
      throw new ProviderError(`parent monitor ${parent} (${String(group.name)}) is a ${String(group.type)} monitor, not a group`);
    return parent;
  }
  const name = String(parent);
  let groups = session.monitors.byName(name).filter((m) => m.type === 'group');
  if (groups.length === 0) {
    await session.refreshMonitors();
    groups = session.monitors.byName(name).filter((m) => m.type === 'group');
  }
  if (groups.length === 0) throw new ProviderError(`no group monitor named ${JSON.stringify(name)} on Uptime Kuma at ${session.url}`);
  if (groups.length > 1)
    throw new ProviderError(
      `${groups.length} group monitors are named ${JSON.stringify(name)} (ids ${groups.map((g) => g.id).join(', ')}); refer to the parent by id`,
    );
  return groups[0]!.id;
}

export function resolveNotifications(session: KumaSession, names: Value | undefined): number[] {
  if (!Array.isArray(names)) return [];
  return names.map((n) => {
    const name = String(n);
    const found = session.notifications.byName(name);
    if (found.length === 0) {
      const known = session.notifications.all().map((x) => x.name);
      throw new ProviderError(
        `no notification named ${JSON.stringify(name)} on Uptime Kuma at ${session.url} (known: ${known.length ? known.join(', ') : 'none'}); declare it as a kuma_notification`,
      );
    }
    return found[0]!.id;
  });
}

export async function resolveTags(session: KumaSession, tags: Value | undefined): Promise<ResolvedTag[]> {
  if (!Array.isArray(tags) || tags.length === 0) return [];
  const answer = await session.call('getTags');
  const known = (Array.isArray(answer.tags) ? answer.tags : []) as { id: number; name: string }[];
  return tags.map((t) => {
    const rec = (t ?? {}) as Attributes;
    const name = String(rec.name);
    const tag = known.filter((k) => k.name === name).sort((a, b) => a.id - b.id)[0];
    if (!tag) {
      throw new ProviderError(
        `no tag named ${JSON.stringify(name)} on Uptime Kuma at ${session.url} (known: ${known.map((k) => k.name).join(', ') || 'none'}); declare it as a kuma_tag and refer to it as \${kuma_tag.<name>.name} so it is created first`,
      );
    }
    return { tagId: tag.id, value: rec.value === null || rec.value === undefined ? null : String(rec.value) };
  });
}

export async function resolveReferences(session: KumaSession, planned: Attributes, currentPushToken: unknown): Promise<ResolvedReferences> {
  let pushToken: string | null = null;
  if (planned.type === 'push') {
    if (typeof planned.push_token === 'string') pushToken = planned.push_token;
    else if (typeof currentPushToken === 'string' && currentPushToken !== '') pushToken = currentPushToken;
    else pushToken = generatePushToken();
  }
  return {
    parent: await resolveParent(session, planned.parent),
    notificationIds: resolveNotifications(session, planned.notifications),
    pushToken,
  };
}

/** Names for the ids a monitor object carries, from the session's caches. */
export function nameDirectory(session: KumaSession): NameDirectory {
  return {
    monitorName: (id) => {
      const m = session.monitors.get(id);
      return typeof m?.name === 'string' ? m.name : undefined;
    },
    notificationName: (id) => session.notifications.get(id)?.name,
  };
}
