/**
 * Planning of a `maas_device` (pure). Everything changes in place: MAAS lets a device's
 * hostname, domain, zone, description and parent be edited, MACs be added and removed, and
 * static links be unlinked and relinked.
 *
 * Configured attributes are planned exactly as written (the provider maps what it reads
 * back from MAAS onto the config's own spelling of MACs, IPs and subnets, so there is no
 * perpetual diff). Optional attributes left out of the config are not managed: they keep
 * their prior value (domain, zone, description, parent) or are known after apply on create.
 * `mac_addresses` left out means "the interfaces' MACs".
 */
import type { PlanResourceResponse } from '../../../src/provider/contract.js';
import { UNKNOWN, containsUnknown, isValueMap, valueEquals, type Attributes, type Value } from '../../../src/core/value.js';
import { isUnknownValue } from '../unknown-value.js';
import { sameMac } from '../net/mac-address.js';
import { desiredMacList } from './device-config.js';

function present(v: Value | undefined): v is Value {
  return v !== undefined && v !== null;
}

function sameMacSet(a: Value | undefined, b: Value | undefined): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || containsUnknown(a) || containsUnknown(b)) return false;
  if (a.length !== b.length) return false;
  return a.every((x) => typeof x === 'string' && b.some((y) => typeof y === 'string' && sameMac(x, y)));
}

function describeEntry(v: Value | undefined): string {
  if (!isValueMap(v)) return '(none)';
  const subnet = isValueMap(v.subnet) ? (v.subnet.cidr ?? v.subnet.id) : v.subnet;
  return `${String(v.ip ?? '?')} on ${String(subnet ?? '?')}`;
}

export function planDevice(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const planned: Attributes = {};
  const notes: string[] = [];

  planned.hostname = config.hostname ?? null;
  planned.domain = present(config.domain) ? config.domain : (prior?.domain ?? UNKNOWN);
  planned.zone = present(config.zone) ? config.zone : (prior?.zone ?? UNKNOWN);
  planned.description = present(config.description) ? config.description : (prior?.description ?? '');
  planned.parent = present(config.parent) ? config.parent : (prior?.parent ?? null);
  planned.interfaces = present(config.interfaces) ? config.interfaces : {};

  if (present(config.mac_addresses)) {
    planned.mac_addresses = config.mac_addresses;
  } else {
    const derived = desiredMacList({ interfaces: planned.interfaces });
    if (derived.some((m) => isUnknownValue(m))) planned.mac_addresses = UNKNOWN;
    else if (prior && sameMacSet(derived, prior.mac_addresses)) planned.mac_addresses = prior.mac_addresses!;
    else planned.mac_addresses = derived;
  }

  planned.system_id = prior?.system_id ?? UNKNOWN;
  const h = planned.hostname;
  const d = planned.domain;
  planned.fqdn = typeof h === 'string' && typeof d === 'string' ? `${h}.${d}` : UNKNOWN;
  const interfacesUnchanged = prior !== null && valueEquals(planned.interfaces, prior.interfaces);
  const macsUnchanged = prior !== null && valueEquals(planned.mac_addresses, prior.mac_addresses);
  planned.ip_addresses = interfacesUnchanged && macsUnchanged ? (prior.ip_addresses ?? UNKNOWN) : UNKNOWN;

  if (prior) {
    if (typeof prior.fqdn === 'string' && typeof planned.fqdn === 'string' && prior.fqdn !== planned.fqdn) {
      notes.push(`the device's DNS name changes from ${prior.fqdn} to ${planned.fqdn}`);
    }
    const before = isValueMap(prior.interfaces) ? prior.interfaces : {};
    const after = isValueMap(planned.interfaces) ? planned.interfaces : {};
    for (const label of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const b = before[label];
      const a = after[label];
      if (valueEquals(b, a)) continue;
      if (b === undefined) notes.push(`interface "${label}": links static IP ${describeEntry(a)}`);
      else if (a === undefined) notes.push(`interface "${label}": unlinks static IP ${describeEntry(b)}`);
      else notes.push(`interface "${label}": relinks ${describeEntry(b)} → ${describeEntry(a)} (unlink, then link)`);
    }
    if (!valueEquals(planned.mac_addresses, prior.mac_addresses) && !isUnknownValue(planned.mac_addresses)) {
      const added = desiredMacList(planned).filter(
        (m) =>
          typeof m === 'string' &&
          !(Array.isArray(prior.mac_addresses) && prior.mac_addresses.some((p) => typeof p === 'string' && sameMac(p, m))),
      );
      const removed = (Array.isArray(prior.mac_addresses) ? prior.mac_addresses : []).filter(
        (p) => typeof p === 'string' && !desiredMacList(planned).some((m) => typeof m === 'string' && sameMac(m, p)),
      );
      if (added.length) notes.push(`adds interface(s) for ${added.join(', ')}`);
      if (removed.length) notes.push(`removes interface(s) ${removed.join(', ')} from the device`);
    }
  }
  return { planned, requiresReplace: [], notes, problems: [] };
}
