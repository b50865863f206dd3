/**
 * `planResource` for `coral_passthrough` (pure): the planned attributes from config and the
 * refreshed state, what forces a replacement, and the problems a refresh revealed.
 *
 * - node, vmid, guest_type, kind and an explicit slot cannot change in place (replacement): the
 *   attributes resource-schemas.ts flags forceNew, each compared by its rule here.
 * - Which Coral: an explicit port / pci_address wins; otherwise the one chosen at create is
 *   kept, and when the refresh found it moved to another port of the same node the passthrough
 *   follows it (an in-place update of the slot line), with a note.
 * - A Coral that moved while pinned by config, moved to another node or is missing, and a
 *   start that would fail now (`start_blocker`: a hostpci device gone, a mapping whose id no
 *   longer matches the flipped Coral, no q35 for pcie=1, a missing /dev/apex_N) are problems:
 *   an error when the guest is stopped (its next start fails), a warning while it runs.
 * - A USB Coral in a container: a warning with the exact host lines, until a refresh finds
 *   them in the container's config.
 * - Observed attributes keep their refreshed values when nothing is written, and are unknown
 *   when the apply writes (create or update read them again).
 */
import { isUnknown, isValueMap, UNKNOWN, valueEquals, type Attributes, type Value } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { forceNewChanges, type ForceNewRule } from '../../../src/provider/force-new.js';
import type { CoralKind } from '../hardware/coral-device.js';
import { PASSTHROUGH_SCHEMA } from '../resource-schemas.js';
import { formatDeviceValue, slotPrefix, type PassthroughMethod } from './guest-device-line.js';
import { HOST_CONFIG_LINES, hostConfigAdvice } from './lxc-usb-host-lines.js';
import { guestLabel, impliedKind, known, methodFor, readPassthroughConfig, type GuestType, type Maybe } from './passthrough-config.js';
import { CONFIG_ATTRIBUTES, DERIVED_ATTRIBUTES, OBSERVED_ATTRIBUTES, str } from './passthrough-state.js';

const v = <T extends Value>(m: Maybe<T>): Value => (m === undefined ? null : m);

function priorValue(prior: Attributes | null, key: string): Value | undefined {
  if (!prior) return undefined;
  const x = prior[key];
  return x === undefined ? null : x;
}

/** A value from config, else the prior one, else `fallback` (UNKNOWN: chosen at apply). */
function keep(config: Value | undefined, prior: Value | undefined, fallback: Value): Value {
  if (config !== undefined) return config;
  if (prior !== undefined) return prior;
  return fallback;
}

interface FoundAt {
  node: string | null;
  port: string | null;
  pci_address: string | null;
  device_path: string | null;
}

function foundAt(prior: Attributes | null): FoundAt | undefined {
  const f = prior?.found_at;
  if (!isValueMap(f)) return undefined;
  const s = (k: string): string | null => (typeof f[k] === 'string' ? (f[k] as string) : null);
  return { node: s('node'), port: s('port'), pci_address: s('pci_address'), device_path: s('device_path') };
}

function severityFor(prior: Attributes): 'error' | 'warning' {
  return prior.guest_status === 'running' ? 'warning' : 'error';
}

function locationText(kind: Value, port: Value, pci: Value, path: Value): string {
  if (kind === 'usb') return `port ${String(port)}`;
  if (typeof path === 'string') return typeof pci === 'string' ? `${pci} (${path})` : path;
  return String(pci);
}

