/**
 * What `maas_dns_record` does against MAAS.
 * - A/AAAA: the addresses of one family on the DNS resource at the name (`dnsresources/`,
 *   `ip_addresses` as one space-separated string); the other family's addresses and any
 *   CNAME/TXT data at the name are kept.
 * - CNAME/TXT: one DNS data record per data item (`dnsresourcerecords/`); MAAS deletes the
 *   DNS resource itself when its last record goes.
 * Creating where records of the same type already exist is refused (import them instead),
 * unless they are exactly what is planned (then they are adopted: a re-run create is safe).
 *
 * Addresses: MAAS makes each new address of a DNS resource a USER_RESERVED StaticIPAddress
 * (forms/dnsresource.py) and keeps it allocated when a PUT drops it, and, before 3.6.1, when
 * the resource is deleted (models/dnsresource.py, DNSResource.delete) — so a device later
 * asking for that IP is told "IP address is already in use.". hl releases what it dropped
 * (`POST ipaddresses/?op=release`, as the Terraform MAAS provider does on delete), but only
 * an address that is still this user's USER_RESERVED one, on no interface, and that no DNS
 * resource points at any more (a release deletes the address, and so every link to it).
 *
 * TTL: a TTL removed from config is cleared by sending the field empty (`address_ttl=`,
 * `ttl=`): the forms turn it into None and keep it (DNSResourceForm/DNSDataForm._post_clean),
 * where an absent field keeps the old value (APIEditMixin). Records of one name and type
 * with different TTLs are only logged by MAAS (models/dnsdata.py DNSData.clean), so a TTL
 * change updates each record in place.
 */
import { ProviderError, type CreateResponse } from '../../../src/provider/contract.js';
import type { Attributes, Value } from '../../../src/core/value.js';
import type { MaasDnsData, MaasDnsResource } from '../client/maas-types.js';
import { dnsDeleteFreesAddresses } from '../client/maas-server-version.js';
import { parseIp, sameIp } from '../net/ip-address.js';
import { configuredFqdn, dnsRecordId, isAddressType, isDnsRecordType, parseDnsRecordId, type DnsRecordType } from './dns-record-config.js';
import type { OperationContext } from './operation-context.js';

interface RecordLocation {
  type: DnsRecordType;
  name: string;
  domain: string;
  fqdn: string;
}

interface RecordSpec extends RecordLocation {
  ttl: number | null;
  data: string[];
}

function family(type: 'A' | 'AAAA'): 4 | 6 {
  return type === 'A' ? 4 : 6;
}

function ipsOf(res: MaasDnsResource, version: 4 | 6): string[] {
  return res.ip_addresses.map((i) => i.ip).filter((ip) => parseIp(ip)?.version === version);
}

/**
 * Releases the addresses a write of this record let go of, when MAAS kept them allocated and
 * nothing else uses them (see the top of this file).
 */
async function releaseDropped(ctx: OperationContext, dropped: string[]): Promise<void> {
  if (dropped.length === 0) return;
  const resources = (await ctx.api.listDnsResources({}, ctx.signal)) ?? [];
  for (const ip of dropped) {
    if (resources.some((r) => (r.ip_addresses ?? []).some((a) => sameIp(a.ip, ip)))) continue;
    const held = await ctx.api.listIpAddresses({ ip }, ctx.signal);
    if (!held.some((h) => sameIp(h.ip, ip) && h.alloc_type === USER_RESERVED && (h.interface_set ?? []).length === 0)) continue;
    ctx.progress?.(`releasing ${ip}: MAAS keeps a DNS record's address allocated after the record lets it go`);
    await ctx.api.releaseIpAddress(ip, ctx.signal);
  }
}

/** IPADDRESS_TYPE.USER_RESERVED (src/maasserver/enum.py). */
const USER_RESERVED = 4;

/** The address TTL field of a PUT: the planned TTL, or empty to clear one MAAS has (undefined: leave it). */
function addressTtlField(planned: number | null, current: number | null): number | '' | undefined {
  if (planned !== null) return planned;
  return current !== null ? '' : undefined;
}

function sameAddressSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => sameIp(x, y)));
}

