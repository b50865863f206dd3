/**
 * `maas_dns_record`: its attributes, plan-time checks and planning (pure).
 *
 * Shape (schemas/maas_dns_record.schema.json):
 *   type: A | AAAA | CNAME | TXT
 *   fqdn: kuma.maas            # or name: kuma + domain: maas
 *   ttl: 300                   # optional (MAAS's domain default otherwise)
 *   data: [192.168.4.60]       # A/AAAA: addresses; CNAME: one target; TXT: one string per record
 * The id is `<type>:<fqdn>` (e.g. `A:kuma.maas`), which is also the import id.
 *
 * MAAS keeps A and AAAA addresses on one DNS resource per name (`dnsresources/`, address_ttl
 * shared), and CNAME/TXT as DNS data records (`dnsresourcerecords/`). A record of one type
 * leaves the other types at the same name alone.
 */
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { UNKNOWN, type Attributes, type Path, type Value } from '../../../src/core/value.js';
import { forceNewChanges, type ForceNewRule, type ForceNewValues } from '../../../src/provider/force-new.js';
import { maasProviderSchema } from '../provider-schema.js';
import { isUnknownValue } from '../unknown-value.js';
import { formatIp, parseIp } from '../net/ip-address.js';
import { addressRecordNameProblem, domainNameProblem, recordNameProblem } from '../net/dns-name.js';

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export function isDnsRecordType(v: Value | undefined): v is DnsRecordType {
  return typeof v === 'string' && (DNS_RECORD_TYPES as readonly string[]).includes(v);
}

export function isAddressType(t: DnsRecordType): t is 'A' | 'AAAA' {
  return t === 'A' || t === 'AAAA';
}

export function dnsRecordId(type: DnsRecordType, fqdn: string): string {
  return `${type}:${fqdn}`;
}

export function parseDnsRecordId(id: string): { type: DnsRecordType; fqdn: string } | undefined {
  const m = /^([A-Za-z]+):(.+)$/.exec(id.trim());
  if (!m) return undefined;
  const type = m[1]!.toUpperCase();
  if (!isDnsRecordType(type) || !m[2]!.includes('.')) return undefined;
  return { type, fqdn: m[2]!.replace(/\.$/, '') };
}

const MAX_TTL = 2_147_483_647;

function problem(path: Path, message: string): AttributeProblem {
  return { path, message, severity: 'error' };
}

function given(v: Value | undefined): boolean {
  return v !== undefined && v !== null;
}

/**
 * The rule for the record's own name: an A/AAAA name is what MAAS's validate_dnsresource_name
 * accepts (one label, no underscore, or `@`/`*`: net/dns-name.ts), a CNAME/TXT name may hold
 * underscores and several labels (`_acme-challenge`, `_sip._tcp`).
 */
function nameProblemFor(type: Value | undefined): (name: string) => string | undefined {
  return isDnsRecordType(type) && isAddressType(type) ? addressRecordNameProblem : recordNameProblem;
}

