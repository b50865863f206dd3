/**
 * What `maas_device` does against MAAS: read, create, update, delete, recover, import.
 *
 * - create: live checks, `POST devices/` (hostname, domain, zone, description, parent,
 *   repeated mac_addresses; DeviceWithMACsForm takes a zone although the API docs do not
 *   list it: a MAAS that ignores it gets a `PUT`), then `link_subnet mode=STATIC`
 *   per interface. If a step after the POST fails, the half-made device is deleted so no
 *   orphan is left, and the error says so.
 * - update: live checks, `PUT` of changed fields, new MACs as physical interfaces, unlinks of
 *   changed or removed static IPs, removed interfaces, then the new links.
 * - delete: `DELETE devices/{id}/`; already gone is success.
 * - recover: after an interrupted create, finds the device by hostname and MAC.
 * - import: by system_id, hostname (or fqdn) or MAC.
 * The id is the MAAS system_id.
 */
import { ProviderError, type CreateResponse } from '../../../src/provider/contract.js';
import { isValueMap, type Attributes, type ValueMap } from '../../../src/core/value.js';
import type { FormFields } from '../client/form-body.js';
import type { MaasDevice, MaasInterface, MaasLink } from '../client/maas-types.js';
import { sameIp } from '../net/ip-address.js';
import { isMac, normalizeMac } from '../net/mac-address.js';
import { desiredMacList, deviceSpec, type DeviceSpec } from './device-config.js';
import { checkDeviceLive } from './device-live-checks.js';
import type { OperationContext } from './operation-context.js';
import { deviceStateFrom, subnetObjectsNeeded } from './device-state.js';
import { refNamesSubnet, subnetAttributes } from './subnet-data-source.js';

type StaticLink = MaasLink & { ip_address: string };

function staticLinks(iface: MaasInterface): StaticLink[] {
  return iface.links.filter(
    (l): l is StaticLink => l.mode.toLowerCase() === 'static' && typeof l.ip_address === 'string' && l.ip_address !== '',
  );
}

function ifaceByMac(device: MaasDevice, mac: string): MaasInterface | undefined {
  return device.interface_set.find((i) => normalizeMac(i.mac_address ?? '') === mac);
}

async function stateOf(ctx: OperationContext, device: MaasDevice, hints: Attributes | null): Promise<Attributes> {
  const objects = new Map<number, ValueMap>();
  for (const id of subnetObjectsNeeded(device, hints)) {
    const subnet = await ctx.api.getSubnet(id, ctx.signal);
    if (subnet) objects.set(id, subnetAttributes(subnet, await ctx.api.reservedRanges(id, ctx.signal)));
  }
  return deviceStateFrom(device, hints, objects);
}

export async function readDevice(ctx: OperationContext, systemId: string, hints: Attributes | null): Promise<Attributes | null> {
  const device = await ctx.api.getDevice(systemId, ctx.signal);
  return device ? stateOf(ctx, device, hints) : null;
}

