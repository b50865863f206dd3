/**
 * Machine types of QEMU VMs and the pinning of Windows guests, re-implemented from qemu-server
 * `src/PVE/QemuServer/Machine.pm`:
 *
 * - `check_and_pin_machine_string`: on create (API2/Qemu.pm create_vm, "always pin Windows'
 *   machine version") and when `ostype` changes without `machine` (update_vm_api), a VM whose
 *   ostype is Windows (`windows_version` > 0) and whose machine type is unset, `pc`, `q35` or
 *   `virt` gets that type pinned to a version: unset means the arch's default (`pc` on x86_64);
 *   other properties of the machine string (`viommu`, ...) are kept.
 * - `windows_get_pinned_machine_version`: `pc` → `pc-i440fx-<v>`, `q35` → `pc-q35-<v>`,
 *   `virt` → `virt-<v>`, where `<v>` is `latest_installed_machine_version`: the QEMU's
 *   `major.minor`, plus `+pveN` when `$PVE_MACHINE_VERSION` lists revisions for it (the version
 *   profile carries the result, emulator/pve-profile.ts `machineVersion`).
 *
 * Pure. The emulator pins; the provider reads a pinned type as satisfying the family a config
 * names (`q35` is met by `pc-q35-10.1`), so it never tries to unpin it.
 */
import { windowsVersion } from './qemu-hotplug-rules.js';

export type MachineFamily = 'pc' | 'q35' | 'virt';

/** The family of a machine type: `pc-q35-9.2+pve1` → q35, `pc-i440fx-8.1`/`pc-8.1`/`pc` → pc. */
export function machineFamily(type: string): MachineFamily | undefined {
  if (type === 'q35' || /^pc-q35-\d/.test(type)) return 'q35';
  if (type === 'pc' || /^pc-(i440fx-)?\d/.test(type)) return 'pc';
  if (type === 'virt' || /^virt-\d/.test(type)) return 'virt';
  return undefined;
}

/** Whether a machine type names a version (`pc-q35-10.1`), i.e. is pinned. */
export function isPinnedMachine(type: string): boolean {
  return /^(pc|pc-i440fx|pc-q35|virt)-\d/.test(type);
}

/** The pinned form of a family at `version` (`10.1`, `9.2+pve1`). */
export function pinnedMachineType(family: MachineFamily, version: string): string {
  if (family === 'pc') return `pc-i440fx-${version}`;
  if (family === 'q35') return `pc-q35-${version}`;
  return `virt-${version}`;
}

/**
 * The machine type PVE pins for a Windows guest, or undefined when it leaves the type alone
 * (not Windows, or already versioned). `type` is the `type` field of the machine string (undefined:
 * unset); `arch` the VM's arch (default x86_64).
 */
export function windowsPinnedMachine(
  type: string | undefined,
  ostype: string | undefined,
  arch: string | undefined,
  version: string,
): string | undefined {
  if (windowsVersion(ostype) === 0) return undefined;
  if (type !== undefined && type !== 'pc' && type !== 'q35' && type !== 'virt') return undefined;
  const family: MachineFamily = type ?? (arch === 'aarch64' ? 'virt' : 'pc');
  return pinnedMachineType(family, version);
}

/**
 * Whether a live machine type meets a desired one: equal, or the desired type is a bare family
 * (`q35`, `pc`) and the live one is that family pinned to a version (PVE pinned it; unpinning
 * would change the guest's hardware).
 */
export function machineSatisfies(desired: string, live: string): boolean {
  if (desired === live) return true;
  return (desired === 'q35' || desired === 'pc' || desired === 'virt') && isPinnedMachine(live) && machineFamily(live) === desired;
}
