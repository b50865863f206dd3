/**
 * Read-mostly network objects: `subnets/` (with the reserved_ip_ranges,
 * unreserved_ip_ranges and ip_addresses operations), `ipranges/`, `domains/`, `zones/`,
 * and the anonymous `version/`.
 */
import { domainNameProblem } from '../../net/dns-name.js';
import { parseCidr, rangeSize } from '../../net/ip-address.js';
import type { Handler, HandlerContext } from '../handler-context.js';
import { renderDomain, renderIpRange, renderSubnet, renderZone } from '../maas-render.js';
import { REQUIRED, formValue, json, notFound, validationErrors } from '../maas-responses.js';
import { domainBySpecifier, fqdnOf, freeRanges, ipText, ipUses, subnetBySpecifier, usedRanges } from '../world-queries.js';
import { nextId, type WorldSubnet } from '../world.js';
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

const createDomain: Handler = (ctx) => {
  const f = ctx.req.form;
  const name = formValue(f, 'name');
  const errors: Record<string, string[]> = {};
  if (!name) errors.name = [REQUIRED];
  else {
    const p = domainNameProblem(name);
    if (p) errors.name = [p];
    else if (ctx.world.domains.some((d) => d.name === name)) errors.name = ['Domain with this Name already exists.'];
  }
  const ttlText = formValue(f, 'ttl');
  if (ttlText !== undefined && ttlText !== '' && !/^\d+$/.test(ttlText)) errors.ttl = ['Enter a whole number.'];
  if (Object.keys(errors).length) return validationErrors(errors);
  const domain = {
    id: nextId(ctx.world, 'domain'),
    name: name!,
    ttl: ttlText ? Number(ttlText) : null,
    authoritative: formValue(f, 'authoritative') !== 'false',
    is_default: false,
  };
  ctx.world.domains.push(domain);
  ctx.changed();
  return json(renderDomain(ctx.world, domain));
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
  domain: { GET: readDomain },
  zones: { GET: listZones },
  zone: { GET: readZone },
  version: { GET: version },
} satisfies Record<string, Record<string, Handler>>;