function sameTextSet(a: string[], b: string[]): boolean {
  const norm = (s: string) => s.replace(/\.$/, '').toLowerCase();
  return a.length === b.length && a.every((x) => b.some((y) => norm(x) === norm(y)));
}

/** Splits an fqdn at the longest MAAS domain it ends with. */
async function locate(ctx: OperationContext, type: DnsRecordType, fqdn: string, hints: Attributes | null): Promise<RecordLocation | null> {
  if (hints && typeof hints.name === 'string' && typeof hints.domain === 'string') {
    const hinted = configuredFqdn({ name: hints.name, domain: hints.domain });
    if (hinted && hinted.toLowerCase() === fqdn.toLowerCase()) return { type, name: hints.name, domain: hints.domain, fqdn };
  }
  const domains = await ctx.api.listDomains(ctx.signal);
  const lower = fqdn.toLowerCase();
  const match = domains
    .filter((d) => lower === d.name.toLowerCase() || lower.endsWith(`.${d.name.toLowerCase()}`))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (!match) return null;
  const name = lower === match.name.toLowerCase() ? '@' : fqdn.slice(0, fqdn.length - match.name.length - 1);
  return { type, name, domain: match.name, fqdn };
}

async function spec(ctx: OperationContext, planned: Attributes): Promise<RecordSpec> {
  const type = planned.type;
  if (!isDnsRecordType(type)) throw new ProviderError(`maas_dns_record: invalid type ${JSON.stringify(type)}`);
  const data = Array.isArray(planned.data) ? planned.data.filter((d): d is string => typeof d === 'string') : [];
  const ttl = typeof planned.ttl === 'number' ? planned.ttl : null;
  if (typeof planned.name === 'string' && typeof planned.domain === 'string') {
    const domains = await ctx.api.listDomains(ctx.signal);
    if (!domains.some((d) => d.name === planned.domain)) {
      throw new ProviderError(
        `maas_dns_record: domain "${planned.domain}" does not exist in MAAS (existing: ${domains.map((d) => d.name).join(', ') || 'none'})`,
      );
    }
    const fqdn = configuredFqdn({ name: planned.name, domain: planned.domain })!;
    return { type, name: planned.name, domain: planned.domain, fqdn, ttl, data };
  }
  const fqdn = typeof planned.fqdn === 'string' ? planned.fqdn.replace(/\.$/, '') : undefined;
  if (!fqdn) throw new ProviderError('maas_dns_record: neither fqdn nor name and domain are known');
  const loc = await locate(ctx, type, fqdn, planned);
  if (!loc) throw new ProviderError(`maas_dns_record: no MAAS domain matches ${fqdn} (create the domain first, or fix the name)`);
  return { ...loc, ttl, data };
}

/** The data as MAAS has it, spelled like the hints when equal, in the hints' order. */
function mirror(actual: string[], hinted: Value | undefined, same: (a: string, b: string) => boolean): string[] {
  const hints = Array.isArray(hinted) ? hinted.filter((h): h is string => typeof h === 'string') : [];
  const out: string[] = [];
  for (const h of hints) if (actual.some((a) => same(a, h)) && !out.some((o) => same(o, h))) out.push(h);
  for (const a of actual) if (!out.some((o) => same(o, a))) out.push(a);
  return out;
}

function stateOf(loc: RecordLocation, ttl: number | null, data: string[], hints: Attributes | null): Attributes {
  const textSame = (a: string, b: string) => a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();
  const fqdn = typeof hints?.fqdn === 'string' && textSame(hints.fqdn, loc.fqdn) ? hints.fqdn : loc.fqdn;
  return {
    type: loc.type,
    fqdn,
    name: loc.name,
    domain: loc.domain,
    ttl,
    data: mirror(data, hints?.data, isAddressType(loc.type) ? sameIp : textSame),
  };
}

async function findResource(ctx: OperationContext, loc: RecordLocation): Promise<MaasDnsResource | null | undefined> {
  const list = await ctx.api.listDnsResources({ name: loc.name, domain: loc.domain }, ctx.signal);
  if (list === null) return null; // the domain is gone
  return list.find((r) => r.id >= 0 && r.fqdn.toLowerCase() === loc.fqdn.toLowerCase()) ?? list.find((r) => r.id >= 0);
}

