/**
 * `nodes/{system_id}/interfaces/` and `.../interfaces/{id}/` with the operations hl uses:
 * create_physical, link_subnet (devices: mode STATIC only), unlink_subnet. Messages are
 * MAAS's InterfaceLinkForm ones: "IP address is not in the given subnet '<name>:<cidr>(vid=N)'.",
 * "IP address is inside a dynamic range A to B.", and an address already allocated answers
 * StaticIPAddressUnavailable: 404 text "IP address is already in use.".
 *
 * As in src/maasserver/api/interfaces.py, linking or unlinking on a controller answers 403
 * (`raise_error_if_controller`); only dynamic ranges are refused to a STATIC address
 * (forms/interface_link.py `_clean_mode_static`), reserved ranges are not; with reserved
 * IPs (3.6+) a clash answers 409 (models/interface.py `_link_subnet_static`); an unlink
 * that removes the last link leaves a `link_up` link (models/interface.py `ensure_link_up`).
 */
import { cidrContains, formatIp, parseCidr, parseIp, sameIp } from '../../net/ip-address.js';
import { normalizeMac } from '../../net/mac-address.js';
import type { Handler, HandlerContext } from '../handler-context.js';
import { renderInterface } from '../maas-render.js';
import {
  INVALID_CHOICE,
  REQUIRED,
  apiException,
  deleted,
  formValue,
  invalidChoice,
  json,
  notFound,
  validationErrors,
  type EmulatorResponse,
} from '../maas-responses.js';
import { dynamicRangeFor, freeRanges, ipUse, nodeBySystemId, nodeWithMac, reservedIpsFor, subnetBySpecifier } from '../world-queries.js';
import { nextId, type WorldInterface, type WorldNode } from '../world.js';

function nodeOf(ctx: HandlerContext): WorldNode | undefined {
  return nodeBySystemId(ctx.world, ctx.params[0]!);
}

function ifaceOf(ctx: HandlerContext): { node: WorldNode; iface: WorldInterface } | EmulatorResponse {
  const node = nodeOf(ctx);
  const iface = node?.interfaces.find((i) => String(i.id) === ctx.params[1]);
  return node && iface ? { node, iface } : notFound('Interface');
}

function nextName(node: WorldNode): string {
  for (let n = 0; ; n++) if (!node.interfaces.some((i) => i.name === `eth${n}`)) return `eth${n}`;
}

const listInterfaces: Handler = (ctx) => {
  const node = nodeOf(ctx);
  return node ? json(node.interfaces.map((i) => renderInterface(ctx.world, node, i))) : notFound('Node');
};

const createPhysical: Handler = (ctx) => {
  const node = nodeOf(ctx);
  if (!node) return notFound('Node');
  const errors: Record<string, string[]> = {};
  const mac = formValue(ctx.req.form, 'mac_address');
  const normalized = mac ? normalizeMac(mac) : undefined;
  if (!mac) errors.mac_address = [REQUIRED];
  else if (!normalized) errors.mac_address = [`'${mac}' is not a valid MAC address.`];
  else {
    const owner = nodeWithMac(ctx.world, normalized);
    if (owner) errors.mac_address = [`MAC address ${mac} already in use on ${owner.node.hostname}.`];
  }
  const name = formValue(ctx.req.form, 'name') || nextName(node);
  if (node.interfaces.some((i) => i.name === name)) errors.name = [`Node ${node.hostname} already has an interface named '${name}'.`];
  if (Object.keys(errors).length) return validationErrors(errors);
  const iface: WorldInterface = {
    id: nextId(ctx.world, 'interface'),
    name,
    type: 'physical',
    mac_address: normalized!,
    vlan_id: null,
    links: [],
  };
  node.interfaces.push(iface);
  ctx.changed();
  return json(renderInterface(ctx.world, node, iface));
};

const readInterface: Handler = (ctx) => {
  const r = ifaceOf(ctx);
  return 'iface' in r ? json(renderInterface(ctx.world, r.node, r.iface)) : r;
};

const updateInterface: Handler = (ctx) => {
  const r = ifaceOf(ctx);
  if (!('iface' in r)) return r;
  const errors: Record<string, string[]> = {};
  const name = formValue(ctx.req.form, 'name');
  const mac = formValue(ctx.req.form, 'mac_address');
  if (name !== undefined && r.node.interfaces.some((i) => i.name === name && i !== r.iface)) {
    errors.name = [`Node ${r.node.hostname} already has an interface named '${name}'.`];
  }
  let normalized: string | undefined;
  if (mac !== undefined) {
    normalized = normalizeMac(mac);
    if (!normalized) errors.mac_address = [`'${mac}' is not a valid MAC address.`];
    else {
      const owner = nodeWithMac(ctx.world, normalized);
      if (owner && owner.iface !== r.iface) errors.mac_address = [`MAC address ${mac} already in use on ${owner.node.hostname}.`];
    }
  }
  if (Object.keys(errors).length) return validationErrors(errors);
  if (name !== undefined) r.iface.name = name;
  if (normalized !== undefined) r.iface.mac_address = normalized;
  ctx.changed();
  return json(renderInterface(ctx.world, r.node, r.iface));
};

const deleteInterface: Handler = (ctx) => {
  const r = ifaceOf(ctx);
  if (!('iface' in r)) return r;
  r.node.interfaces = r.node.interfaces.filter((i) => i !== r.iface);
  ctx.changed();
  return deleted();
};

