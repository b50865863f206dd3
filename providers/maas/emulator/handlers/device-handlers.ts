/**
 * `devices/`, `devices/{system_id}/`, `nodes/`, `nodes/{system_id}/` with MAAS's forms:
 * DeviceWithMACsForm on create (mac_addresses required and unique: "MAC address X already in
 * use on <hostname>."; several MAC errors merged into "One or more MAC addresses is
 * invalid. (...)"), DeviceForm on update (hostname, description, domain, parent, zone;
 * omitted fields keep their value), 404 "No Device matches the given query.".
 */
import { normalizeMac } from '../../net/mac-address.js';
import { hostnameProblem } from '../../net/dns-name.js';
import type { Handler, HandlerContext } from '../handler-context.js';
import { renderNode } from '../maas-render.js';
import {
  INVALID_CHOICE,
  REQUIRED,
  deleted,
  formValue,
  json,
  mergeErrorMessages,
  notFound,
  validationErrors,
  validationMessage,
  type EmulatorResponse,
} from '../maas-responses.js';
import { defaultDomain, deviceBySystemId, domainBySpecifier, domainOf, nodeBySystemId, nodeWithMac } from '../world-queries.js';
import { newSystemId, nextId, nextRandom, type MaasWorld, type WorldNode } from '../world.js';

const ADJECTIVES = ['able', 'brave', 'calm', 'eager', 'fair', 'glad', 'keen', 'lucid', 'noble', 'proud', 'sharp', 'tidy'];
const ANIMALS = ['ant', 'bat', 'cod', 'doe', 'eel', 'fox', 'gnu', 'hen', 'jay', 'koi', 'owl', 'yak'];

function petname(world: MaasWorld): string {
  for (;;) {
    const name = `${ADJECTIVES[Math.floor(nextRandom(world) * ADJECTIVES.length)]}-${ANIMALS[Math.floor(nextRandom(world) * ANIMALS.length)]}`;
    if (!world.nodes.some((n) => n.hostname === name)) return name;
  }
}

/** Filters of devices/ and nodes/ reads: hostname, mac_address, id (repeatable), domain. */
function filterNodes(ctx: HandlerContext, devicesOnly: boolean): WorldNode[] | EmulatorResponse {
  const q = ctx.req.query;
  const macs = q.getAll('mac_address');
  const invalid = macs.filter((m) => normalizeMac(m) === undefined);
  if (invalid.length) return validationMessage(`Invalid MAC address(es): ${invalid.join(', ')}`);
  const wanted = new Set(macs.map((m) => normalizeMac(m)!));
  const ids = q.getAll('id');
  const hostnames = q.getAll('hostname');
  const domain = q.get('domain');
  return ctx.world.nodes.filter((n) => {
    if (devicesOnly && n.node_type !== 1) return false;
    if (ids.length && !ids.includes(n.system_id)) return false;
    if (hostnames.length && !hostnames.includes(n.hostname)) return false;
    if (domain !== null && domainOf(ctx.world, n).name !== domain) return false;
    if (wanted.size && !n.interfaces.some((i) => wanted.has(normalizeMac(i.mac_address) ?? ''))) return false;
    return true;
  });
}

function listHandler(devicesOnly: boolean): Handler {
  return (ctx) => {
    const r = filterNodes(ctx, devicesOnly);
    return Array.isArray(r) ? json(r.map((n) => renderNode(ctx.world, n))) : r;
  };
}

interface NodeFields {
  hostname?: string;
  domainId?: number;
  zoneId?: number;
  parent?: string;
  description?: string;
}

/** NodeForm/DeviceForm field checks shared by create and update. */
function checkDeviceFields(ctx: HandlerContext, self: WorldNode | undefined, errors: Record<string, string[]>): NodeFields {
  const f = ctx.req.form;
  const world = ctx.world;
  const out: NodeFields = {};
  let hostname = formValue(f, 'hostname');
  let domainSpec = formValue(f, 'domain');
  if (hostname !== undefined && hostname !== '') {
    if (hostname.includes('.') && !domainSpec) {
      const dot = hostname.indexOf('.');
      domainSpec = hostname.slice(dot + 1);
      hostname = hostname.slice(0, dot);
    }
    const p = hostnameProblem(hostname);
    if (p) errors.hostname = [p];
    else if (world.nodes.some((n) => n.hostname === hostname && n !== self)) errors.hostname = ['Node with this Hostname already exists.'];
    else out.hostname = hostname;
  }
  if (domainSpec !== undefined && domainSpec !== '') {
    const d = domainBySpecifier(world, domainSpec);
    if (!d) errors.domain = [`Unable to find domain ${domainSpec}`];
    else out.domainId = d.id;
  }
  const zone = formValue(f, 'zone');
  if (zone !== undefined && zone !== '') {
    const z = world.zones.find((x) => x.name === zone);
    if (!z) errors.zone = [INVALID_CHOICE];
    else out.zoneId = z.id;
  }
  const parent = formValue(f, 'parent');
  if (parent !== undefined && parent !== '') {
    if (!nodeBySystemId(world, parent) || parent === self?.system_id) errors.parent = [INVALID_CHOICE];
    else out.parent = parent;
  }
  const description = formValue(f, 'description');
  if (description !== undefined) out.description = description;
  return out;
}

