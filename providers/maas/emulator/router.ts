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

const ID = '([^/]+)';

export function maasRoutes(): Route[] {
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
    { pattern: /^domains\/$/, handlers: networkRoutes.domains },
    { pattern: new RegExp(`^domains/${ID}/$`), handlers: networkRoutes.domain },
    { pattern: /^zones\/$/, handlers: networkRoutes.zones },
    { pattern: new RegExp(`^zones/${ID}/$`), handlers: networkRoutes.zone },
    { pattern: /^dnsresources\/$/, handlers: dnsRoutes.dnsresources },
    { pattern: new RegExp(`^dnsresources/${ID}/$`), handlers: dnsRoutes.dnsresource },
    { pattern: /^dnsresourcerecords\/$/, handlers: dnsRoutes.dnsresourcerecords },
    { pattern: new RegExp(`^dnsresourcerecords/${ID}/$`), handlers: dnsRoutes.dnsresourcerecord },
    { pattern: /^ipaddresses\/$/, handlers: ipAddressRoutes.ipaddresses },
  ];
}

export type RouteMatch =
  | { kind: 'handler'; route: Route; handler: Handler; params: string[] }
  | { kind: 'bad-signature'; route: Route }
  | { kind: 'no-route' };

export function matchRoute(routes: Route[], method: string, path: string, op: string | undefined): RouteMatch {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    const handler = route.handlers[op ? `${method} ${op}` : method];
    if (!handler) return { kind: 'bad-signature', route };
    return { kind: 'handler', route, handler, params: m.slice(1) };
  }
  return { kind: 'no-route' };
}