function driftProblems(prior: Attributes, planned: Attributes): AttributeProblem[] {
  const out: AttributeProblem[] = [];
  const node = String(planned.node);
  const label = guestLabel(planned.guest_type as GuestType, planned.vmid as number);
  const where = locationText(planned.kind ?? null, planned.port ?? null, planned.pci_address ?? null, planned.device_path ?? null);
  const status = str(prior, 'hardware_status');
  const blocker = str(prior, 'start_blocker');
  const f = foundAt(prior);
  const running = prior.guest_status === 'running';
  const startText = blocker
    ? running
      ? ` ${label} keeps running, but its next start fails: ${blocker}.`
      : ` Starting ${label} would fail: ${blocker}.`
    : planned.method === 'usb-port' || planned.method === 'lxc-host-config'
      ? ` ${label} would start without it.`
      : '';
  const severity: 'error' | 'warning' = blocker ? severityFor(prior) : 'warning';
  if (status === 'moved' && f) {
    const there = f.port ? `port ${f.port}` : (f.pci_address ?? f.device_path ?? 'another place');
    const attr = f.port ? `port = "${f.port}"` : f.pci_address ? `pci_address = "${f.pci_address}"` : `device_path = "${f.device_path}"`;
    const fix =
      planned.method === 'lxc-host-config'
        ? `${prior.host_config_present === true ? `${label} still reaches it through the /dev/bus/usb bind mount. ` : ''}Set ${attr} (or leave it out to follow the Coral).`
        : planned.method === 'usb-mapping' || planned.method === 'pci-mapping'
          ? `Update mapping "${String(planned.mapping)}" to point at ${there} (pvesh set /cluster/mapping/${planned.method === 'usb-mapping' ? 'usb' : 'pci'}/${String(planned.mapping)} --map ...), or plug it back.`
          : `Set ${attr} (or leave it out to follow the Coral), or plug it back.`;
    const consequence = planned.method === 'lxc-host-config' ? '' : startText;
    out.push({ path: [], severity, message: `the Coral is no longer at ${where} on ${node}: it is now at ${there}.${consequence} ${fix}` });
  } else if (status === 'moved_node' && f) {
    out.push({
      path: [],
      severity,
      message: `the Coral is no longer on ${node}: a ${planned.kind === 'pcie' ? 'PCIe' : 'USB'} Coral is now on ${f.node} at ${f.port ? `port ${f.port}` : f.pci_address}.${startText} A guest can only use a Coral of its own node: move ${label} to ${f.node} and set node = "${f.node}" (this replaces the passthrough), or plug the Coral back into ${node}.`,
    });
  } else if (status === 'missing') {
    out.push({
      path: [],
      severity,
      message: `no Coral found at ${where} on ${node}, nor on any other online node.${startText} Plug it back in, or remove this passthrough.`,
    });
  } else if (blocker) {
    const hint =
      planned.method === 'usb-mapping' && /'id' does not match/.test(blocker)
        ? ` The Coral's id flipped at its first inference; update the mapping's id (pvesh set /cluster/mapping/usb/${String(planned.mapping)} --map ...), or pass it by port as root@pam.`
        : /q35/.test(blocker)
          ? ' Set machine = "q35" on the VM, or pcie = false.'
          : '';
    out.push({
      path: [],
      severity: severityFor(prior),
      message: `${running ? `${label} keeps running, but its next start fails` : `starting ${label} would fail`}: ${blocker}.${hint}`,
    });
  }
  const dev = prior.device;
  if (isValueMap(dev) && dev.iommu_group_shared === true && planned.allow_shared_iommu_group !== true) {
    out.push({
      path: ['allow_shared_iommu_group'],
      severity: 'warning',
      message: `the Coral's IOMMU group ${String(dev.iommu_group)} is shared with other devices: passing it through takes them from the host at the next start of ${label}. Set allow_shared_iommu_group = true if that is intended.`,
    });
  }
  return out;
}

/** The values the written line of `method` is made of. */
function linePartsOf(
  method: PassthroughMethod,
  p: { port: Value; pci: Value; mapping: Value; pcie: Value; devicePath: Value; mode: Value },
): Value[] {
  switch (method) {
    case 'usb-port':
      return [p.port];
    case 'usb-mapping':
      return [p.mapping];
    case 'pci-address':
      return [p.pci, p.pcie];
    case 'pci-mapping':
      return [p.mapping, p.pcie];
    case 'lxc-device':
      return [p.devicePath, p.mode];
    case 'lxc-host-config':
      return [];
  }
}

