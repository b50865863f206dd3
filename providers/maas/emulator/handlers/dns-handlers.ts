/**
 * `dnsresources/` and `dnsresourcerecords/` (MAAS's DNSResourcesHandler and
 * DNSResourceRecordsHandler): fqdn is split at an existing domain when name and domain are
 * not given; an unknown domain answers 404 "No Domain matches the given query."; a DNS
 * resource holds addresses (`ip_addresses`, space-separated on input) and DNS data records
 * (CNAME, MX, NS, SRV, SSHFP, TXT) with MAAS's rules: "CNAME records for a name cannot
 * coexist with non-CNAME records.", "Only one CNAME can be associated with a name.",
 * and a record whose TTL differs from the others of its name and type is accepted (MAAS only
 * logs "TTL of %d differs from other resource records TTL of %d.": models/dnsdata.py
 * DNSData.clean). Deleting a resource's last record deletes the resource.
 * Addresses: see static-ip-addresses.ts (kept allocated when dropped; freed on delete by
 * release). The name of a resource with addresses is checked by validate_dnsresource_name
 * (forms/dnsresource.py DNSResourceForm.clean, only when `ip_addresses` is sent); a CNAME or
 * TXT name is not checked at all. An empty `address_ttl` clears the TTL (the form keeps
 * None for it: DNSResourceForm._post_clean), an absent one keeps it (APIEditMixin).
 */
import { addressRecordNameProblem, domainNameProblem } from '../../net/dns-name.js';
import { formatIp, parseIp } from '../../net/ip-address.js';
import type { Handler, HandlerContext } from '../handler-context.js';
import { renderDnsData, renderDnsResource } from '../maas-render.js';
import {
  REQUIRED,
  apiException,
  deleted,
  formValue,
  json,
  notFound,
  validationErrors,
  validationMessage,
  type EmulatorResponse,
} from '../maas-responses.js';
import { allocateForDns, freeOnResourceDelete } from '../static-ip-addresses.js';
import { domainBySpecifier } from '../world-queries.js';
import { nextId, type MaasWorld, type WorldDnsData, type WorldDnsResource, type WorldDomain } from '../world.js';

const SUPPORTED_RRTYPES = ['CNAME', 'MX', 'NS', 'SRV', 'SSHFP', 'TXT'];
const CNAME_AND_OTHER_MSG = 'CNAME records for a name cannot coexist with non-CNAME records.';
const MULTI_CNAME_MSG = 'Only one CNAME can be associated with a name.';
const INVALID_CNAME_MSG = "Invalid CNAME: Should be '<server>'.";

/** maasserver.models.dnsresource.separate_fqdn: name and domain of an fqdn. */
function separateFqdn(world: MaasWorld, fqdn: string): { name: string; domain: string } {
  const f = fqdn.replace(/\.$/, '');
  if (world.domains.some((d) => d.name === f)) return { name: '@', domain: f };
  const dot = f.indexOf('.');
  return dot < 0 ? { name: f, domain: '' } : { name: f.slice(0, dot), domain: f.slice(dot + 1) };
}

/** Resolves the fqdn/name/domain triple of a request; a Response when the domain is unknown. */
function nameAndDomain(ctx: HandlerContext, params: URLSearchParams): { name?: string; domain?: WorldDomain } | EmulatorResponse {
  let name = params.get('name') ?? undefined;
  let domainSpec = params.get('domain') ?? undefined;
  const fqdn = params.get('fqdn') ?? undefined;
  if (domainSpec === undefined && name === undefined && fqdn !== undefined) ({ name, domain: domainSpec } = separateFqdn(ctx.world, fqdn));
  if (domainSpec === undefined) return { ...(name !== undefined ? { name } : {}) };
  const domain = /^\d+$/.test(domainSpec) ? domainBySpecifier(ctx.world, domainSpec) : domainBySpecifier(ctx.world, `name:${domainSpec}`);
  if (!domain) return notFound('Domain');
  return { ...(name !== undefined ? { name } : {}), domain };
}

