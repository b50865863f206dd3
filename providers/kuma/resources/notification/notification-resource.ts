/**
 * The `kuma_notification` resource: a notification channel (ntfy, webhook, Discord, ...)
 * saved with `addNotification(object, id | null)` and removed with `deleteNotification`.
 * Kuma keeps the whole object as JSON text; hl splits it into `type`, `is_default`,
 * `apply_existing` and the provider-specific fields in `config`. Kuma has no call to read one
 * notification: reads come from the `notificationList` the server pushes to every client.
 *
 * `apply_existing` is an action, not state: Notification.save() (server/notification.js)
 * links the notification to every existing monitor when it is sent as true, and 2.x stores
 * it as false ("one time only"; 1.23 stores it as sent). So it is never read from the
 * server (it keeps the value hl last recorded: no perpetual diff), and it is sent as true only
 * when the notification is created with it or it is switched on, never on every later save,
 * which would re-attach the notification to monitors it was removed from by hand.
 */
import { isUnknown, isValueMap, UNKNOWN, type Attributes, type Value } from '../../../../src/core/value.js';
import {
  ProviderError,
  type AttributeProblem,
  type CreateResponse,
  type PlanResourceRequest,
  type PlanResourceResponse,
  type ResourceTypeSchema,
} from '../../../../src/provider/contract.js';
import type { KumaSession } from '../../connection/kuma-session.js';
import type { KumaNotificationObject } from '../../protocol/notification-cache.js';
import { kumaJsonSchemas } from '../../kuma-json-schemas.js';
import { ambiguousName, numericId, parseImportId, type KumaResource } from '../kuma-resource.js';

const TYPE = 'kuma_notification';
/** Keys of Kuma's notification object that are attributes of their own, not `config` fields. */
const RESERVED_KEYS = new Set(['id', 'name', 'type', 'isDefault', 'applyExisting', 'active', 'userId', 'user_id']);

/** Kuma's notification → state; `applyExisting` is what hl recorded (`prior`), not what Kuma keeps. */
export function notificationToState(n: KumaNotificationObject, applyExisting: boolean): Attributes {
  const config: Attributes = {};
  for (const [k, v] of Object.entries(n.config)) if (!RESERVED_KEYS.has(k)) config[k] = v as Value;
  return {
    id: n.id,
    name: n.name,
    type: typeof n.config.type === 'string' ? n.config.type : null,
    config,
    is_default: n.isDefault,
    apply_existing: applyExisting,
  };
}

/** The object for `addNotification`; `prior` null for a create. */
export function notificationPayload(planned: Attributes, prior: Attributes | null): Record<string, unknown> {
  const config = isValueMap(planned.config) ? planned.config : {};
  const applyNow = planned.apply_existing === true && prior?.apply_existing !== true;
  return { ...config, name: planned.name, type: planned.type, isDefault: planned.is_default === true, applyExisting: applyNow };
}

const recorded = (state: Attributes | null): boolean => state?.apply_existing === true;

export class NotificationResource implements KumaResource {
  readonly type = TYPE;
  readonly schema: ResourceTypeSchema = {
    jsonSchema: kumaJsonSchemas.notification,
    attributes: {
      id: { computed: true, description: 'The notification id Kuma gave (a number).' },
      name: { required: true, description: 'Name, as monitors refer to it.' },
      type: { required: true, description: "Kuma's notification provider: ntfy, webhook, discord, telegram, smtp, ..." },
      config: {
        optional: true,
        sensitive: true,
        description:
          'The provider-specific fields as Kuma names them, e.g. {ntfyserverurl, ntfytopic} or {webhookURL, webhookContentType}.',
      },
      is_default: { optional: true, computed: true, description: 'Enabled by default for new monitors in the web UI (default false).' },
      apply_existing: {
        optional: true,
        computed: true,
        description:
          'On create (or when switched on), also enable it on every existing monitor; an action Kuma does not store, so it is not re-applied on later saves (default false).',
      },
    },
    importIdFormat: 'the notification id (2) or name:<notification name>',
  };

