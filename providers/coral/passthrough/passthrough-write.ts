/**
 * Creating, updating and deleting a `coral_passthrough`. Every check that needs live data runs
 * before the one write, so a refused apply leaves the guest untouched:
 *
 * - the guest exists on the node; the Coral is chosen from the node's hardware (coral-selection.ts);
 * - IOMMU, q35 and mapping checks (live-checks.ts);
 * - the slot is free or already holds this device (a create repeated after a crash adopts the
 *   existing line instead of adding a second one).
 *
 * The write is one `PUT .../config` with the config digest; when its answer is lost, the
 * config is read again to see whether it was carried out. A USB Coral in a container writes
 * nothing (the API cannot set raw `lxc.*` keys): create records it, and the plan shows the
 * host lines until they are there.
 */
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import type { Attributes } from '../../../src/core/value.js';
import type { PveClient } from '../../pve/client/pve-client.js';
import { isDigestMismatch } from '../../pve/client/pve-error.js';
import { describeCoral, type CoralDevice, type CoralKind } from '../hardware/coral-device.js';
import { readClusterHardware, readNodeHardware, type NodeHardware } from '../hardware/hardware-reader.js';
import { selectCoral, type CoralCriteria } from './coral-selection.js';
import {
  formatDeviceValue,
  freeSlot,
  parseDeviceValue,
  sameDevice,
  slotHolding,
  slotMatches,
  slotPrefix,
  type DeviceTarget,
} from './guest-device-line.js';
import { readGuestConfig, writeGuestConfig, type GuestConfig, type PassthroughGuest } from './guest-api.js';
import { checkMapping, checkPci } from './live-checks.js';
import { isPinnedUsbDevicePath } from './lxc-usb-host-lines.js';
import { guestLabel, methodFor, type GuestType } from './passthrough-config.js';
import { observePassthrough } from './passthrough-observe.js';
import { passthroughId } from './passthrough-state.js';

const s = (a: Attributes, k: string): string | undefined => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
const n = (a: Attributes, k: string): number | undefined => (typeof a[k] === 'number' ? (a[k] as number) : undefined);

function guestOf(planned: Attributes): PassthroughGuest {
  const node = s(planned, 'node');
  const vmid = n(planned, 'vmid');
  const guestType = (s(planned, 'guest_type') ?? 'vm') as GuestType;
  if (node === undefined || vmid === undefined) throw new ProviderError('coral_passthrough: node and vmid must be known to apply');
  return { node, vmid, guestType };
}

async function chooseCoral(
  client: PveClient,
  g: PassthroughGuest,
  hw: NodeHardware,
  planned: Attributes,
  op: OperationContext,
): Promise<CoralDevice> {
  const criteria: CoralCriteria = {};
  const kind = s(planned, 'kind');
  if (kind === 'usb' || kind === 'pcie') criteria.kind = kind as CoralKind;
  const port = s(planned, 'port');
  const pci = s(planned, 'pci_address');
  const path = s(planned, 'device_path');
  const index = n(planned, 'index');
  if (pci !== undefined) criteria.pciAddress = pci;
  else if (port !== undefined) criteria.port = port;
  else if (path !== undefined) criteria.devicePath = path;
  else if (index !== undefined) criteria.index = index;
  const sel = selectCoral(g.node, hw.corals, criteria);
  if ('coral' in sel) return sel.coral;
  let hint = '';
  if (hw.corals.length === 0) {
    const cluster = await readClusterHardware(client, op, new Set([g.node]));
    const elsewhere = cluster.nodes.flatMap((x) => x.corals);
    if (elsewhere.length > 0)
      hint = `; Corals elsewhere: ${elsewhere.map(describeCoral).join('; ')} (a guest can only use a Coral of its own node)`;
  }
  throw new ProviderError(`coral_passthrough for ${guestLabel(g.guestType, g.vmid)}: ${sel.error}${hint}`);
}

/** The line to write for the chosen Coral. */
function targetFor(g: PassthroughGuest, coral: CoralDevice, planned: Attributes): DeviceTarget {
  const mapping = s(planned, 'mapping');
  const method = methodFor(g.guestType, coral.kind, mapping);
  switch (method) {
    case 'usb-port':
      return { method, port: coral.port as string };
    case 'usb-mapping':
      return { method, mapping: mapping as string };
    case 'pci-address':
      return { method, pciAddress: coral.pciAddress as string, pcie: planned.pcie !== false };
    case 'pci-mapping':
      return { method, mapping: mapping as string, pcie: planned.pcie !== false };
    case 'lxc-device': {
      const path = s(planned, 'device_path') ?? coral.deviceNode;
      if (isPinnedUsbDevicePath(path))
        throw new ProviderError(`device_path ${path} pins a USB device number, which changes when the Coral re-enumerates`);
      return { method, devicePath: path, mode: s(planned, 'mode') ?? '0666' };
    }
    case 'lxc-host-config':
      return { method, port: coral.port as string };
  }
}