export function validateDnsRecordConfig(config: Attributes): AttributeProblem[] {
  const out: AttributeProblem[] = [];
  const type = config.type;
  const nameProblem = nameProblemFor(type);
  if (!given(type)) out.push(problem(['type'], `type is required (one of ${DNS_RECORD_TYPES.join(', ')})`));
  else if (!isUnknownValue(type) && !isDnsRecordType(type)) {
    out.push(problem(['type'], `type must be one of ${DNS_RECORD_TYPES.join(', ')}, got ${JSON.stringify(type)}`));
  }

  const hasFqdn = given(config.fqdn);
  const hasName = given(config.name) || given(config.domain);
  if (hasFqdn && hasName) out.push(problem(['fqdn'], 'set either fqdn or name and domain, not both'));
  else if (!hasFqdn && !hasName) out.push(problem([], 'set fqdn, or name and domain'));
  else if (hasFqdn && !isUnknownValue(config.fqdn)) {
    const fqdn = config.fqdn;
    if (typeof fqdn !== 'string' || !fqdn.replace(/\.$/, '').includes('.')) {
      out.push(problem(['fqdn'], `fqdn must be a name with its domain, like kuma.maas, got ${JSON.stringify(fqdn)}`));
    } else {
      // the domain is the longest MAAS domain the fqdn ends with, known only at apply: at least
      // the first label is the record's name, and the last ones a domain
      const [name, ...rest] = fqdn.replace(/\.$/, '').split('.');
      const p = nameProblem(name!) ?? domainNameProblem(rest.join('.'));
      if (p) out.push(problem(['fqdn'], `invalid fqdn "${fqdn}": ${p}`));
    }
  } else if (hasName) {
    if (!given(config.name)) out.push(problem(['name'], 'name is required with domain'));
    else if (!isUnknownValue(config.name)) {
      const name = config.name;
      const p = typeof name === 'string' ? nameProblem(name) : 'name must be a string';
      if (p) out.push(problem(['name'], `invalid name ${JSON.stringify(name)}: ${p}`));
    }
    if (!given(config.domain)) out.push(problem(['domain'], 'domain is required with name'));
    else if (!isUnknownValue(config.domain)) {
      const domain = config.domain;
      const p = typeof domain === 'string' ? domainNameProblem(domain) : 'domain must be a string';
      if (p) out.push(problem(['domain'], `invalid domain ${JSON.stringify(domain)}: ${p}`));
    }
  }

  const ttl = config.ttl;
  if (given(ttl) && !isUnknownValue(ttl) && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL)) {
    out.push(problem(['ttl'], `ttl must be a whole number of seconds from 0 to ${MAX_TTL}`));
  }

  const data = config.data;
  if (!given(data)) {
    out.push(problem(['data'], 'data is required: the addresses (A/AAAA), the target (CNAME) or the texts (TXT)'));
    return out;
  }
  if (isUnknownValue(data)) return out;
  if (!Array.isArray(data) || data.length === 0) {
    out.push(problem(['data'], 'data must be a non-empty list'));
    return out;
  }
  if (!isDnsRecordType(type)) return out;
  const seen = new Set<string>();
  data.forEach((item, i) => {
    if (isUnknownValue(item)) return;
    if (typeof item !== 'string' || item === '') {
      out.push(problem(['data', i], 'each data item must be a non-empty string'));
      return;
    }
    let key = item;
    if (isAddressType(type)) {
      const ip = parseIp(item);
      if (!ip) out.push(problem(['data', i], `${JSON.stringify(item)} is not an IP address`));
      else if ((type === 'A') !== (ip.version === 4)) {
        out.push(problem(['data', i], `${item} is an IPv${ip.version} address; an ${type} record takes IPv${type === 'A' ? 4 : 6}`));
      } else key = formatIp(ip);
    } else if (type === 'CNAME') {
      const p = domainNameProblem(item.replace(/\.$/, ''));
      if (p) out.push(problem(['data', i], `CNAME target "${item}" is not a DNS name: ${p}`));
    } else if (item.length > 2048) {
      out.push(problem(['data', i], 'a TXT record text may be at most 2048 characters'));
    }
    if (seen.has(key)) out.push(problem(['data', i], `${item} is listed twice`));
    seen.add(key);
  });
  if (type === 'CNAME' && data.length > 1) out.push(problem(['data'], 'a CNAME record has exactly one target'));
  return out;
}

/** The fqdn the config names, when known at plan time. */
export function configuredFqdn(config: Attributes): string | undefined {
  if (typeof config.fqdn === 'string') return config.fqdn.replace(/\.$/, '');
  if (typeof config.name === 'string' && typeof config.domain === 'string') {
    return config.name === '@' ? config.domain : `${config.name}.${config.domain}`;
  }
  return undefined;
}

/** Where the record moves, when config names another fqdn than the one it has. */
function moved({ prior, config }: ForceNewValues): { from: string; to: string } | undefined {
  const to = configuredFqdn(config);
  const from = typeof prior.fqdn === 'string' ? prior.fqdn.toLowerCase() : undefined;
  return to !== undefined && from !== undefined && from !== to.toLowerCase() ? { from, to } : undefined;
}

function movedReason(v: ForceNewValues): string {
  const m = moved(v)!;
  return `the record moves from ${m.from} to ${m.to}: MAAS records are created anew under the new name`;
}

/**
 * How a change of each forceNew attribute (provider-schema.ts) is seen: another type; another
 * fqdn (names compared without case), reported at `fqdn` when config sets it, else at `name`
 * (a change of `domain` moves the record under `name` too).
 */
const DNS_RECORD_REPLACEMENTS: Record<string, ForceNewRule> = {
  type: {
    changed: ({ prior, config }) => isDnsRecordType(config.type) && prior.type !== config.type,
    reason: ({ prior, config }) => `a ${String(prior.type)} record cannot become a ${String(config.type)} record in place`,
  },
  fqdn: { changed: (v) => given(v.config.fqdn) && moved(v) !== undefined, reason: movedReason },
  name: { changed: (v) => !given(v.config.fqdn) && moved(v) !== undefined, reason: movedReason },
  domain: { reportedUnder: 'name' },
};

export function planDnsRecord(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const planned: Attributes = { type: config.type ?? null };
  const fqdn = configuredFqdn(config);
  if (given(config.fqdn)) {
    planned.fqdn = config.fqdn!;
    const same = prior && typeof prior.fqdn === 'string' && fqdn !== undefined && prior.fqdn.toLowerCase() === fqdn.toLowerCase();
    planned.name = same ? (prior.name ?? UNKNOWN) : UNKNOWN;
    planned.domain = same ? (prior.domain ?? UNKNOWN) : UNKNOWN;
  } else {
    planned.name = config.name ?? null;
    planned.domain = config.domain ?? null;
    planned.fqdn = fqdn ?? UNKNOWN;
  }
  planned.ttl = config.ttl ?? null;
  planned.data = config.data ?? null;

  const attributes = maasProviderSchema().resources.maas_dns_record!.attributes;
  const requiresReplace = prior ? forceNewChanges(attributes, { prior, planned, config }, DNS_RECORD_REPLACEMENTS) : [];
  return { planned, requiresReplace, notes: [], problems: [] };
}