const linkSubnet: Handler = (ctx) => {
  const r = ifaceOf(ctx);
  if (!('iface' in r)) return r;
  const { node, iface } = r;
  // api/interfaces.py raise_error_if_controller(node, "link subnet"): MAASAPIForbidden
  if (node.node_type !== 1 && node.node_type !== 0) return apiException(403, 'Cannot link subnet interface on a controller.');
  const world = ctx.world;
  const f = ctx.req.form;
  const errors: Record<string, string[]> = {};
  const mode = formValue(f, 'mode');
  if (!mode) errors.mode = [REQUIRED];
  else if (mode.toUpperCase() !== 'STATIC') errors.mode = [invalidChoice('mode', mode, ['STATIC'])];
  const subnetSpec = formValue(f, 'subnet');
  const subnet = subnetSpec ? subnetBySpecifier(world, subnetSpec) : undefined;
  if (!subnetSpec) errors.subnet = [REQUIRED];
  else if (!subnet || (iface.vlan_id !== null && subnet.vlan_id !== iface.vlan_id)) errors.subnet = [INVALID_CHOICE];
  const ipText = formValue(f, 'ip_address');
  const ip = ipText ? parseIp(ipText) : undefined;
  if (ipText && !ip) errors.ip_address = ['Enter a valid IPv4 or IPv6 address.'];
  if (subnet && ip && mode?.toUpperCase() === 'STATIC') {
    const cidr = parseCidr(subnet.cidr)!;
    const vlan = world.vlans.find((v) => v.id === subnet.vlan_id)!;
    const ipErrors: string[] = [];
    if (!cidrContains(cidr, ip)) ipErrors.push(`IP address is not in the given subnet '${subnet.name}:${subnet.cidr}(vid=${vlan.vid})'.`);
    const dyn = dynamicRangeFor(world, subnet, ipText!);
    if (dyn) ipErrors.push(`IP address is inside a dynamic range ${dyn.start_ip} to ${dyn.end_ip}.`);
    if (ipErrors.length) errors.ip_address = ipErrors;
  }
  if (Object.keys(errors).length) return validationErrors(errors);

  let address: string;
  if (ip) {
    if (ctx.profile.reservedIps) {
      // models/interface.py _link_subnet_static: StaticIPAddressReservedIPConflict (409)
      const reserved = reservedIpsFor(world, iface.mac_address, ipText!);
      const text = formatIp(ip);
      if (reserved.length > 1) {
        return apiException(
          409,
          `The MAC address ${iface.mac_address} or the static IP ${text} are associated with a reserved IP and cannot be used.`,
        );
      }
      const r = reserved[0];
      if (r && !sameIp(r.ip, text)) {
        return apiException(409, `The static IP ${text} does not match the reserved IP ${r.ip} for the MAC address ${iface.mac_address}.`);
      }
      if (r && normalizeMac(r.mac_address) !== normalizeMac(iface.mac_address)) {
        return apiException(409, `The static IP ${text} is already reserved for the MAC address ${r.mac_address}.`);
      }
    }
    if (ipUse(world, ipText!)) return apiException(404, 'IP address is already in use.');
    address = formatIp(ip);
  } else {
    const free = freeRanges(world, subnet!)[0];
    if (!free) return apiException(503, `No more IPs available in subnet: ${subnet!.cidr}.`);
    address = formatIp({ version: parseCidr(subnet!.cidr)!.version, value: free.start });
  }
  // a STATIC link replaces the interface's link_up (models/interface.py remove_link_up)
  iface.links = iface.links.filter((l) => l.mode !== 'link_up');
  iface.links.push({ id: nextId(world, 'ip'), mode: 'static', subnet_id: subnet!.id, ip: address });
  iface.vlan_id = subnet!.vlan_id;
  ctx.changed();
  return json(renderInterface(world, node, iface));
};

const unlinkSubnet: Handler = (ctx) => {
  const r = ifaceOf(ctx);
  if (!('iface' in r)) return r;
  // api/interfaces.py unlink_subnet calls raise_error_if_controller(node, "link subnet") too
  if (r.node.node_type !== 1 && r.node.node_type !== 0) return apiException(403, 'Cannot link subnet interface on a controller.');
  const id = formValue(ctx.req.form, 'id');
  const choices = r.iface.links.map((l) => String(l.id));
  if (!id) return validationErrors({ id: [REQUIRED] });
  if (!choices.includes(id)) return validationErrors({ id: [invalidChoice('id', id, choices)] });
  r.iface.links = r.iface.links.filter((l) => String(l.id) !== id);
  // models/interface.py unlink_ip_address → ensure_link_up: an enabled interface on a VLAN is
  // never left without a link; no address was discovered on it here, so the link has no subnet.
  if (r.iface.links.length === 0 && r.iface.vlan_id !== null) {
    r.iface.links.push({ id: nextId(ctx.world, 'ip'), mode: 'link_up', subnet_id: null, ip: null });
  }
  ctx.changed();
  return json(renderInterface(ctx.world, r.node, r.iface));
};

export const interfaceRoutes = {
  interfaces: { GET: listInterfaces, 'POST create_physical': createPhysical },
  interface: {
    GET: readInterface,
    PUT: updateInterface,
    DELETE: deleteInterface,
    'POST link_subnet': linkSubnet,
    'POST unlink_subnet': unlinkSubnet,
  },
} satisfies Record<string, Record<string, Handler>>;
