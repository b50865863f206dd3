/**
 * The facts `hl docs` reads from the resources around the guests: MAAS devices (hostname,
 * DNS name, MACs, IPs), MAAS DNS records (name, type, data), Uptime Kuma monitors (name,
 * type, target host) and passthrough resources (`coral_passthrough`, any `*_passthrough`).
 */
import { MASK } from '../core/redact.js';
import { isValueMap, type Value } from '../core/value.js';
import { normalizeMac, text } from './guest-facts.js';
import type { InventoryResource } from './inventory-resource.js';

export interface DeviceFacts {
  hostname?: string;
  /** `host.domain`, from `fqdn` or hostname and domain. */
  fqdn?: string;
  macs: string[];
  ips: string[];
}

export interface DnsRecordFacts {
  fqdn?: string;
  recordType?: string;
  data: string[];
}

export interface MonitorFacts {
  name?: string;
  monitorType?: string;
  /** The URL or host:port it checks (a URL without credentials, query or fragment: they may hold tokens). */
  target?: string;
  /** The host name or address it checks, lower case. */
  host?: string;
}

export function isDevice(r: InventoryResource): boolean {
  return r.type === 'maas_device';
}

export function isDnsRecord(r: InventoryResource): boolean {
  return r.type === 'maas_dns_record';
}

export function isMonitor(r: InventoryResource): boolean {
  return r.type === 'kuma_monitor';
}

export function isPassthrough(r: InventoryResource): boolean {
  return r.type === 'coral_passthrough' || r.type.endsWith('_passthrough');
}

export function deviceFacts(r: InventoryResource): DeviceFacts {
  const a = r.attributes;
  const facts: DeviceFacts = { macs: [], ips: [] };
  const hostname = known(a['hostname']);
  if (hostname !== undefined) facts.hostname = hostname;
  const domain = known(a['domain']);
  const fqdn = known(a['fqdn']) ?? (hostname !== undefined && domain !== undefined ? `${hostname}.${domain}` : undefined);
  if (fqdn !== undefined) facts.fqdn = fqdn.replace(/\.$/, '');
  const addMac = (m: string | undefined): void => {
    if (m === undefined) return;
    const n = normalizeMac(m);
    if (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(n) && !facts.macs.includes(n)) facts.macs.push(n);
  };
  const addIp = (ip: string | undefined): void => {
    if (ip !== undefined && !facts.ips.includes(ip)) facts.ips.push(ip);
  };
  for (const m of strings(a['mac_addresses'])) addMac(m);
  const interfaces = a['interfaces'];
  if (isValueMap(interfaces)) {
    for (const [label, entry] of Object.entries(interfaces).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
      addMac(label);
      if (isValueMap(entry)) {
        addMac(known(entry['mac']));
        addIp(known(entry['ip']));
      }
    }
  }
  for (const ip of strings(a['ip_addresses'])) addIp(ip);
  return facts;
}

export function dnsRecordFacts(r: InventoryResource): DnsRecordFacts {
  const a = r.attributes;
  const name = known(a['name']);
  const domain = known(a['domain']);
  const fqdn = known(a['fqdn']) ?? (name !== undefined && domain !== undefined ? (name === '@' ? domain : `${name}.${domain}`) : name);
  const facts: DnsRecordFacts = { data: strings(a['data']) };
  if (fqdn !== undefined) facts.fqdn = fqdn.replace(/\.$/, '');
  const type = known(a['type']);
  if (type !== undefined) facts.recordType = type.toUpperCase();
  return facts;
}

export function monitorFacts(r: InventoryResource): MonitorFacts {
  const a = r.attributes;
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

/** A known string other than a masked value. */
function known(v: Value | undefined): string | undefined {
  const t = text(v);
  return t === MASK ? undefined : t;
}

function strings(v: Value | undefined): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => known(x)).filter((x): x is string => x !== undefined);
}