function dataOf(world: MaasWorld, r: WorldDnsResource): WorldDnsData[] {
  return world.dnsdata.filter((d) => d.dnsresource_id === r.id);
}

function splitAddresses(text: string): string[] {
  return text.split(/[\s,]+/).filter((x) => x !== '');
}

// --- dnsresources/ ----------------------------------------------------------------------

const listResources: Handler = (ctx) => {
  const nd = nameAndDomain(ctx, ctx.req.query);
  if ('status' in nd) return nd;
  const rrtype = ctx.req.query.get('rrtype')?.toUpperCase();
  const out = ctx.world.dnsresources.filter((r) => {
    if (nd.domain && r.domain_id !== nd.domain.id) return false;
    if (nd.name !== undefined && r.name !== nd.name) return false;
    // api/dnsresources.py filters on `dnsdata__rrtype`: addresses are not DNS data, so
    // rrtype=A finds only resources with an A data record (MAAS has none)
    if (rrtype) return dataOf(ctx.world, r).some((d) => d.rrtype === rrtype);
    return true;
  });
  return json(out.map((r) => renderDnsResource(ctx.world, r)));
};

function checkResourceForm(
  ctx: HandlerContext,
  self: WorldDnsResource | undefined,
  name: string | undefined,
  domain: WorldDomain | undefined,
): { errors: Record<string, string[]>; ips?: string[]; ttl?: number | null } {
  const f = ctx.req.form;
  const errors: Record<string, string[]> = {};
  if (!self) {
    if (!name) errors.name = [REQUIRED];
    if (!domain) errors.domain = [REQUIRED];
  }
  const effName = name ?? self?.name;
  const effDomain = domain?.id ?? self?.domain_id;
  // models/dnsresource.py DNSResource.clean: checked for a new resource only
  if (!self && effName && effDomain !== undefined && ctx.world.dnsresources.some((r) => r.name === effName && r.domain_id === effDomain)) {
    errors.__all__ = ['Labels must be unique within their zone.'];
  }
  if (formValue(f, 'ip_addresses') !== undefined && effName !== undefined) {
    const p = addressRecordNameProblem(effName);
    if (p) errors.__all__ = [...(errors.__all__ ?? []), p];
  }
  let ttl: number | null | undefined;
  const ttlText = formValue(f, 'address_ttl');
  if (ttlText === '') ttl = null;
  else if (ttlText !== undefined) {
    if (!/^\d+$/.test(ttlText)) errors.address_ttl = ['Enter a whole number.'];
    else ttl = Number(ttlText);
  }
  let ips: string[] | undefined;
  const ipText = formValue(f, 'ip_addresses');
  if (ipText !== undefined) {
    ips = [];
    const bad: string[] = [];
    for (const x of splitAddresses(ipText)) {
      const ip = parseIp(x);
      if (!ip) bad.push(`'${x}' is not a valid IP address.`);
      else if (!ips.includes(formatIp(ip))) ips.push(formatIp(ip));
    }
    if (bad.length) errors.ip_addresses = bad;
    if (ips.length && self && dataOf(ctx.world, self).some((d) => d.rrtype === 'CNAME')) {
      errors.__all__ = [...(errors.__all__ ?? []), 'Cannot add address: CNAME present.'];
    }
  }
  return { errors, ...(ips !== undefined ? { ips } : {}), ...(ttl !== undefined ? { ttl } : {}) };
}

const createResource: Handler = (ctx) => {
  const params = new URLSearchParams(ctx.req.form);
  const nd = nameAndDomain(ctx, params);
  if ('status' in nd) return nd;
  const { errors, ips, ttl } = checkResourceForm(ctx, undefined, nd.name, nd.domain);
  if (Object.keys(errors).length) return validationErrors(errors);
  const r: WorldDnsResource = {
    id: nextId(ctx.world, 'dnsresource'),
    name: nd.name!,
    domain_id: nd.domain!.id,
    address_ttl: ttl ?? null,
    ip_addresses: ips ?? [],
  };
  allocateForDns(ctx.world, r.ip_addresses, ctx.world.admin_user);
  ctx.world.dnsresources.push(r);
  ctx.changed();
  return json(renderDnsResource(ctx.world, r));
};