async function findRecords(ctx: OperationContext, loc: RecordLocation): Promise<MaasDnsData[] | null> {
  const list = await ctx.api.listDnsRecords({ name: loc.name, domain: loc.domain, rrtype: loc.type }, ctx.signal);
  return list === null ? null : list.filter((r) => r.rrtype.toUpperCase() === loc.type);
}

async function readAt(ctx: OperationContext, loc: RecordLocation, hints: Attributes | null): Promise<Attributes | null> {
  if (isAddressType(loc.type)) {
    const res = await findResource(ctx, loc);
    if (!res) return null;
    const ips = ipsOf(res, family(loc.type));
    return ips.length ? stateOf(loc, res.address_ttl ?? null, ips, hints) : null;
  }
  const records = await findRecords(ctx, loc);
  if (!records || records.length === 0) return null;
  return stateOf(
    loc,
    records[0]!.ttl ?? null,
    records.map((r) => r.rrdata),
    hints,
  );
}

export async function readDnsRecord(ctx: OperationContext, id: string, hints: Attributes | null): Promise<Attributes | null> {
  const parsed = parseDnsRecordId(id);
  if (!parsed) throw new ProviderError(`maas_dns_record: "${id}" is not a record id (expected <TYPE>:<fqdn>, like A:kuma.maas)`);
  const loc = await locate(ctx, parsed.type, parsed.fqdn, hints);
  return loc ? readAt(ctx, loc, hints) : null;
}

function conflict(s: RecordSpec, existing: string[]): ProviderError {
  return new ProviderError(
    `MAAS already has ${s.type} data for ${s.fqdn} (${existing.join(', ')}); ` +
      `import it with \`hl import <address> ${dnsRecordId(s.type, s.fqdn)}\` or remove it first`,
  );
}

async function mustRead(ctx: OperationContext, s: RecordSpec, planned: Attributes): Promise<Attributes> {
  const state = await readAt(ctx, s, planned);
  if (!state) throw new ProviderError(`maas_dns_record ${dnsRecordId(s.type, s.fqdn)} disappeared right after it was written`);
  return state;
}

export async function createDnsRecord(ctx: OperationContext, planned: Attributes): Promise<CreateResponse> {
  const s = await spec(ctx, planned);
  const id = dnsRecordId(s.type, s.fqdn);
  ctx.progress?.(`creating MAAS DNS ${s.type} ${s.fqdn} → ${s.data.join(', ')}`);
  if (isAddressType(s.type)) {
    const res = await findResource(ctx, s);
    if (res) {
      const ours = ipsOf(res, family(s.type));
      if (ours.length && !sameAddressSet(ours, s.data)) throw conflict(s, ours);
      const other = ipsOf(res, s.type === 'A' ? 6 : 4);
      if (!ours.length || (s.ttl !== null && res.address_ttl !== s.ttl)) {
        await ctx.api.updateDnsResource(res.id, { ip_addresses: [...other, ...s.data].join(' '), address_ttl: s.ttl }, ctx.signal);
      }
    } else {
      await ctx.api.createDnsResource({ name: s.name, domain: s.domain, ip_addresses: s.data.join(' '), address_ttl: s.ttl }, ctx.signal);
    }
    return { id, state: await mustRead(ctx, s, planned) };
  }
  const existing = (await findRecords(ctx, s)) ?? [];
  if (existing.length) {
    if (
      !sameTextSet(
        existing.map((r) => r.rrdata),
        s.data,
      )
    )
      throw conflict(
        s,
        existing.map((r) => r.rrdata),
      );
  } else {
    const made: number[] = [];
    try {
      for (const rrdata of s.data) {
        const r = await ctx.api.createDnsRecord({ name: s.name, domain: s.domain, rrtype: s.type, rrdata, ttl: s.ttl }, ctx.signal);
        made.push(r.id);
      }
    } catch (err) {
      for (const rid of made) await ctx.api.deleteDnsRecord(rid, ctx.signal).catch(() => undefined);
      throw err;
    }
  }
  return { id, state: await mustRead(ctx, s, planned) };
}

