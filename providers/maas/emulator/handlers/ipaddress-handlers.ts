/**
 * `ipaddresses/` (src/maasserver/api/ip_addresses.py, IPAddressesHandler), the parts hl uses:
 * - GET: the requesting user's USER_RESERVED addresses, or with `all=true` every address
 *   (admins); `ip=` narrows to one ("Parameter 'ip' must contain an IP address." otherwise);
 * - POST op=release `ip=`: deletes the user's USER_RESERVED address (204), so that it is
 *   free again and gone from every DNS resource that pointed at it; any other address is
 *   refused with MAAS's message unless `force=true`, which also unlinks an interface's
 *   address. A missing `ip` answers "No provided ip!".
 * The API key's user is the world's admin (a superuser).
 */
import { parseIp, sameIp } from '../../net/ip-address.js';
import type { Handler } from '../handler-context.js';
import { renderStaticIp } from '../maas-render.js';
import { apiException, deleted, formValue, json, validationErrors, validationMessage } from '../maas-responses.js';
import { deleteReserved, reservedIpAt, reservedIps } from '../static-ip-addresses.js';

function isTrue(v: string | undefined): boolean {
  return v !== undefined && ['true', '1', 'on', 'yes'].includes(v.toLowerCase());
}

const listIpAddresses: Handler = (ctx) => {
  const q = ctx.req.query;
  const ip = q.get('ip') ?? undefined;
  if (ip !== undefined && !parseIp(ip)) return apiException(400, "Parameter 'ip' must contain an IP address.");
  const all = isTrue(q.get('all') ?? undefined);
  const owner = q.get('owner') ?? undefined;
  const entries: { id: number; ip: string }[] = reservedIps(ctx.world)
    .filter((r) => (owner !== undefined ? r.user === owner : all || r.user === ctx.world.admin_user))
    .map((r) => ({ id: r.id, ip: r.ip }));
  if (all && owner === undefined) {
    for (const n of ctx.world.nodes)
      for (const i of n.interfaces) for (const l of i.links) if (l.ip !== null) entries.push({ id: l.id, ip: l.ip });
  }
  const out = entries.filter((e) => ip === undefined || sameIp(e.ip, ip)).sort((a, b) => a.id - b.id);
  return json(out.map((e) => renderStaticIp(ctx.world, e.ip)));
};

const releaseIpAddress: Handler = (ctx) => {
  const f = ctx.req.form;
  const ip = formValue(f, 'ip');
  if (ip === undefined) return validationMessage('No provided ip!');
  if (!parseIp(ip)) return validationErrors({ ip: ['Enter a valid IPv4 or IPv6 address.'] });
  const force = isTrue(formValue(f, 'force'));
  const reserved = reservedIpAt(ctx.world, ip);
  if (reserved && (force || reserved.user === ctx.world.admin_user)) {
    deleteReserved(ctx.world, ip);
    ctx.changed();
    return deleted();
  }
  if (force) {
    for (const n of ctx.world.nodes) {
      for (const i of n.interfaces) {
        if (i.links.some((l) => l.ip !== null && sameIp(l.ip, ip))) {
          i.links = i.links.filter((l) => l.ip === null || !sameIp(l.ip, ip));
          ctx.changed();
          return deleted();
        }
      }
    }
    return apiException(400, `IP address ${ip} does not exist.`);
  }
  return apiException(
    400,
    `IP address ${ip} does not exist, is not the correct type of address, or does not belong to the requesting user.\n` +
      'If you are sure you want to release this address, use force=true as a MAAS administrator.',
  );
};

export const ipAddressRoutes = {
  ipaddresses: { GET: listIpAddresses, 'POST release': releaseIpAddress },
} satisfies Record<string, Record<string, Handler>>;