function computePlanned(
  prior: Attributes | null,
  config: Attributes,
  notes: string[],
): { planned: Attributes; follow: boolean; writes: boolean } {
  const c = readPassthroughConfig(config);
  const guestType: Value = v(c.guestType);
  const isVm = guestType === 'vm';
  const isLxc = guestType === 'lxc';
  const ck = impliedKind(c);
  const kind: Value = ck !== undefined ? v(ck) : keep(undefined, priorValue(prior, 'kind') ?? undefined, UNKNOWN); // a kind is never null once chosen
  const isUsb = kind === 'usb';
  const isPcie = kind === 'pcie';
  const f = foundAt(prior);
  const pinned = c.port !== undefined || c.pciAddress !== undefined || (isLxc && c.devicePath !== undefined);
  const reselect = prior !== null && c.index !== undefined && !valueEquals(v(c.index), priorValue(prior, 'index') ?? null);
  const mapped = prior?.method === 'usb-mapping' || prior?.method === 'pci-mapping';
  const follow =
    !!prior && !pinned && !reselect && !mapped && prior.hardware_status === 'moved' && f !== undefined && f.node === prior.node;

  /** Which Coral: config, else the one chosen before (or where it moved), else chosen at apply. */
  const location = (configured: Maybe<string>, key: string, followed: string | null | undefined): Value => {
    if (configured !== undefined) return v(configured);
    if (reselect) return UNKNOWN;
    if (follow && followed) return followed;
    return keep(undefined, priorValue(prior, key), UNKNOWN);
  };
  const port = isPcie ? null : location(c.port, 'port', f?.port);
  const pci = isUsb ? null : location(c.pciAddress, 'pci_address', f?.pci_address);
  const mapping = v(c.mapping);
  let devicePath: Value = null;
  if (!isVm && !isUsb) {
    const pciChanged = c.pciAddress !== undefined && !valueEquals(pci, priorValue(prior, 'pci_address') ?? null);
    devicePath = c.devicePath !== undefined ? v(c.devicePath) : pciChanged ? UNKNOWN : location(undefined, 'device_path', f?.device_path);
  }
  const pcie: Value = isLxc || isUsb ? null : c.pcie !== undefined ? v(c.pcie) : isPcie && isVm ? true : UNKNOWN;
  const mode: Value = isVm || isUsb ? null : c.mode !== undefined ? v(c.mode) : isPcie && isLxc ? '0666' : UNKNOWN;

  let method: Value = UNKNOWN;
  if ((isVm || isLxc) && (isUsb || isPcie) && !isUnknown(mapping)) {
    method = methodFor(guestType as GuestType, kind as CoralKind, typeof mapping === 'string' ? mapping : undefined);
  }
  const prefix = typeof method === 'string' ? slotPrefix(method as PassthroughMethod) : undefined;
  let slot: Value;
  if (method === 'lxc-host-config') slot = null;
  else if (c.slot !== undefined) slot = v(c.slot);
  else {
    const p = priorValue(prior, 'slot');
    slot = typeof p === 'string' && (!prefix || p.startsWith(prefix)) ? p : UNKNOWN;
  }

  let configLine: Value = UNKNOWN;
  if (method === 'lxc-host-config') configLine = null;
  else if (
    typeof method === 'string' &&
    typeof slot === 'string' &&
    !linePartsOf(method as PassthroughMethod, { port, pci, mapping, pcie, devicePath, mode }).some((x) => isUnknown(x))
  ) {
    configLine = `${slot}: ${formatDeviceValue({
      method: method as PassthroughMethod,
      ...(typeof port === 'string' ? { port } : {}),
      ...(typeof pci === 'string' ? { pciAddress: pci } : {}),
      ...(typeof mapping === 'string' ? { mapping } : {}),
      ...(typeof pcie === 'boolean' ? { pcie } : {}),
      ...(typeof devicePath === 'string' ? { devicePath } : {}),
      ...(typeof mode === 'string' ? { mode } : {}),
    })}`;
  }

  const planned: Attributes = {
    node: v(c.node),
    vmid: v(c.vmid),
    guest_type: guestType,
    kind,
    port,
    pci_address: pci,
    index: v(c.index),
    slot,
    mapping,
    pcie,
    mode,
    device_path: devicePath,
    allow_shared_iommu_group: c.allowSharedIommuGroup !== undefined ? v(c.allowSharedIommuGroup) : false,
    method,
    config_line: configLine,
    host_config: method === 'lxc-host-config' ? [...HOST_CONFIG_LINES] : typeof method === 'string' ? [] : UNKNOWN,
  };
  const writes =
    !prior || [...CONFIG_ATTRIBUTES, ...DERIVED_ATTRIBUTES].some((k) => !valueEquals(planned[k], priorValue(prior, k) ?? null));
  for (const k of OBSERVED_ATTRIBUTES) planned[k] = writes ? UNKNOWN : (priorValue(prior, k) as Value);
  if (follow && f && prior) {
    notes.push(
      `the Coral moved from ${locationText(prior.kind ?? null, prior.port ?? null, prior.pci_address ?? null, prior.device_path ?? null)} to ${f.port ? `port ${f.port}` : (f.pci_address ?? f.device_path)} on ${String(prior.node)}: ${String(prior.slot ?? 'the passthrough')} follows it`,
    );
  }
  return { planned, follow, writes };
}

