/**
 * A VM's machine type from its `machine` config value (pure): `q35`, `pc-q35-9.0`,
 * `q35,viommu=intel`, `type=pc-q35-8.1`, or unset (i440fx). `hostpciN: ...,pcie=1` needs q35.
 */
import { parsePropertyString, QEMU_MACHINE_FORMAT } from '../../pve/property-string.js';

/** The machine type, or null when the VM uses the default (i440fx). */
export function machineType(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  try {
    return parsePropertyString(value, QEMU_MACHINE_FORMAT).type ?? null;
  } catch {
    return value;
  }
}

export function isQ35(type: string | null): boolean {
  return type !== null && /(^|-)q35(-|$)/.test(type);
}
