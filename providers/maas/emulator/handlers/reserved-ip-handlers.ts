/**
 * `reservedips/` and `reservedips/{id}/`, MAAS 3.6+ (src/maasserver/api/reservedip.py; the
 * form is forms/reservedip.py ReservedIPForm, the model models/reservedip.py). router.ts
 * serves them only when the profile has reserved IPs.
 * - create: `ip` and `mac_address` required (the MAC is normalised), `subnet` optional (the
 *   most specific subnet holding the IP otherwise: "There is no subnet for X. Create the
 *   subnet and try again."); the IP must lie in the subnet ("X is not part of the subnet."),
 *   not be its network or broadcast address, be outside every dynamic range ("The reserved IP
 *   X must be outside the dynamic range A - B."), not be an address MAAS already allocated to
 *   something other than this MAC ("The ip X is already in use by another machine."), and be
 *   unique ("Reserved IP with this IP address already exists."); a MAC has at most one
 *   reservation per subnet ("Reserved IP with this MAC address and Subnet already exists.").
 * - update (PUT): only `comment` may change. ReservedIPForm.clean compares the submitted ip,
 *   mac_address and subnet with the stored ones; a submitted subnet is text and the stored one
 *   a number, so sending `subnet` at all is refused like a change: 400
 *   `{"__all__": ["The ip, mac_address and the subnet of a reserved IP are immutable. ..."]}`.
 * - 404 "No ReservedIP matches the given query.".
 */
import { cidrContains, cidrLast, formatIp, parseCidr, parseIp, sameIp } from '../../net/ip-address.js';
import { normalizeMac } from '../../net/mac-address.js';
import type { Handler, HandlerContext } from '../handler-context.js';
import { renderSubnet } from '../maas-render.js';
import { API_PREFIX, INVALID_CHOICE, REQUIRED, deleted, formValue, json, notFound, validationErrors } from '../maas-responses.js';
import { dynamicRangeFor, ipUse, subnetBySpecifier, subnetForIp } from '../world-queries.js';
import { nextId, type MaasWorld, type WorldReservedIp, type WorldSubnet } from '../world.js';

const IMMUTABLE = 'The ip, mac_address and the subnet of a reserved IP are immutable. Delete the entry and recreate it.';

export function renderReservedIp(world: MaasWorld, r: WorldReservedIp): Record<string, unknown> {
  const subnet = world.subnets.find((s) => s.id === r.subnet_id)!;
  return {
    id: r.id,
    ip: r.ip,
    subnet: renderSubnet(world, subnet),
    mac_address: r.mac_address,
    comment: r.comment,
    resource_uri: `${API_PREFIX}reservedips/${r.id}/`,
  };
}

function reservedIpOf(ctx: HandlerContext): WorldReservedIp | undefined {
  return ctx.world.reservedips.find((r) => String(r.id) === ctx.params[0]);
}

const listReservedIps: Handler = (ctx) => json(ctx.world.reservedips.map((r) => renderReservedIp(ctx.world, r)));

const createReservedIp: Handler = (ctx) => {
  const world = ctx.world;
  const f = ctx.req.form;
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] = [...(errors[field] ?? []), message]);

  const ipText = formValue(f, 'ip');
  const ip = ipText ? parseIp(ipText) : undefined;
  if (!ipText) add('ip', REQUIRED);
  else if (!ip) add('ip', 'Enter a valid IPv4 or IPv6 address.');
  const macText = formValue(f, 'mac_address');
  const mac = macText ? normalizeMac(macText) : undefined;
  if (!macText) add('mac_address', REQUIRED);
  else if (!mac) add('mac_address', `'${macText}' is not a valid MAC address.`);

  let subnet: WorldSubnet | undefined;
  const subnetSpec = formValue(f, 'subnet');
  if (subnetSpec) {
    subnet = subnetBySpecifier(world, subnetSpec);
    if (!subnet) add('subnet', INVALID_CHOICE);
  } else if (ip) {
    subnet = subnetForIp(world, ipText!);
    if (!subnet) add('subnet', `There is no subnet for ${ipText}. Create the subnet and try again.`);
  }
  if (ip && subnet) {
    const cidr = parseCidr(subnet.cidr)!;
    if (!cidrContains(cidr, ip)) add('ip', `${ipText} is not part of the subnet.`);
    else if (ip.value === cidr.network) add('ip', 'The network address cannot be a reserved IP.');
    else if (ip.version === 4 && ip.value === cidrLast(cidr)) add('ip', 'The broadcast address cannot be a reserved IP.');
  }
  if (ip) {
    // clean_ip: an allocated StaticIPAddress whose interfaces do not carry this MAC
    const use = ipUse(world, ipText!);
    if (use && !(use.iface && mac && normalizeMac(use.iface.mac_address) === mac)) {
      add('ip', `The ip ${ipText} is already in use by another machine.`);
    }
    if (world.reservedips.some((r) => sameIp(r.ip, ipText!))) add('ip', 'Reserved IP with this IP address already exists.');
  }
  if (ip && subnet) {
    const dyn = dynamicRangeFor(world, subnet, ipText!);
    if (dyn) add('ip', `The reserved IP ${ipText} must be outside the dynamic range ${dyn.start_ip} - ${dyn.end_ip}.`);
  }
  if (mac && subnet && world.reservedips.some((r) => r.subnet_id === subnet!.id && normalizeMac(r.mac_address) === mac)) {
    add('__all__', 'Reserved IP with this MAC address and Subnet already exists.');
  }
  if (Object.keys(errors).length) return validationErrors(errors);

  const reserved: WorldReservedIp = {
    id: nextId(world, 'reservedip'),
    ip: formatIp(ip!),
    subnet_id: subnet!.id,
    mac_address: mac!,
    comment: formValue(f, 'comment') ?? '',
  };
  world.reservedips.push(reserved);
  ctx.changed();
  return json(renderReservedIp(world, reserved));
};

const readReservedIp: Handler = (ctx) => {
  const r = reservedIpOf(ctx);
  return r ? json(renderReservedIp(ctx.world, r)) : notFound('ReservedIP');
};

const updateReservedIp: Handler = (ctx) => {
  const r = reservedIpOf(ctx);
  if (!r) return notFound('ReservedIP');
  const f = ctx.req.form;
  const ip = formValue(f, 'ip');
  const mac = formValue(f, 'mac_address');
  if ((ip !== undefined && ip !== r.ip) || (mac !== undefined && mac !== r.mac_address) || f.has('subnet')) {
    return validationErrors({ __all__: [IMMUTABLE] });
  }
  const comment = formValue(f, 'comment');
  if (comment !== undefined) r.comment = comment;
  ctx.changed();
  return json(renderReservedIp(ctx.world, r));
};

const deleteReservedIp: Handler = (ctx) => {
  const r = reservedIpOf(ctx);
  if (!r) return notFound('ReservedIP');
  ctx.world.reservedips = ctx.world.reservedips.filter((x) => x !== r);
  ctx.changed();
  return deleted();
};

export const reservedIpRoutes = {
  reservedips: { GET: listReservedIps, POST: createReservedIp },
  reservedip: { GET: readReservedIp, PUT: updateReservedIp, DELETE: deleteReservedIp },
} satisfies Record<string, Record<string, Handler>>;