  validate(config: Attributes): AttributeProblem[] {
    const problems: AttributeProblem[] = [];
    if (config.type === '') problems.push({ path: ['type'], message: 'type cannot be empty' });
    if (isValueMap(config.config)) {
      for (const k of Object.keys(config.config)) {
        if (RESERVED_KEYS.has(k))
          problems.push({ path: ['config', k], message: `${k} is not a config field: set it as the resource's own attribute` });
      }
    }
    return problems;
  }

  plan(req: PlanResourceRequest): PlanResourceResponse {
    const { config, prior } = req;
    const pick = (attr: string, dflt: Value): Value => {
      const v = config[attr];
      if (v !== undefined && v !== null) return v;
      const p = prior?.[attr];
      return p !== undefined && p !== null ? p : dflt;
    };
    const cfg = config.config;
    const planned: Attributes = {
      id: prior?.id ?? UNKNOWN,
      name: config.name ?? null,
      type: config.type ?? null,
      config: cfg === undefined || cfg === null ? {} : isUnknown(cfg) ? UNKNOWN : cfg,
      is_default: pick('is_default', false),
      apply_existing: pick('apply_existing', false),
    };
    return { planned, requiresReplace: [], notes: [], problems: [] };
  }

  identity(planned: Attributes): Record<string, Value> {
    return { name: planned.name ?? null };
  }

  async read(session: KumaSession, id: string, prior: Attributes | null): Promise<Attributes | null> {
    const notificationId = numericId(TYPE, id);
    await session.ready();
    const n = session.notifications.get(notificationId);
    return n ? notificationToState(n, recorded(prior)) : null;
  }

  private async save(session: KumaSession, planned: Attributes, prior: Attributes | null, id: number | null): Promise<Attributes> {
    const seq = session.notifications.sequence;
    const answer = await session.call('addNotification', notificationPayload(planned, prior), id);
    const savedId = Number(answer.id ?? id);
    await session.notificationsAfter(seq);
    const saved = session.notifications.get(savedId);
    if (!saved)
      throw new ProviderError(`notification ${savedId} is missing from the list Uptime Kuma at ${session.url} sent after saving it`);
    return notificationToState(saved, recorded(planned));
  }

  async create(session: KumaSession, planned: Attributes): Promise<CreateResponse> {
    await session.ready();
    const name = String(planned.name);
    const twin = session.notifications.byName(name)[0];
    if (twin)
      throw new ProviderError(
        `a notification named ${JSON.stringify(name)} already exists on Uptime Kuma at ${session.url} (id ${twin.id}); import it with \`hl import <address> ${twin.id}\``,
      );
    const state = await this.save(session, planned, null, null);
    return { id: String(state.id), state };
  }

  async update(session: KumaSession, id: string, prior: Attributes, planned: Attributes): Promise<Attributes> {
    return this.save(session, planned, prior, numericId(TYPE, id));
  }

  async delete(session: KumaSession, id: string): Promise<void> {
    const notificationId = numericId(TYPE, id);
    await session.ready();
    if (!session.notifications.get(notificationId)) return;
    const answer = await session.request('deleteNotification', notificationId);
    if (answer.ok !== true && answer.msg !== 'notification not found') {
      throw new ProviderError(`Uptime Kuma at ${session.url} refused \`deleteNotification\` ${notificationId}: ${String(answer.msg)}`);
    }
  }

  async importResource(session: KumaSession, importId: string): Promise<{ id: string; state: Attributes } | null> {
    const key = parseImportId(TYPE, importId);
    await session.ready();
    const found = 'id' in key ? session.notifications.all().filter((n) => n.id === key.id) : session.notifications.byName(key.name);
    if (found.length === 0) return null;
    if (found.length > 1 && 'name' in key)
      throw ambiguousName(
        TYPE,
        key.name,
        found.map((n) => n.id),
      );
    return { id: String(found[0]!.id), state: notificationToState(found[0]!, false) };
  }

  async recover(session: KumaSession, identity: Record<string, Value>, planned: Attributes): Promise<CreateResponse | null> {
    const name = String(identity.name ?? planned.name);
    await session.ready();
    const found = session.notifications.byName(name);
    if (found.length === 0) return null;
    if (found.length > 1)
      throw ambiguousName(
        TYPE,
        name,
        found.map((n) => n.id),
      );
    return { id: String(found[0]!.id), state: notificationToState(found[0]!, recorded(planned)) };
  }
}
