/**
 * Read-mostly network objects: `subnets/` (with the reserved_ip_ranges,
 * unreserved_ip_ranges and ip_addresses operations), `ipranges/`, `domains/`, `zones/`,
 * and the anonymous `version/`.
 */
import { domainNameProblem } from '../../net/dns-name.js';
import { parseCidr, rangeSize } from '../../net/ip-address.js';
import type { Handler, HandlerContext } from '../handler-context.js';
import { renderDomain, renderIpRange, renderSubnet, renderZone } from '../maas-render.js';
import { REQUIRED, apiException, deleted, formValue, json, notFound, validationErrors, validationMessage } from '../maas-responses.js';
import { domainBySpecifier, fqdnOf, freeRanges, ipText, ipUses, subnetBySpecifier, usedRanges } from '../world-queries.js';
import { nextId, type WorldDomain, type WorldSubnet } from '../world.js';
import { cidrContains, parseIp } from '../../net/ip-address.js';

function subnetOf(ctx: HandlerContext): WorldSubnet | undefined {
  return subnetBySpecifier(ctx.world, decodeURIComponent(ctx.params[0]!));
}

const listSubnets: Handler = (ctx) => json(ctx.world.subnets.map((s) => renderSubnet(ctx.world, s)));

const readSubnet: Handler = (ctx) => {
  const s = subnetOf(ctx);
  return s ? json(renderSubnet(ctx.world, s)) : notFound('Subnet');
};

const reservedIpRanges: Handler = (ctx) => {
  const s = subnetOf(ctx);
  if (!s) return notFound('Subnet');
  const version = parseCidr(s.cidr)!.version;
  return json(
    usedRanges(ctx.world, s).map((r) => ({
      start: ipText(version, r.start),
      end: ipText(version, r.end),
      purpose: r.purpose,
      num_addresses: rangeSize({ start: { version, value: r.start }, end: { version, value: r.end } }),
    })),
  );
};

const unreservedIpRanges: Handler = (ctx) => {
  const s = subnetOf(ctx);
  if (!s) return notFound('Subnet');
  const version = parseCidr(s.cidr)!.version;
  return json(
    freeRanges(ctx.world, s).map((r) => ({
      start: ipText(version, r.start),
      end: ipText(version, r.end),
      num_addresses: rangeSize({ start: { version, value: r.start }, end: { version, value: r.end } }),
    })),
  );
};

const subnetIpAddresses: Handler = (ctx) => {
  const s = subnetOf(ctx);
  if (!s) return notFound('Subnet');
  const cidr = parseCidr(s.cidr)!;
  const withSummary = ctx.req.query.get('with_summary') !== '0';
  const withUsername = ctx.req.query.get('with_username') !== '0';
  const out = ipUses(ctx.world)
    .filter((u) => {
      const ip = parseIp(u.ip);
      return ip !== undefined && cidrContains(cidr, ip);
    })
    .map((u) => ({
      ip: u.ip,
      alloc_type: u.node ? 1 : 4,
      alloc_type_name: u.node ? 'Sticky' : 'User reserved',
      created: '2025-01-22T10:00:00.000',
      updated: '2025-01-22T10:00:00.000',
      ...(withUsername ? { user: ctx.world.admin_user } : {}),
      ...(withSummary && u.node
        ? {
            node_summary: {
              system_id: u.node.system_id,
              node_type: u.node.node_type,
              fqdn: fqdnOf(ctx.world, u.node),
              hostname: u.node.hostname,
              is_container: false,
              via: u.iface?.name,
            },
          }
        : {}),
    }));
  return json(out);
};

const listIpRanges: Handler = (ctx) => json(ctx.world.ipranges.map((r) => renderIpRange(ctx.world, r)));

const listDomains: Handler = (ctx) => json(ctx.world.domains.map((d) => renderDomain(ctx.world, d)));

const readDomain: Handler = (ctx) => {
  const d = domainBySpecifier(ctx.world, decodeURIComponent(ctx.params[0]!));
  return d ? json(renderDomain(ctx.world, d)) : notFound('Domain');
};

/**
 * src/maasserver/forms/domain.py DomainForm: `ttl` an integer from 1 to 604800 (empty: none),
 * `authoritative` a NullBooleanField; models/domain.py strips a trailing dot of the name and
 * validates it like a DNS name; names are unique. On update, fields left out keep their value.
 */