function resourceOf(ctx: HandlerContext): WorldDnsResource | undefined {
  return ctx.world.dnsresources.find((r) => String(r.id) === ctx.params[0]);
}

const readResource: Handler = (ctx) => {
  const r = resourceOf(ctx);
  return r ? json(renderDnsResource(ctx.world, r)) : notFound('DNSResource');
};

const updateResource: Handler = (ctx) => {
  const params = new URLSearchParams(ctx.req.form);
  const nd = nameAndDomain(ctx, params);
  if ('status' in nd) return nd;
  const r = resourceOf(ctx);
  if (!r) return notFound('DNSResource');
  const { errors, ips, ttl } = checkResourceForm(ctx, r, nd.name, nd.domain);
  if (Object.keys(errors).length) return validationErrors(errors);
  if (nd.name !== undefined) r.name = nd.name;
  if (nd.domain) r.domain_id = nd.domain.id;
  if (ips !== undefined) {
    // a dropped address is only unlinked: it stays allocated (static-ip-addresses.ts)
    allocateForDns(ctx.world, ips, ctx.world.admin_user);
    r.ip_addresses = ips;
  }
  if (ttl !== undefined) r.address_ttl = ttl;
  ctx.changed();
  return json(renderDnsResource(ctx.world, r));
};

const deleteResource: Handler = (ctx) => {
  const r = resourceOf(ctx);
  if (!r) return notFound('DNSResource');
  freeOnResourceDelete(ctx.world, ctx.profile, r);
  ctx.world.dnsresources = ctx.world.dnsresources.filter((x) => x !== r);
  ctx.world.dnsdata = ctx.world.dnsdata.filter((d) => d.dnsresource_id !== r.id);
  ctx.changed();
  return deleted();
};

// --- dnsresourcerecords/ ----------------------------------------------------------------

const listRecords: Handler = (ctx) => {
  const q = ctx.req.query;
  const params = new URLSearchParams(q);
  const nd = nameAndDomain(ctx, params);
  if ('status' in nd) return nd;
  const rrtype = q.get('rrtype')?.toUpperCase();
  const out = ctx.world.dnsdata.filter((d) => {
    const r = ctx.world.dnsresources.find((x) => x.id === d.dnsresource_id)!;
    if (nd.domain && r.domain_id !== nd.domain.id) return false;
    if (nd.name !== undefined && r.name !== nd.name) return false;
    if (rrtype && d.rrtype !== rrtype) return false;
    return true;
  });
  return json(out.map((d) => renderDnsData(ctx.world, d)));
};

/** DNSDataForm + DNSData.clean for a record on `resource` (self excluded when updating). */
function checkData(
  world: MaasWorld,
  resource: WorldDnsResource,
  self: WorldDnsData | undefined,
  rrtype: string,
  rrdata: string,
): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (!SUPPORTED_RRTYPES.includes(rrtype)) {
    errors.rrtype = [
      `'${rrtype}' is not a valid resource record type.  It should be one of: ${SUPPORTED_RRTYPES.map((t) => `'${t}'`).join(', ')}.`,
    ];
    return errors;
  }
  const others = dataOf(world, resource).filter((d) => d !== self);
  if (rrtype === 'CNAME') {
    if (domainNameProblem(rrdata.replace(/\.$/, ''))) errors.rrdata = [INVALID_CNAME_MSG];
    if (others.some((d) => d.rrtype === 'CNAME')) errors.__all__ = [MULTI_CNAME_MSG];
    else if (others.length || resource.ip_addresses.length) errors.__all__ = [CNAME_AND_OTHER_MSG];
  } else if (others.some((d) => d.rrtype === 'CNAME')) {
    errors.__all__ = [CNAME_AND_OTHER_MSG];
  }
  return errors;
}

