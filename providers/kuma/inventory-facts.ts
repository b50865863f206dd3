/**
 * The inventory facts (`hl docs`) of an Uptime Kuma `kuma_monitor`: its name, type, and what
 * it checks (the `url` without credentials, query or fragment, or `hostname` and `port`), with
 * the host it checks in lower case. The `inventory` hook of the monitor's schema
 * (resources/monitor/monitor-resource.ts).
 */
import type { Attributes } from '../../src/core/value.js';
import type { InventoryFactsHook, MonitorFacts } from '../../src/provider/inventory-facts.js';
import { known } from '../../src/provider/attribute-text.js';

export const monitorInventoryFacts: InventoryFactsHook = { monitor: monitorFacts };

function monitorFacts(a: Attributes): MonitorFacts {
  const facts: MonitorFacts = {};
  const name = known(a['name']);
  if (name !== undefined) facts.name = name;
  const type = known(a['type']);
  if (type !== undefined) facts.monitorType = type;
  const url = known(a['url']);
  const hostname = known(a['hostname']);
  if (url !== undefined) {
    const parsed = parseUrl(url);
    facts.target = parsed?.shown ?? url.split(/[?#]/)[0]!;
    if (parsed?.host) facts.host = parsed.host;
  }
  if (hostname !== undefined) {
    facts.host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if (facts.target === undefined) facts.target = typeof a['port'] === 'number' ? `${hostname}:${a['port']}` : hostname;
  }
  return facts;
}

/** The URL without credentials, query or fragment, and its host in lower case. */
function parseUrl(url: string): { shown: string; host: string } | undefined {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return { shown: u.toString(), host: u.hostname.toLowerCase().replace(/^\[|\]$/g, '') };
  } catch {
    return undefined;
  }
}