function checkDomainForm(
  ctx: HandlerContext,
  self: WorldDomain | undefined,
  errors: Record<string, string[]>,
): { name?: string; ttl?: number | null; authoritative?: boolean } {
  const f = ctx.req.form;
  const out: { name?: string; ttl?: number | null; authoritative?: boolean } = {};
  const raw = formValue(f, 'name');
  const name = raw?.replace(/\.$/, '');
  if (!name) {
    if (!self || raw !== undefined) errors.name = [REQUIRED];
  } else {
    const p = domainNameProblem(name);
    if (p) errors.name = [p];
    else if (ctx.world.domains.some((d) => d.name === name && d !== self)) errors.name = ['Domain with this Name already exists.'];
    else out.name = name;
  }
  const ttlText = formValue(f, 'ttl');
  if (ttlText !== undefined) {
    if (ttlText.trim() === '') out.ttl = null;
    else if (!/^-?\d+$/.test(ttlText.trim())) errors.ttl = ['Enter a whole number.'];
    else if (Number(ttlText) < 1) errors.ttl = ['Ensure this value is greater than or equal to 1.'];
    else if (Number(ttlText) > 604800) errors.ttl = ['Ensure this value is less than or equal to 604800.'];
    else out.ttl = Number(ttlText);
  }
  const auth = formValue(f, 'authoritative');
  if (auth !== undefined && auth !== '') out.authoritative = !['false', '0', 'False'].includes(auth);
  return out;
}

const createDomain: Handler = (ctx) => {
  const errors: Record<string, string[]> = {};
  const fields = checkDomainForm(ctx, undefined, errors);
  if (Object.keys(errors).length) return validationErrors(errors);
  const domain = {
    id: nextId(ctx.world, 'domain'),
    name: fields.name!,
    ttl: fields.ttl ?? null,
    authoritative: fields.authoritative ?? true,
    is_default: false,
  };
  ctx.world.domains.push(domain);
  ctx.changed();
  return json(renderDomain(ctx.world, domain));
};

const updateDomain: Handler = (ctx) => {
  const d = domainBySpecifier(ctx.world, decodeURIComponent(ctx.params[0]!));
  if (!d) return notFound('Domain');
  const errors: Record<string, string[]> = {};
  const fields = checkDomainForm(ctx, d, errors);
  if (Object.keys(errors).length) return validationErrors(errors);
  if (fields.name !== undefined) d.name = fields.name;
  if (fields.ttl !== undefined) d.ttl = fields.ttl;
  if (fields.authoritative !== undefined) d.authoritative = fields.authoritative;
  ctx.changed();
  return json(renderDomain(ctx.world, d));
};

const deleteDomain: Handler = (ctx) => {
  const d = domainBySpecifier(ctx.world, decodeURIComponent(ctx.params[0]!));
  if (!d) return notFound('Domain');
  // models/domain.py Domain.delete: a ValidationError, 400 text
  if (d.is_default) return validationMessage('This domain is the default domain, it cannot be deleted.');
  // Node.domain and DNSResource.domain are ForeignKeys with on_delete=PROTECT (models/node.py,
  // models/dnsresource.py): Django's ProtectedError is not a MAAS exception, so middleware.py
  // answers it as a 500 with its text.
  const holders = [
    ...(ctx.world.nodes.some((n) => n.domain_id === d.id) ? ["'Node.domain'"] : []),
    ...(ctx.world.dnsresources.some((r) => r.domain_id === d.id) ? ["'DNSResource.domain'"] : []),
  ];
  if (holders.length) {
    return apiException(
      500,
      `Cannot delete some instances of model 'Domain' because they are referenced through protected foreign keys: ${holders.join(', ')}.`,
    );
  }
  ctx.world.domains = ctx.world.domains.filter((x) => x !== d);
  ctx.changed();
  return deleted();
};

const listZones: Handler = (ctx) => json(ctx.world.zones.map(renderZone));

const readZone: Handler = (ctx) => {
  const z = ctx.world.zones.find((x) => x.name === decodeURIComponent(ctx.params[0]!));
  return z ? json(renderZone(z)) : notFound('Zone');
};

const version: Handler = (ctx) =>
  json({
    capabilities: [
      'networks-management',
      'static-ipaddresses',
      'ipv6-deployment-ubuntu',
      'devices-management',
      'storage-deployment-ubuntu',
      'network-deployment-ubuntu',
      'bridging-interface-ubuntu',
      'bridging-automatic-ubuntu',
      'authenticate-api',
    ],
    version: ctx.world.version,
    subversion: '3.5.4-16321-g.emulated',
  });

export const networkRoutes = {
  subnets: { GET: listSubnets },
  subnet: {
    GET: readSubnet,
    'GET reserved_ip_ranges': reservedIpRanges,
    'GET unreserved_ip_ranges': unreservedIpRanges,
    'GET ip_addresses': subnetIpAddresses,
  },
  ipranges: { GET: listIpRanges },
  domains: { GET: listDomains, POST: createDomain },
  domain: { GET: readDomain, PUT: updateDomain, DELETE: deleteDomain },
  zones: { GET: listZones },
  zone: { GET: readZone },
  version: { GET: version },
} satisfies Record<string, Record<string, Handler>>;