async function mustReadBack(ctx: OperationContext, systemId: string, hints: Attributes): Promise<Attributes> {
  const state = await readDevice(ctx, systemId, hints);
  if (!state) throw new ProviderError(`MAAS device ${systemId} disappeared right after it was written`);
  return state;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function createDevice(ctx: OperationContext, planned: Attributes): Promise<CreateResponse> {
  const spec = deviceSpec(planned);
  const subnets = await checkDeviceLive(ctx.api, spec, { ownSystemId: null, signal: ctx.signal });
  ctx.progress?.(`creating MAAS device ${spec.hostname} (${spec.macs.join(', ')})`);
  const form: FormFields = {
    hostname: spec.hostname,
    domain: spec.domain,
    zone: spec.zone,
    description: spec.description,
    parent: spec.parent,
    mac_addresses: spec.macs,
  };
  const device = await ctx.api.createDevice(form, ctx.signal);
  const systemId = device.system_id;
  try {
    if (spec.zone !== undefined && device.zone?.name !== spec.zone) {
      await ctx.api.updateDevice(systemId, { zone: spec.zone }, ctx.signal);
    }
    for (const iface of spec.interfaces) {
      const maasIface = ifaceByMac(device, iface.mac);
      if (!maasIface) throw new ProviderError(`MAAS created device ${systemId} without an interface for ${iface.mac}`);
      ctx.progress?.(`linking ${iface.ipText} to ${spec.hostname} ${maasIface.name} (${iface.mac})`);
      await ctx.api.linkSubnet(systemId, maasIface.id, { subnet: subnets.get(iface.label)!.id, ip_address: iface.ipText }, ctx.signal);
    }
  } catch (err) {
    let rollback: string;
    try {
      await ctx.api.deleteDevice(systemId, ctx.signal);
      rollback = `the half-created device ${systemId} was deleted again`;
    } catch (err2) {
      rollback = `deleting the half-created device ${systemId} failed too (${message(err2)}): delete it in MAAS or import it`;
    }
    const status = err instanceof ProviderError ? err.options.status : undefined;
    throw new ProviderError(`${message(err)} (${rollback})`, { retryable: false, ...(status !== undefined ? { status } : {}) });
  }
  return { id: systemId, state: await mustReadBack(ctx, systemId, planned) };
}

interface LinkChange {
  label: string;
  mac: string;
  subnetId: number;
  ipText: string;
}

function nextInterfaceName(device: MaasDevice, taken: Set<string>): string {
  for (const i of device.interface_set) taken.add(i.name);
  for (let n = 0; ; n++) {
    if (!taken.has(`eth${n}`)) {
      taken.add(`eth${n}`);
      return `eth${n}`;
    }
  }
}

/** Prior entries as (label, mac, ip) with normalized MACs. */
function priorLinks(prior: Attributes): { label: string; mac: string; ip: string }[] {
  const out: { label: string; mac: string; ip: string }[] = [];
  const ifaces = prior.interfaces;
  if (!isValueMap(ifaces)) return out;
  for (const [label, raw] of Object.entries(ifaces)) {
    if (!isValueMap(raw)) continue;
    const macText = typeof raw.mac === 'string' ? raw.mac : isMac(label) ? label : undefined;
    const mac = macText ? normalizeMac(macText) : undefined;
    if (mac && typeof raw.ip === 'string') out.push({ label, mac, ip: raw.ip });
  }
  return out;
}

export async function updateDevice(ctx: OperationContext, systemId: string, prior: Attributes, planned: Attributes): Promise<Attributes> {
  const spec: DeviceSpec = deviceSpec(planned);
  const device = await ctx.api.getDevice(systemId, ctx.signal);
  if (!device) throw new ProviderError(`MAAS device ${systemId} (${spec.hostname}) no longer exists; refresh to plan its re-creation`);

  const fields: FormFields = {};
  if (spec.hostname !== device.hostname) fields.hostname = spec.hostname;
  if (spec.domain !== undefined && spec.domain !== device.domain?.name) fields.domain = spec.domain;
  if (spec.zone !== undefined && spec.zone !== device.zone?.name) fields.zone = spec.zone;
  if (spec.description !== undefined && spec.description !== (device.description ?? '')) fields.description = spec.description;
  if (spec.parent !== undefined && spec.parent !== device.parent) fields.parent = spec.parent;

  const currentMacs = device.interface_set.map((i) => normalizeMac(i.mac_address ?? '')).filter((m): m is string => !!m);
  const addMacs = spec.macs.filter((m) => !currentMacs.includes(m));
  const removeIfaces = device.interface_set.filter((i) => {
    const m = normalizeMac(i.mac_address ?? '');
    return m !== undefined && !spec.macs.includes(m);
  });

  // Which links to take down, which to make.
  const unlinks = new Map<string, { iface: MaasInterface; link: StaticLink }>();
  const links: LinkChange[] = [];
  const removed = new Set(removeIfaces.map((i) => i.id));
  const needsLink = spec.interfaces.filter((iface) => {
    const maasIface = ifaceByMac(device, iface.mac);
    if (!maasIface) return true;
    return !staticLinks(maasIface).some(
      (l) => sameIp(l.ip_address, iface.ipText) && l.subnet !== undefined && refNamesSubnet(iface.subnet, l.subnet),
    );
  });
  for (const p of priorLinks(prior)) {
    const keep = spec.interfaces.some((i) => i.label === p.label && i.mac === p.mac && sameIp(i.ipText, p.ip) && !needsLink.includes(i));
    if (keep) continue;
    const maasIface = ifaceByMac(device, p.mac);
    if (!maasIface || removed.has(maasIface.id)) continue;
    for (const link of staticLinks(maasIface)) {
      if (sameIp(link.ip_address, p.ip)) unlinks.set(`${maasIface.id}/${link.id}`, { iface: maasIface, link });
    }
  }
  for (const iface of needsLink) {
    // The wanted IP linked on the wrong subnet (or elsewhere on this device) must go first.
    for (const maasIface of device.interface_set) {
      if (removed.has(maasIface.id)) continue;
      for (const link of staticLinks(maasIface)) {
        if (sameIp(link.ip_address, iface.ipText)) unlinks.set(`${maasIface.id}/${link.id}`, { iface: maasIface, link });
      }
    }
  }

  const subnets = await checkDeviceLive(ctx.api, spec, {
    ownSystemId: systemId,
    macsToCheck: addMacs,
    interfacesToCheck: needsLink,
    checkDomain: fields.domain !== undefined,
    checkZone: fields.zone !== undefined,
    signal: ctx.signal,
  });
  for (const iface of needsLink)
    links.push({ label: iface.label, mac: iface.mac, subnetId: subnets.get(iface.label)!.id, ipText: iface.ipText });

  if (Object.keys(fields).length) {
    ctx.progress?.(`updating MAAS device ${systemId}: ${Object.keys(fields).join(', ')}`);
    await ctx.api.updateDevice(systemId, fields, ctx.signal);
  }
  const names = new Set<string>();
  const interfaceIds = new Map<string, number>();
  for (const i of device.interface_set) {
    const m = normalizeMac(i.mac_address ?? '');
    if (m) interfaceIds.set(m, i.id);
  }
  for (const mac of addMacs) {
    ctx.progress?.(`adding interface ${mac} to MAAS device ${systemId}`);
    const created = await ctx.api.createPhysicalInterface(
      systemId,
      { mac_address: mac, name: nextInterfaceName(device, names) },
      ctx.signal,
    );
    interfaceIds.set(mac, created.id);
  }
  for (const { iface, link } of unlinks.values()) {
    ctx.progress?.(`unlinking ${link.ip_address} from ${iface.name} of MAAS device ${systemId}`);
    await ctx.api.unlinkSubnet(systemId, iface.id, link.id, ctx.signal);
  }
  for (const iface of removeIfaces) {
    ctx.progress?.(`removing interface ${iface.name} (${iface.mac_address}) from MAAS device ${systemId}`);
    await ctx.api.deleteInterface(systemId, iface.id, ctx.signal);
  }
  for (const l of links) {
    const id = interfaceIds.get(l.mac);
    if (id === undefined) throw new ProviderError(`MAAS device ${systemId} has no interface for ${l.mac}`);
    ctx.progress?.(`linking ${l.ipText} to interface ${l.label} (${l.mac}) of MAAS device ${systemId}`);
    await ctx.api.linkSubnet(systemId, id, { subnet: l.subnetId, ip_address: l.ipText }, ctx.signal);
  }
  return mustReadBack(ctx, systemId, planned);
}

export async function deleteDevice(ctx: OperationContext, systemId: string): Promise<void> {
  ctx.progress?.(`deleting MAAS device ${systemId}`);
  await ctx.api.deleteDevice(systemId, ctx.signal);
}

/** After an interrupted create: the device with the planned hostname and one of its MACs. */
export async function recoverDevice(ctx: OperationContext, planned: Attributes): Promise<CreateResponse | null> {
  const hostname = typeof planned.hostname === 'string' ? planned.hostname : undefined;
  if (!hostname) return null;
  const macs = desiredMacList(planned)
    .map((m) => (typeof m === 'string' ? normalizeMac(m) : undefined))
    .filter((m): m is string => m !== undefined);
  const candidates = await ctx.api.listDevices({ hostname: [hostname] }, ctx.signal);
  const match = candidates.find((d) =>
    macs.length === 0 ? true : d.interface_set.some((i) => macs.includes(normalizeMac(i.mac_address ?? '') ?? '')),
  );
  if (!match) return null;
  return { id: match.system_id, state: await stateOf(ctx, match, planned) };
}

/** Import by system_id, hostname, fqdn or MAC. */
export async function importDevice(ctx: OperationContext, id: string): Promise<{ id: string; state: Attributes } | null> {
  const text = id.trim();
  let device: MaasDevice | null | undefined;
  const mac = normalizeMac(text);
  if (mac) {
    device = (await ctx.api.listDevices({ mac_address: [mac] }, ctx.signal))[0];
  } else {
    if (/^[a-z0-9]+$/.test(text)) device = await ctx.api.getDevice(text, ctx.signal);
    if (!device) {
      const dot = text.indexOf('.');
      const filter = dot > 0 ? { hostname: [text.slice(0, dot)], domain: text.slice(dot + 1) } : { hostname: [text] };
      const found = await ctx.api.listDevices(filter, ctx.signal);
      if (found.length > 1) {
        throw new ProviderError(
          `"${text}" names ${found.length} MAAS devices (${found.map((d) => `${d.fqdn} = ${d.system_id}`).join(', ')}); import by system_id or fqdn`,
        );
      }
      device = found[0];
    }
  }
  if (!device) return null;
  return { id: device.system_id, state: deviceStateFrom(device, null) };
}