export async function updateDnsRecord(ctx: OperationContext, planned: Attributes): Promise<Attributes> {
  const s = await spec(ctx, planned);
  ctx.progress?.(`updating MAAS DNS ${s.type} ${s.fqdn}`);
  if (isAddressType(s.type)) {
    const res = await findResource(ctx, s);
    if (!res) {
      await ctx.api.createDnsResource({ name: s.name, domain: s.domain, ip_addresses: s.data.join(' '), address_ttl: s.ttl }, ctx.signal);
    } else {
      const other = ipsOf(res, s.type === 'A' ? 6 : 4);
      const dropped = ipsOf(res, family(s.type)).filter((ip) => !s.data.some((d) => sameIp(d, ip)));
      await ctx.api.updateDnsResource(
        res.id,
        { ip_addresses: [...other, ...s.data].join(' '), address_ttl: addressTtlField(s.ttl, res.address_ttl ?? null) },
        ctx.signal,
      );
      await releaseDropped(ctx, dropped);
    }
    return mustRead(ctx, s, planned);
  }
  const existing = (await findRecords(ctx, s)) ?? [];
  const norm = (x: string) => x.replace(/\.$/, '').toLowerCase();
  for (const r of existing) {
    if (!s.data.some((d) => norm(d) === norm(r.rrdata))) await ctx.api.deleteDnsRecord(r.id, ctx.signal);
    else if (r.ttl !== s.ttl) await ctx.api.updateDnsRecord(r.id, { ttl: s.ttl ?? '' }, ctx.signal);
  }
  for (const rrdata of s.data) {
    if (!existing.some((r) => norm(r.rrdata) === norm(rrdata))) {
      await ctx.api.createDnsRecord({ name: s.name, domain: s.domain, rrtype: s.type, rrdata, ttl: s.ttl }, ctx.signal);
    }
  }
  return mustRead(ctx, s, planned);
}

export async function deleteDnsRecord(ctx: OperationContext, id: string, prior: Attributes): Promise<void> {
  const parsed = parseDnsRecordId(id);
  if (!parsed) throw new ProviderError(`maas_dns_record: "${id}" is not a record id`);
  const loc = await locate(ctx, parsed.type, parsed.fqdn, prior);
  if (!loc) return;
  ctx.progress?.(`deleting MAAS DNS ${loc.type} ${loc.fqdn}`);
  if (isAddressType(loc.type)) {
    const res = await findResource(ctx, loc);
    if (!res) return;
    const other = ipsOf(res, loc.type === 'A' ? 6 : 4);
    const ours = ipsOf(res, family(loc.type));
    if (other.length || res.resource_records.length) {
      await ctx.api.updateDnsResource(res.id, { ip_addresses: other.join(' ') }, ctx.signal);
      await releaseDropped(ctx, ours);
    } else {
      await ctx.api.deleteDnsResource(res.id, ctx.signal);
      if (!dnsDeleteFreesAddresses(await ctx.api.serverRelease(ctx.signal))) await releaseDropped(ctx, ours);
    }
    return;
  }
  for (const r of (await findRecords(ctx, loc)) ?? []) await ctx.api.deleteDnsRecord(r.id, ctx.signal);
}

export async function importDnsRecord(ctx: OperationContext, id: string): Promise<{ id: string; state: Attributes } | null> {
  const parsed = parseDnsRecordId(id);
  if (!parsed) throw new ProviderError(`maas_dns_record: import id "${id}" must look like <TYPE>:<fqdn>, e.g. A:kuma.maas`);
  const state = await readDnsRecord(ctx, dnsRecordId(parsed.type, parsed.fqdn), null);
  return state ? { id: dnsRecordId(parsed.type, parsed.fqdn), state } : null;
}

/** After an interrupted create: the record is findable by its planned name; adopt it when its data matches. */
export async function recoverDnsRecord(ctx: OperationContext, planned: Attributes): Promise<CreateResponse | null> {
  const s = await spec(ctx, planned).catch(() => null);
  if (!s) return null;
  const state = await readAt(ctx, s, planned);
  if (!state) return null;
  const data = Array.isArray(state.data) ? state.data.filter((d): d is string => typeof d === 'string') : [];
  const same = isAddressType(s.type) ? sameAddressSet(data, s.data) : sameTextSet(data, s.data);
  return same ? { id: dnsRecordId(s.type, s.fqdn), state } : null;
}
