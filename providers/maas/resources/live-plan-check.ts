/**
 * `checkPlan` of the maas provider: at plan time, with reads only and one listing each
 * whatever the number of resources, whether the planned creates and updates can succeed:
 *
 * - `maas_device` interfaces whose link is new or changed: a static IP on a subnet whose VLAN
 *   has no MAAS DHCP is a warning (MAAS records the address, but a VM asking DHCP for one is
 *   never handed it); on MAAS 3.6+, a MAC or IP that clashes with a reserved IP (existing, or
 *   a `maas_reserved_ip` planned in the same run) is an error: MAAS would refuse the link with
 *   409 after the device was created (src/maasserver/models/interface.py `_link_subnet_static`);
 * - `maas_reserved_ip` creates: an error naming 3.6 when the server is older (`reservedips/`
 *   is new in 3.6, src/maasserver/urls_api.py); the IP or the MAC-and-subnet already reserved;
 * - `maas_tag`: every listed node exists.
 * A problem names the attribute it is about, so the engine points at the config line.
 */
import { containsUnknown, isValueMap, type Attributes, type Path } from '../../../src/core/value.js';
import type { OperationContext as ContractContext, PlannedChange, PlanProblem } from '../../../src/provider/contract.js';
import type { MaasSubnet } from '../client/maas-types.js';
import { cidrContains, formatIp, ipInRange, parseCidr, parseIp, parseRange, sameIp } from '../net/ip-address.js';
import { normalizeMac, sameMac } from '../net/mac-address.js';
import { interfaceEntries, parseSubnetRef } from './device-config.js';
import { noDhcpWarning } from './device-validation.js';
import type { OperationContext } from './operation-context.js';
import {
  RESERVED_IPS_SINCE,
  listReservedIps,
  releaseHasReservedIps,
  reservationConflict,
  serverVersion,
  type Reservation,
} from './reserved-ip-calls.js';
import { findSubnet } from './subnet-data-source.js';

/** An interface link to check: known MAC, IP and subnet reference. */
interface LinkToCheck {
  address: string;
  path: Path;
  mac: string;
  ip: string;
  subnet: ReturnType<typeof parseSubnetRef>;
}

function linksToCheck(change: PlannedChange): LinkToCheck[] {
  const before = change.prior && isValueMap(change.prior.interfaces) ? change.prior.interfaces : {};
  const out: LinkToCheck[] = [];
  for (const e of interfaceEntries(change.planned)) {
    if (!e.entry || typeof e.mac !== 'string' || typeof e.entry.ip !== 'string') continue;
    const prior = before[e.label];
    if (change.action === 'update' && isValueMap(prior) && prior.ip === e.entry.ip && prior.mac === e.entry.mac) continue;
    const mac = normalizeMac(e.mac);
    const ip = parseIp(e.entry.ip);
    if (!mac || !ip) continue;
    out.push({ address: change.address, path: [...e.path, 'ip'], mac, ip: formatIp(ip), subnet: parseSubnetRef(e.entry.subnet) });
  }
  return out;
}