const createDevice: Handler = (ctx) => {
  const world = ctx.world;
  const errors: Record<string, string[]> = {};
  const macs = ctx.req.form.getAll('mac_addresses').filter((m) => m !== '');
  const normalized: string[] = [];
  if (macs.length === 0) errors.mac_addresses = [REQUIRED];
  else {
    const macErrors: string[] = [];
    for (const m of macs) {
      const n = normalizeMac(m);
      if (!n) macErrors.push(`'${m}' is not a valid MAC address.`);
      else normalized.push(n);
    }
    if (macErrors.length === 0) {
      for (const m of macs) {
        const owner = nodeWithMac(world, m);
        if (owner) macErrors.push(`MAC address ${m} already in use on ${owner.node.hostname}.`);
      }
    }
    if (macErrors.length) {
      errors.mac_addresses = macs.length > 1 ? [mergeErrorMessages('One or more MAC addresses is invalid.', macErrors)] : macErrors;
    }
  }
  const fields = checkDeviceFields(ctx, undefined, errors);
  if (Object.keys(errors).length) return validationErrors(errors);

  const node: WorldNode = {
    system_id: newSystemId(world),
    hostname: fields.hostname ?? petname(world),
    node_type: 1,
    domain_id: fields.domainId ?? defaultDomain(world).id,
    zone_id: fields.zoneId ?? world.zones.find((z) => z.name === 'default')?.id ?? world.zones[0]!.id,
    description: fields.description ?? '',
    parent: fields.parent ?? null,
    owner: world.admin_user,
    tag_names: [],
    address_ttl: null,
    interfaces: [...new Set(normalized)].map((mac, i) => ({
      id: nextId(world, 'interface'),
      name: `eth${i}`,
      type: 'physical' as const,
      mac_address: mac,
      vlan_id: null,
      links: [],
    })),
  };
  world.nodes.push(node);
  ctx.changed();
  return json(renderNode(world, node));
};

const readDevice: Handler = (ctx) => {
  const node = deviceBySystemId(ctx.world, ctx.params[0]!);
  return node ? json(renderNode(ctx.world, node)) : notFound('Device');
};

const updateDevice: Handler = (ctx) => {
  const node = deviceBySystemId(ctx.world, ctx.params[0]!);
  if (!node) return notFound('Device');
  const errors: Record<string, string[]> = {};
  const fields = checkDeviceFields(ctx, node, errors);
  if (Object.keys(errors).length) return validationErrors(errors);
  if (fields.hostname !== undefined) node.hostname = fields.hostname;
  if (fields.domainId !== undefined) node.domain_id = fields.domainId;
  if (fields.zoneId !== undefined) node.zone_id = fields.zoneId;
  if (fields.parent !== undefined) node.parent = fields.parent;
  if (fields.description !== undefined) node.description = fields.description;
  ctx.changed();
  return json(renderNode(ctx.world, node));
};

const deleteDevice: Handler = (ctx) => {
  const node = deviceBySystemId(ctx.world, ctx.params[0]!);
  if (!node) return notFound('Device');
  ctx.world.nodes = ctx.world.nodes.filter((n) => n !== node);
  for (const child of ctx.world.nodes) if (child.parent === node.system_id) child.parent = null;
  ctx.changed();
  return deleted();
};

const readNode: Handler = (ctx) => {
  const node = nodeBySystemId(ctx.world, ctx.params[0]!);
  return node ? json(renderNode(ctx.world, node)) : notFound('Node');
};

export const deviceRoutes = {
  devices: { GET: listHandler(true), POST: createDevice },
  device: { GET: readDevice, PUT: updateDevice, DELETE: deleteDevice },
  nodes: { GET: listHandler(false) },
  node: { GET: readNode },
} satisfies Record<string, Record<string, Handler>>;