const ONE_GUEST = (k: string): ForceNewRule => ({
  changed: ({ prior, planned }) => !isUnknown(planned[k] as Value) && !valueEquals(planned[k], prior[k] ?? null),
  reason: `${k} cannot change: a passthrough belongs to one guest on one node`,
});

/**
 * How a change of each forceNew attribute (resource-schemas.ts) is seen: another guest or
 * node once known, another kind once one was chosen, another slot only when config names one.
 */
const PASSTHROUGH_REPLACEMENTS: Record<string, ForceNewRule> = {
  node: ONE_GUEST('node'),
  vmid: ONE_GUEST('vmid'),
  guest_type: ONE_GUEST('guest_type'),
  kind: {
    changed: ({ prior, planned }) => !isUnknown(planned.kind as Value) && typeof prior.kind === 'string' && planned.kind !== prior.kind,
    reason: 'a USB and a PCIe Coral are passed through differently',
  },
  slot: {
    changed: ({ prior, config }) => typeof config.slot === 'string' && typeof prior.slot === 'string' && config.slot !== prior.slot,
    reason: ({ prior, config }) => `the device moves from ${String(prior.slot)} to ${String(config.slot)}`,
  },
};

function replacements(prior: Attributes, planned: Attributes, config: Attributes): PlanResourceResponse['requiresReplace'] {
  return forceNewChanges(PASSTHROUGH_SCHEMA.attributes, { prior, planned, config }, PASSTHROUGH_REPLACEMENTS);
}

export function planPassthrough(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const notes: string[] = [];
  const problems: AttributeProblem[] = [];
  let { planned, follow, writes } = computePlanned(prior, config, notes);
  const requiresReplace = prior ? replacements(prior, planned, config) : [];
  if (requiresReplace.length > 0) {
    // The replacement is a new passthrough: plan it as a create.
    notes.length = 0;
    ({ planned, follow, writes } = computePlanned(null, config, notes));
  } else if (prior) {
    // A change of where the line points is checked against the hardware by the update itself.
    const relocating = ['port', 'pci_address', 'device_path', 'mapping', 'pcie', 'method'].some(
      (k) => !valueEquals(planned[k], priorValue(prior, k) ?? null),
    );
    if (!follow && !relocating) problems.push(...driftProblems(prior, planned));
    if (prior.pending_restart === true && !writes) {
      notes.push(
        `${String(prior.slot)} waits for the next start of ${guestLabel(planned.guest_type as GuestType, planned.vmid as number)} (hl does not restart guests for it)`,
      );
    }
  }
  const c = readPassthroughConfig(config);
  if (planned.method === 'lxc-host-config' && !(prior && requiresReplace.length === 0 && prior.host_config_present === true)) {
    problems.push({
      path: ['guest_type'],
      severity: 'warning',
      message: `${prior ? 'still missing on the host: ' : ''}${hostConfigAdvice(known(c.node) ? c.node : '<node>', known(c.vmid) ? c.vmid : '<vmid>')}`,
    });
  }
  return { planned, requiresReplace, notes, problems };
}