const createRecord: Handler = (ctx) => {
  const f = ctx.req.form;
  const rrtype = formValue(f, 'rrtype');
  const rrdata = formValue(f, 'rrdata');
  if (rrtype === undefined) return apiException(400, 'rrtype must be provided.');
  if (rrdata === undefined) return apiException(400, 'rrdata must be provided.');
  const params = new URLSearchParams(f);
  const nd = nameAndDomain(ctx, params);
  if ('status' in nd) return nd;
  if (!nd.domain || nd.name === undefined) return validationMessage('Either name and domain (or fqdn) must be specified');
  const ttlText = formValue(f, 'ttl');
  if (ttlText !== undefined && ttlText !== '' && !/^\d+$/.test(ttlText)) return validationErrors({ ttl: ['Enter a whole number.'] });
  const ttl = ttlText ? Number(ttlText) : null;
  let resource = ctx.world.dnsresources.find((r) => r.name === nd.name && r.domain_id === nd.domain!.id);
  let created = false;
  if (!resource) {
    resource = { id: nextId(ctx.world, 'dnsresource'), name: nd.name, domain_id: nd.domain.id, address_ttl: null, ip_addresses: [] };
    created = true;
  }
  const errors = checkData(ctx.world, resource, undefined, rrtype.toUpperCase(), rrdata);
  if (Object.keys(errors).length) return validationErrors(errors);
  if (created) ctx.world.dnsresources.push(resource);
  const d: WorldDnsData = { id: nextId(ctx.world, 'dnsdata'), dnsresource_id: resource.id, rrtype: rrtype.toUpperCase(), rrdata, ttl };
  ctx.world.dnsdata.push(d);
  ctx.changed();
  return json(renderDnsData(ctx.world, d));
};

function recordOf(ctx: HandlerContext): WorldDnsData | undefined {
  return ctx.world.dnsdata.find((d) => String(d.id) === ctx.params[0]);
}

const readRecord: Handler = (ctx) => {
  const d = recordOf(ctx);
  return d ? json(renderDnsData(ctx.world, d)) : notFound('DNSData');
};

const updateRecord: Handler = (ctx) => {
  const d = recordOf(ctx);
  if (!d) return notFound('DNSData');
  const f = ctx.req.form;
  const rrtype = (formValue(f, 'rrtype') ?? d.rrtype).toUpperCase();
  const rrdata = formValue(f, 'rrdata') ?? d.rrdata;
  const ttlText = formValue(f, 'ttl');
  if (ttlText !== undefined && ttlText !== '' && !/^\d+$/.test(ttlText)) return validationErrors({ ttl: ['Enter a whole number.'] });
  const ttl = ttlText === undefined ? d.ttl : ttlText === '' ? null : Number(ttlText);
  const resource = ctx.world.dnsresources.find((r) => r.id === d.dnsresource_id)!;
  const errors = checkData(ctx.world, resource, d, rrtype, rrdata);
  if (Object.keys(errors).length) return validationErrors(errors);
  d.rrtype = rrtype;
  d.rrdata = rrdata;
  d.ttl = ttl;
  ctx.changed();
  return json(renderDnsData(ctx.world, d));
};

const deleteRecord: Handler = (ctx) => {
  const d = recordOf(ctx);
  if (!d) return notFound('DNSData');
  ctx.world.dnsdata = ctx.world.dnsdata.filter((x) => x !== d);
  const r = ctx.world.dnsresources.find((x) => x.id === d.dnsresource_id);
  if (r && r.ip_addresses.length === 0 && dataOf(ctx.world, r).length === 0) {
    ctx.world.dnsresources = ctx.world.dnsresources.filter((x) => x !== r);
  }
  ctx.changed();
  return deleted();
};

export const dnsRoutes = {
  dnsresources: { GET: listResources, POST: createResource },
  dnsresource: { GET: readResource, PUT: updateResource, DELETE: deleteResource },
  dnsresourcerecords: { GET: listRecords, POST: createRecord },
  dnsresourcerecord: { GET: readRecord, PUT: updateRecord, DELETE: deleteRecord },
} satisfies Record<string, Record<string, Handler>>;