function chooseSlot(
  g: PassthroughGuest,
  cfg: GuestConfig,
  target: DeviceTarget,
  wanted: string | undefined,
  own: DeviceTarget | undefined,
): string {
  const prefix = slotPrefix(target.method);
  if (!prefix) throw new Error('no slot for a container USB passthrough');
  const label = guestLabel(g.guestType, g.vmid);
  if (wanted !== undefined) {
    if (!slotMatches(wanted, prefix)) throw new ProviderError(`slot ${wanted} is not a ${prefix} slot`);
    const cur = cfg[wanted];
    if (typeof cur === 'string') {
      const parsed = parseDeviceValue(wanted, cur);
      const ours = parsed && ((own && sameDevice(parsed, own)) || sameDevice(parsed, target));
      if (!ours)
        throw new ProviderError(`slot ${wanted} of ${label} is already used (${wanted}: ${cur}); choose another slot or leave slot out`);
    }
    return wanted;
  }
  const existing = slotHolding(prefix, cfg, target);
  if (existing) return existing;
  const free = freeSlot(prefix, cfg);
  if (!free) throw new ProviderError(`${label} has no free ${prefix} slot`);
  return free;
}

async function putSlot(
  client: PveClient,
  g: PassthroughGuest,
  cfg: GuestConfig,
  params: Record<string, string>,
  verify: (cfg: GuestConfig) => boolean,
  op: OperationContext,
): Promise<void> {
  try {
    await writeGuestConfig(client, g, { ...params, ...(typeof cfg.digest === 'string' ? { digest: cfg.digest } : {}) }, op);
  } catch (e) {
    const again = await readGuestConfig(client, g, op).catch(() => null);
    if (again && verify(again)) return;
    if (isDigestMismatch(e) && again) {
      await writeGuestConfig(client, g, { ...params, ...(typeof again.digest === 'string' ? { digest: again.digest } : {}) }, op);
      return;
    }
    throw e;
  }
}

export interface WriteResult {
  id: string;
  state: Attributes;
}

/** Create (prior null) or update a passthrough to match `planned`. */
export async function applyPassthrough(
  client: PveClient,
  planned: Attributes,
  prior: Attributes | null,
  op: OperationContext = {},
): Promise<WriteResult> {
  const g = guestOf(planned);
  const label = guestLabel(g.guestType, g.vmid);
  const cfg = await readGuestConfig(client, g, op);
  if (!cfg) throw new ProviderError(`${label} does not exist on ${g.node}`);
  const hw = await readNodeHardware(client, g.node, op);
  const coral = await chooseCoral(client, g, hw, planned, op);
  const target = targetFor(g, coral, planned);
  if (target.method === 'pci-address' || target.method === 'pci-mapping') checkPci(g, cfg, hw, coral, planned);
  if (target.method === 'usb-mapping' || target.method === 'pci-mapping')
    await checkMapping(client, g, hw, coral, target.mapping as string, op);

  let slot: string | null = null;
  if (target.method === 'lxc-host-config') {
    op.progress?.(
      `a USB Coral cannot be configured for ${label} through the API: the host lines shown in the plan are needed in /etc/pve/lxc/${g.vmid}.conf on ${g.node}`,
    );
  } else {
    const priorSlot = prior && typeof prior.slot === 'string' ? prior.slot : undefined;
    const own = priorSlot && typeof cfg[priorSlot] === 'string' ? parseDeviceValue(priorSlot, cfg[priorSlot] as string) : undefined;
    slot = chooseSlot(g, cfg, target, s(planned, 'slot') ?? priorSlot, own);
    const value = formatDeviceValue(target);
    if (cfg[slot] !== value) {
      const sl = slot;
      await putSlot(client, g, cfg, { [sl]: value }, (c) => c[sl] === value, op);
    }
  }
  const state = await observePassthrough(
    client,
    {
      ...g,
      slot,
      port: coral.port,
      pciAddress: coral.pciAddress,
      index: n(planned, 'index') ?? null,
      allowSharedIommuGroup: planned.allow_shared_iommu_group === true,
    },
    op,
  );
  if (!state) throw new ProviderError(`${label}: the passthrough was written but could not be read back`);
  return { id: passthroughId(g.node, g.vmid, slot), state };
}

/** Removes the slot line if it still passes this device; a guest or line already gone is fine. */
export async function removePassthrough(client: PveClient, prior: Attributes, op: OperationContext = {}): Promise<void> {
  const g = guestOf(prior);
  const slot = s(prior, 'slot');
  if (slot === undefined) {
    op.progress?.(
      `nothing to remove through the API for ${guestLabel(g.guestType, g.vmid)}: remove the lxc.cgroup2.devices.allow / lxc.mount.entry lines for /dev/bus/usb from /etc/pve/lxc/${g.vmid}.conf on ${g.node} by hand if no longer wanted`,
    );
    return;
  }
  const cfg = await readGuestConfig(client, g, op);
  if (!cfg) return;
  const cur = cfg[slot];
  if (typeof cur !== 'string') return;
  const parsed = parseDeviceValue(slot, cur);
  const line = typeof prior.config_line === 'string' ? prior.config_line.replace(/^[^:]+:\s*/, '') : undefined;
  const mine = line !== undefined ? parseDeviceValue(slot, line) : undefined;
  if (!parsed || (mine && !sameDevice(parsed, mine))) {
    op.progress?.(`${slot} of ${guestLabel(g.guestType, g.vmid)} now holds "${cur}", not this Coral: left as it is`);
    return;
  }
  await putSlot(client, g, cfg, { delete: slot }, (c) => c[slot] === undefined, op);
}
