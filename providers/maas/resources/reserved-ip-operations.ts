/**
 * What `maas_reserved_ip` does against MAAS 3.6+ (`reservedips/`, reserved-ip-calls.ts):
 * create (refused with a message naming 3.6 on an older MAAS), read, update of the comment,
 * delete (already gone is success), recover after an interrupted create (the reservation of
 * the planned IP and MAC), import by id, IP or MAC. The id is MAAS's reserved-IP id.
 */
import { ProviderError, type CreateResponse } from '../../../src/provider/contract.js';
import { isValueMap, type Attributes, type Value } from '../../../src/core/value.js';
import { sameIp } from '../net/ip-address.js';
import { normalizeMac, sameMac } from '../net/mac-address.js';
import { parseSubnetRef } from './device-config.js';
import { needsAdmin } from './admin-refusal.js';
import type { OperationContext } from './operation-context.js';
import {
  RESERVED_IPS_SINCE,
  createReservedIp,
  deleteReservedIp,
  getReservedIp,
  listReservedIps,
  releaseHasReservedIps,
  serverVersion,
  updateReservedIpComment,
  type MaasReservedIp,
} from './reserved-ip-calls.js';
import { findSubnet, refNamesSubnet } from './subnet-data-source.js';

/** The config's spelling of the subnet when it names MAAS's, else MAAS's CIDR. */
function subnetValue(hint: Value | undefined, r: MaasReservedIp): Value {
  if (hint !== undefined && hint !== null) {
    const ref = parseSubnetRef(hint);
    if ('ok' in ref && refNamesSubnet(ref.ok, r.subnet)) return hint;
  }
  return r.subnet.cidr;
}

export function reservedIpState(r: MaasReservedIp, hints: Attributes | null): Attributes {
  return {
    ip: typeof hints?.ip === 'string' && sameIp(hints.ip, r.ip) ? hints.ip : r.ip,
    mac_address: typeof hints?.mac_address === 'string' && sameMac(hints.mac_address, r.mac_address) ? hints.mac_address : r.mac_address,
    subnet: subnetValue(hints?.subnet, r),
    comment: r.comment ?? '',
  };
}

async function requireReservedIps(ctx: OperationContext): Promise<void> {
  const version = await serverVersion(ctx.api, ctx.signal);
  if (!releaseHasReservedIps(version)) {
    throw new ProviderError(
      `maas_reserved_ip needs MAAS ${RESERVED_IPS_SINCE} or later (reservedips/ is new in ${RESERVED_IPS_SINCE}); this MAAS is ${version}`,
    );
  }
}

export async function readReservedIp(ctx: OperationContext, id: string, hints: Attributes | null): Promise<Attributes | null> {
  const r = await getReservedIp(ctx.api, id, ctx.signal);
  return r ? reservedIpState(r, hints) : null;
}

export async function createReservedIpResource(ctx: OperationContext, planned: Attributes): Promise<CreateResponse> {
  await requireReservedIps(ctx);
  const ip = String(planned.ip);
  const mac = normalizeMac(String(planned.mac_address));
  if (!mac)
    throw new ProviderError(`maas_reserved_ip: ${String(planned.mac_address)} is not a MAC address (the plan should have refused it)`);
  let subnetId: number | undefined;
  if (planned.subnet !== undefined && planned.subnet !== null && typeof planned.subnet !== 'object') {
    const ref = parseSubnetRef(planned.subnet);
    if ('ok' in ref) {
      const subnets = await ctx.api.listSubnets(ctx.signal);
      const found = findSubnet(subnets, ref.ok);
      if (!found) throw new ProviderError(`maas_reserved_ip: subnet ${String(planned.subnet)} does not exist in MAAS`);
      subnetId = found.id;
    }
  } else if (isValueMap(planned.subnet)) {
    const ref = parseSubnetRef(planned.subnet);
    if ('ok' in ref) subnetId = findSubnet(await ctx.api.listSubnets(ctx.signal), ref.ok)?.id;
  }
  const existing = (await listReservedIps(ctx.api, ctx.signal)).find((r) => sameIp(r.ip, ip));
  if (existing) {
    if (sameMac(existing.mac_address, mac)) {
      // a re-run create finds its own reservation
      const state = reservedIpState(existing, planned);
      if (typeof planned.comment === 'string' && planned.comment !== (existing.comment ?? '')) {
        return {
          id: String(existing.id),
          state: reservedIpState(await updateReservedIpComment(ctx.api, String(existing.id), planned.comment, ctx.signal), planned),
        };
      }
      return { id: String(existing.id), state };
    }
    throw new ProviderError(
      `MAAS already reserves ${ip} for MAC ${existing.mac_address} (reserved IP ${existing.id}); import it with \`hl import <address> ${existing.id}\` or remove it first`,
    );
  }
  ctx.progress?.(`reserving ${ip} for ${mac} in MAAS`);
  const made = await needsAdmin(
    `reserve ${ip}`,
    createReservedIp(
      ctx.api,
      { ip, mac_address: mac, subnet: subnetId, comment: typeof planned.comment === 'string' ? planned.comment : undefined },
      ctx.signal,
    ),
  );
  return { id: String(made.id), state: reservedIpState(made, planned) };
}

export async function updateReservedIpResource(ctx: OperationContext, id: string, planned: Attributes): Promise<Attributes> {
  const comment = typeof planned.comment === 'string' ? planned.comment : '';
  ctx.progress?.(`updating the comment of MAAS reserved IP ${id}`);
  const r = await updateReservedIpComment(ctx.api, id, comment, ctx.signal);
  return reservedIpState(r, planned);
}

export async function deleteReservedIpResource(ctx: OperationContext, id: string): Promise<void> {
  ctx.progress?.(`deleting MAAS reserved IP ${id}`);
  await deleteReservedIp(ctx.api, id, ctx.signal);
}

export async function recoverReservedIp(ctx: OperationContext, planned: Attributes): Promise<CreateResponse | null> {
  if (typeof planned.ip !== 'string' || typeof planned.mac_address !== 'string') return null;
  const version = await serverVersion(ctx.api, ctx.signal);
  if (!releaseHasReservedIps(version)) return null;
  const r = (await listReservedIps(ctx.api, ctx.signal)).find(
    (x) => sameIp(x.ip, String(planned.ip)) && sameMac(x.mac_address, String(planned.mac_address)),
  );
  return r ? { id: String(r.id), state: reservedIpState(r, planned) } : null;
}

/** Import by id, IP or MAC. */
export async function importReservedIp(ctx: OperationContext, id: string): Promise<{ id: string; state: Attributes } | null> {
  await requireReservedIps(ctx);
  const text = id.trim();
  if (/^\d+$/.test(text)) {
    const r = await getReservedIp(ctx.api, text, ctx.signal);
    return r ? { id: String(r.id), state: reservedIpState(r, null) } : null;
  }
  const all = await listReservedIps(ctx.api, ctx.signal);
  const mac = normalizeMac(text);
  const found = mac ? all.filter((r) => sameMac(r.mac_address, mac)) : all.filter((r) => sameIp(r.ip, text));
  if (found.length > 1) {
    throw new ProviderError(
      `"${text}" has ${found.length} reserved IPs (${found.map((r) => `${r.ip} on ${r.subnet.cidr} = ${r.id}`).join(', ')}); import by id`,
    );
  }
  const r = found[0];
  return r ? { id: String(r.id), state: reservedIpState(r, null) } : null;
}
