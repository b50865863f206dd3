/**
 * The emulator's URL table (MAAS's urls_api.py, the part hl uses) and dispatch on
 * (method, op) the way MAAS's OperationsHandler does: a signature that the handler does
 * not export answers 400 "Unrecognised signature: method=PUT op=None"; a path no handler
 * serves answers 404 "Unknown API endpoint: <path>.".
 */
import type { Handler, Route } from './handler-context.js';
import { deviceRoutes } from './handlers/device-handlers.js';
import { dnsRoutes } from './handlers/dns-handlers.js';
import { interfaceRoutes } from './handlers/interface-handlers.js';
import { ipAddressRoutes } from './handlers/ipaddress-handlers.js';
import { networkRoutes } from './handlers/network-handlers.js';
import { reservedIpRoutes } from './handlers/reserved-ip-handlers.js';
import { tagRoutes } from './handlers/tag-handlers.js';
import type { MaasProfile } from './maas-profile.js';

const ID = '([^/]+)';

/*
 * Who may write what (the admin checks of src/maasserver/api/*.py, the same in 3.5 to 3.7):
 * dnsresources.py, dnsresourcerecords.py, domains.py and reservedip.py create with
 * `@admin_method`; their update/delete ask NodePermission.admin of the object, which a
 * non-admin lacks (a bare PermissionDenied); tags.py refuses create, update, delete and
 * update_nodes to non-superusers with a bare PermissionDenied. Devices are the owner's.
 */
const DNS_ADMIN = { POST: 'admin-method' } as const;
const DNS_OBJECT_ADMIN = { PUT: 'permission', DELETE: 'permission' } as const;

export function maasRoutes(profile?: MaasProfile): Route[] {
  return [
    { pattern: /^version\/$/, handlers: networkRoutes.version, anonymous: true },
    { pattern: /^devices\/$/, handlers: deviceRoutes.devices },
    { pattern: new RegExp(`^devices/${ID}/$`), handlers: deviceRoutes.device },
    { pattern: /^nodes\/$/, handlers: deviceRoutes.nodes },
    { pattern: new RegExp(`^nodes/${ID}/interfaces/$`), handlers: interfaceRoutes.interfaces },
    { pattern: new RegExp(`^nodes/${ID}/interfaces/${ID}/$`), handlers: interfaceRoutes.interface },
    { pattern: new RegExp(`^nodes/${ID}/$`), handlers: deviceRoutes.node },
    { pattern: /^subnets\/$/, handlers: networkRoutes.subnets },
    // As in MAAS, a subnet may be addressed by a CIDR containing a slash.
    { pattern: /^subnets\/([.: \w%-]+(?:\/\d\d?\d?)?)\/$/, handlers: networkRoutes.subnet },
    { pattern: /^ipranges\/$/, handlers: networkRoutes.ipranges },
    { pattern: /^domains\/$/, handlers: networkRoutes.domains, adminOnly: DNS_ADMIN },
    { pattern: new RegExp(`^domains/${ID}/$`), handlers: networkRoutes.domain, adminOnly: DNS_OBJECT_ADMIN },
    { pattern: /^zones\/$/, handlers: networkRoutes.zones },
    { pattern: new RegExp(`^zones/${ID}/$`), handlers: networkRoutes.zone },
    { pattern: /^dnsresources\/$/, handlers: dnsRoutes.dnsresources, adminOnly: DNS_ADMIN },
    { pattern: new RegExp(`^dnsresources/${ID}/$`), handlers: dnsRoutes.dnsresource, adminOnly: DNS_OBJECT_ADMIN },
    { pattern: /^dnsresourcerecords\/$/, handlers: dnsRoutes.dnsresourcerecords, adminOnly: DNS_ADMIN },
    { pattern: new RegExp(`^dnsresourcerecords/${ID}/$`), handlers: dnsRoutes.dnsresourcerecord, adminOnly: DNS_OBJECT_ADMIN },
    { pattern: /^tags\/$/, handlers: tagRoutes.tags, adminOnly: { POST: 'permission' } },
    {
      pattern: new RegExp(`^tags/${ID}/$`),
      handlers: tagRoutes.tag,
      adminOnly: { PUT: 'permission', DELETE: 'permission', 'POST update_nodes': 'permission' },
    },
    { pattern: /^ipaddresses\/$/, handlers: ipAddressRoutes.ipaddresses },
    // urls_api.py has reservedips/ from 3.6 on; before, the URL is unknown (404).
    ...(profile?.reservedIps
      ? ([
          { pattern: /^reservedips\/$/, handlers: reservedIpRoutes.reservedips, adminOnly: { POST: 'admin-method' } },
          {
            pattern: new RegExp(`^reservedips/${ID}/$`),
            handlers: reservedIpRoutes.reservedip,
            adminOnly: { PUT: 'admin-method', DELETE: 'admin-method' },
          },
        ] satisfies Route[])
      : []),
  ];
}

export type RouteMatch =
  | { kind: 'handler'; route: Route; handler: Handler; params: string[]; key: string }
  | { kind: 'bad-signature'; route: Route }
  | { kind: 'no-route' };

export function matchRoute(routes: Route[], method: string, path: string, op: string | undefined): RouteMatch {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    const key = op ? `${method} ${op}` : method;
    const handler = route.handlers[key];
    if (!handler) return { kind: 'bad-signature', route };
    return { kind: 'handler', route, handler, params: m.slice(1), key };
  }
  return { kind: 'no-route' };
}
