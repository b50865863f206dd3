/**
 * The `coral_passthrough` config read into typed values (pure). Values may be unknown at plan
 * time (a VMID from a guest created in the same apply): `Maybe<T>` keeps that apart from
 * "not set".
 *
 * Config attributes:
 *   node, vmid, guest_type (vm|lxc, default vm)            which guest, on which node
 *   kind (usb|pcie), port ("2-1"), pci_address, index      which Coral (at most one of
 *                                                          port / pci_address / index)
 *   slot ("usb0", "hostpci1", "dev0")                      default: the first free one
 *   mapping                                                 a cluster resource mapping (VMs)
 *   pcie (default true), mode (default "0666"),             options of the written line
 *   device_path (containers, default /dev/apex_N)
 *   allow_shared_iommu_group (default false)
 */
import { isUnknown, UNKNOWN, type Attributes, type Unknown, type Value } from '../../../src/core/value.js';
import type { CoralKind } from '../hardware/coral-device.js';
import { canonicalPciAddress } from '../hardware/coral-device.js';
import type { PassthroughMethod } from './guest-device-line.js';

export type GuestType = 'vm' | 'lxc';
/** undefined: not set; UNKNOWN: set, but known only at apply. */
export type Maybe<T> = T | Unknown | undefined;

export function known<T>(v: Maybe<T>): v is T {
  return v !== undefined && !isUnknown(v);
}

function pick<T extends Value>(config: Attributes, key: string, ok: (v: Value) => boolean): Maybe<T> {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return UNKNOWN;
  return ok(v) ? (v as T) : undefined;
}

const isString = (v: Value): boolean => typeof v === 'string';
const isInt = (v: Value): boolean => typeof v === 'number' && Number.isInteger(v);
const isBool = (v: Value): boolean => typeof v === 'boolean';

export interface PassthroughConfig {
  node: Maybe<string>;
  vmid: Maybe<number>;
  guestType: Maybe<GuestType>;
  kind: Maybe<CoralKind>;
  port: Maybe<string>;
  pciAddress: Maybe<string>;
  index: Maybe<number>;
  slot: Maybe<string>;
  mapping: Maybe<string>;
  pcie: Maybe<boolean>;
  mode: Maybe<string>;
  devicePath: Maybe<string>;
  allowSharedIommuGroup: Maybe<boolean>;
}

export function readPassthroughConfig(config: Attributes): PassthroughConfig {
  const pci = pick<string>(config, 'pci_address', isString);
  const guestType = pick<string>(config, 'guest_type', (v) => v === 'vm' || v === 'lxc');
  const kind = pick<string>(config, 'kind', (v) => v === 'usb' || v === 'pcie');
  return {
    node: pick<string>(config, 'node', isString),
    vmid: pick<number>(config, 'vmid', isInt),
    guestType: (config.guest_type === undefined || config.guest_type === null ? 'vm' : guestType) as Maybe<GuestType>,
    kind: kind as Maybe<CoralKind>,
    port: pick<string>(config, 'port', isString),
    pciAddress: known(pci) ? canonicalPciAddress(pci) : pci,
    index: pick<number>(config, 'index', isInt),
    slot: pick<string>(config, 'slot', isString),
    mapping: pick<string>(config, 'mapping', isString),
    pcie: pick<boolean>(config, 'pcie', isBool),
    mode: pick<string>(config, 'mode', isString),
    devicePath: pick<string>(config, 'device_path', isString),
    allowSharedIommuGroup: pick<boolean>(config, 'allow_shared_iommu_group', isBool),
  };
}

/** The Coral kind the config implies: `kind`, else what `port` / `pci_address` say. */
export function impliedKind(c: PassthroughConfig): Maybe<CoralKind> {
  if (c.kind !== undefined) return c.kind;
  if (c.port !== undefined) return 'usb';
  if (c.pciAddress !== undefined) return 'pcie';
  if (c.devicePath !== undefined && !(known(c.devicePath) && /^\/dev\/bus\/usb\//.test(c.devicePath))) return 'pcie';
  return undefined;
}

/** How the Coral reaches the guest, once guest type and kind are known. */
export function methodFor(guestType: GuestType, kind: CoralKind, mapping: string | undefined): PassthroughMethod {
  if (guestType === 'lxc') return kind === 'usb' ? 'lxc-host-config' : 'lxc-device';
  if (kind === 'usb') return mapping ? 'usb-mapping' : 'usb-port';
  return mapping ? 'pci-mapping' : 'pci-address';
}

export function guestLabel(guestType: Maybe<GuestType>, vmid: Maybe<number>): string {
  const v = known(vmid) ? String(vmid) : '(known after apply)';
  return guestType === 'lxc' ? `CT ${v}` : `VM ${v}`;
}