function knownString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export async function checkMaasPlan(ctx: OperationContext, changes: PlannedChange[], op: ContractContext = {}): Promise<PlanProblem[]> {
  const signal = op.signal ?? ctx.signal;
  const problems: PlanProblem[] = [];
  const links = changes.filter((c) => c.type === 'maas_device').flatMap(linksToCheck);
  const reservedCreates = changes.filter((c) => c.type === 'maas_reserved_ip' && c.action === 'create');
  const tags = changes.filter((c) => c.type === 'maas_tag' && Array.isArray(c.planned.nodes) && !containsUnknown(c.planned.nodes));

  const needSubnets = links.length > 0 || reservedCreates.length > 0;
  const needVersion = links.length > 0 || reservedCreates.length > 0;
  const tagNodeIds = [...new Set(tags.flatMap((t) => (t.planned.nodes as unknown[]).filter((n): n is string => typeof n === 'string')))];
  const [subnets, version, nodes] = await Promise.all([
    needSubnets ? ctx.api.listSubnets(signal) : ([] as MaasSubnet[]),
    needVersion ? serverVersion(ctx.api, signal) : undefined,
    tagNodeIds.length ? ctx.api.listNodes({ id: tagNodeIds }, signal) : [],
  ]);

  for (const link of links) {
    if (!('ok' in link.subnet)) continue;
    const subnet = findSubnet(subnets, link.subnet.ok);
    if (subnet && subnet.vlan.dhcp_on === false) {
      problems.push({
        address: link.address,
        path: link.path,
        severity: 'warning',
        message: noDhcpWarning(link.ip, subnet.cidr, subnet.vlan.name),
      });
    }
  }

  const hasReserved = version !== undefined && releaseHasReservedIps(version);
  if (version !== undefined && !hasReserved) {
    for (const c of reservedCreates) {
      problems.push({
        address: c.address,
        path: [],
        severity: 'error',
        message: `maas_reserved_ip needs MAAS ${RESERVED_IPS_SINCE} or later (reservedips/ is new in ${RESERVED_IPS_SINCE}); this MAAS is ${version}. Register a maas_device with a static IP instead`,
      });
    }
  }
  if (hasReserved) {
    const existing = await listReservedIps(ctx.api, signal);
    // a replacement deletes the reservation it replaces first
    const gone = new Set(
      reservedCreates
        .map((c) => c.replaces)
        .filter((r): r is Attributes => r !== undefined)
        .map((r) => reservationKey(String(r.ip), String(r.mac_address))),
    );
    const live = existing.filter((r) => !gone.has(reservationKey(r.ip, r.mac_address)));
    const reservations: Reservation[] = live.map((r) => ({ ip: r.ip, mac: r.mac_address, source: `reserved IP ${r.id} in MAAS` }));
    for (const c of reservedCreates) {
      const ip = knownString(c.planned.ip);
      const mac = knownString(c.planned.mac_address);
      if (ip === undefined || mac === undefined) continue;
      const sameIpEntry = live.find((r) => sameIp(r.ip, ip));
      if (sameIpEntry && !sameMac(sameIpEntry.mac_address, mac)) {
        problems.push({
          address: c.address,
          path: ['ip'],
          severity: 'error',
          message: `MAAS already reserves ${ip} for MAC ${sameIpEntry.mac_address} (reserved IP ${sameIpEntry.id})`,
        });
      }
      const ipAddr = parseIp(ip);
      const ref = c.planned.subnet !== undefined && c.planned.subnet !== null ? parseSubnetRef(c.planned.subnet) : undefined;
      const subnet =
        ref && 'ok' in ref
          ? findSubnet(subnets, ref.ok)
          : subnets.find((s) => {
              const cidr = parseCidr(s.cidr);
              return ipAddr !== undefined && cidr !== undefined && cidrContains(cidr, ipAddr);
            });
      if (subnet) {
        const other = live.find((r) => r.subnet.id === subnet.id && sameMac(r.mac_address, mac) && !sameIp(r.ip, ip));
        if (other) {
          problems.push({
            address: c.address,
            path: ['mac_address'],
            severity: 'error',
            message: `MAC ${mac} already has the reserved IP ${other.ip} on ${subnet.cidr} (reserved IP ${other.id}); MAAS allows one per subnet`,
          });
        }
        const ranges = await ctx.api.reservedRanges(subnet.id, signal);
        for (const r of ranges) {
          const range = parseRange(r.start, r.end);
          if (r.purpose.includes('dynamic') && range && ipAddr && ipInRange(ipAddr, range)) {
            problems.push({
              address: c.address,
              path: ['ip'],
              severity: 'error',
              message: `IP ${ip} is inside the dynamic range ${r.start} to ${r.end} of ${subnet.cidr}: MAAS reserves addresses outside it only`,
            });
          }
        }
      }
      reservations.push({ ip, mac, source: c.address });
    }
    for (const link of links) {
      const conflict = reservationConflict(reservations, link.mac, link.ip);
      if (conflict) problems.push({ address: link.address, path: link.path, severity: 'error', message: conflict });
    }
  }

  for (const t of tags) {
    (t.planned.nodes as unknown[]).forEach((n, i) => {
      if (typeof n === 'string' && !nodes.some((x) => x.system_id === n)) {
        problems.push({ address: t.address, path: ['nodes', i], severity: 'error', message: `MAAS has no node with system_id ${n}` });
      }
    });
  }
  return problems;
}

function reservationKey(ip: string, mac: string): string {
  const addr = parseIp(ip);
  return `${addr ? formatIp(addr) : ip}|${normalizeMac(mac) ?? mac}`;
}
