/**
 * The kuma provider's handler table: one handler per resource type, each a thin adapter of
 * that type's `KumaResource` (resources/kuma-resource.ts) to the router's handler shape
 * (src/provider/resource-handler.ts). The handlers get the session through `KumaConnected`,
 * asked for only by the operations that talk to the server (a reserve does not).
 */
import type { ResourceHandler } from '../../src/provider/resource-handler.js';
import type { KumaSession } from './connection/kuma-session.js';
import type { KumaResource } from './resources/kuma-resource.js';
import { MonitorResource } from './resources/monitor/monitor-resource.js';
import { NotificationResource } from './resources/notification/notification-resource.js';
import { TagResource } from './resources/tag/tag-resource.js';

/** The instance's session; throws while the provider is not configured. */
export type KumaConnected = () => KumaSession;

/** The resource types, in the order the schema lists them. */
export function kumaResources(): KumaResource[] {
  return [new MonitorResource(), new TagResource(), new NotificationResource()];
}

function kumaHandler(r: KumaResource): ResourceHandler<KumaConnected> {
  return {
    validate: (req) => r.validate(req.config, req.providerConfig),
    plan: (req) => r.plan(req),
    read: async (connected, req) => ({ state: await r.read(connected(), req.id, req.prior) }),
    reserve: async (_connected, req) => ({ identity: r.identity(req.planned) }),
    create: (connected, req) => r.create(connected(), req.planned),
    update: async (connected, req) => ({ state: await r.update(connected(), req.id, req.prior, req.planned) }),
    delete: async (connected, req) => {
      await r.delete(connected(), req.id);
    },
    recover: (connected, req) => r.recover(connected(), req.identity, req.planned),
    importResource: async (connected, req) => ({ resource: await r.importResource(connected(), req.id) }),
  };
}

/** One handler per resource type, by type. */
export function kumaHandlers(resources: KumaResource[]): Record<string, ResourceHandler<KumaConnected>> {
  return Object.fromEntries(resources.map((r) => [r.type, kumaHandler(r)]));
}
