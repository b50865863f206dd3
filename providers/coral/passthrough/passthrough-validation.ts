/**
 * `validateResource` for `coral_passthrough` (pure): what PVE would refuse at apply time, and
 * what is known from the config and the provider block alone.
 *
 * - Consistency: at most one of port / pci_address / index; kind agrees with them; options
 *   only where they apply (mapping and pcie for VMs, mode and device_path for containers).
 * - A container `devN` pinned to `/dev/bus/usb/BBB/DDD` is refused: the Coral's device number
 *   changes at its first inference and on every replug.
 * - Permissions: raw `usbN: host=`, non-mapped `hostpciN` and container `devN` need root@pam
 *   logged in with a password. With an API token a VM passthrough must use a cluster resource
 *   mapping (`mapping = "<id>"`; the error shows the `pvesh` command that makes one); a
 *   container device has no mapping alternative. A USB mapping gets a warning: PVE checks the
 *   mapping's vendor:product id at every start, and a Coral's id flips at its first inference.
 */
import type { Attributes } from '../../../src/core/value.js';
import type { AttributeProblem } from '../../../src/provider/contract.js';
import { authenticatesAsRoot } from '../../pve/provider-settings.js';
import { slotMatches, slotPrefix } from './guest-device-line.js';
import { isPinnedUsbDevicePath, hostConfigAdvice } from './lxc-usb-host-lines.js';
import { proposeMapping } from './mapping-check.js';
import { guestLabel, impliedKind, known, methodFor, readPassthroughConfig, type PassthroughConfig } from './passthrough-config.js';

const ROOT_ONLY = 'only root@pam logged in with a password may set it; this provider authenticates with an API token';

export const USB_MAPPING_WARNING =
  "a USB mapping makes PVE check the device's vendor:product id at every guest start, and a USB Coral changes its id from 1a6e:089a to 18d1:9302 at its first inference (and back at a host reboot): the VM's next start after the flip fails with \"USB Mapping invalid (hardware probably changed): 'id' does not match\" until the mapping's id is changed. Passing the Coral by port (usbN: host=<bus>-<port>, as root@pam) avoids this.";

function setCount(...vs: unknown[]): number {
  return vs.filter((v) => v !== undefined).length;
}

function checkConsistency(c: PassthroughConfig, out: AttributeProblem[]): void {
  if (setCount(c.port, c.pciAddress, c.index) > 1) {
    out.push({ path: [], message: 'choose the Coral with one of port, pci_address or index, not several' });
  }
  if (c.kind === 'usb' && c.pciAddress !== undefined)
    out.push({ path: ['pci_address'], message: 'pci_address is for a PCIe Coral, but kind is "usb"' });
  if (c.kind === 'pcie' && c.port !== undefined) out.push({ path: ['port'], message: 'port is for a USB Coral, but kind is "pcie"' });
  if (known(c.port) && !/^\d+-\d+(\.\d+)*$/.test(c.port)) {
    out.push({ path: ['port'], message: `port "${c.port}" is not a USB port path <busnum>-<usbpath> (e.g. "2-1", "1-1.4")` });
  }
  if (known(c.pciAddress) && !/^[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]$/.test(c.pciAddress)) {
    out.push({ path: ['pci_address'], message: `pci_address "${c.pciAddress}" is not a PCI address (e.g. "0000:04:00.0")` });
  }
  const kind = impliedKind(c);
  if (known(c.slot) && known(c.guestType) && known(kind)) {
    const prefix = slotPrefix(methodFor(c.guestType, kind, known(c.mapping) ? c.mapping : undefined));
    if (prefix === null)
      out.push({ path: ['slot'], message: 'a USB Coral in a container takes no slot (nothing is written through the API)' });
    else if (!slotMatches(c.slot, prefix))
      out.push({
        path: ['slot'],
        message: `slot "${c.slot}" is not a ${prefix} slot (${prefix}0–${prefix}${prefix === 'usb' ? 4 : prefix === 'hostpci' ? 15 : 255})`,
      });
  }
  if (c.guestType === 'lxc') {
    if (c.mapping !== undefined)
      out.push({
        path: ['mapping'],
        message: 'mapping is for VMs: containers take a PCIe Coral through devN, a USB Coral through host config lines',
      });
    if (c.pcie !== undefined) out.push({ path: ['pcie'], message: 'pcie is an option of PCIe passthrough to a VM' });
    if (c.kind === 'usb' && known(c.devicePath) && !isPinnedUsbDevicePath(c.devicePath)) {
      out.push({ path: ['device_path'], message: 'device_path is for a PCIe Coral (/dev/apex_N)' });
    }
  }
  if (c.guestType === 'vm') {
    if (c.mode !== undefined) out.push({ path: ['mode'], message: 'mode is an option of a container device (devN)' });
    if (c.devicePath !== undefined)
      out.push({ path: ['device_path'], message: 'device_path is for containers; a VM takes the Coral by port or PCI address' });
    if (c.pcie !== undefined && kind === 'usb')
      out.push({ path: ['pcie'], message: 'pcie is an option of PCIe passthrough, not of a USB Coral' });
  }
  if (known(c.devicePath) && isPinnedUsbDevicePath(c.devicePath)) {
    out.push({
      path: ['device_path'],
      message: `device_path ${c.devicePath} is refused: it pins the USB bus and device number, and a USB Coral gets a new device number when it re-enumerates at its first inference (and on every replug), so the container would lose it. Leave device_path out: for a USB Coral ${hostConfigAdvice(known(c.node) ? c.node : '<node>', known(c.vmid) ? c.vmid : '<vmid>')}`,
    });
  }
}

function checkPermissions(c: PassthroughConfig, root: boolean, out: AttributeProblem[]): void {
  const kind = impliedKind(c);
  const node = known(c.node) ? c.node : '<node>';
  const label = guestLabel(c.guestType, c.vmid);
  if (c.guestType === 'vm') {
    if (c.mapping !== undefined) {
      if (kind === undefined)
        out.push({
          path: ['kind'],
          message: 'with mapping, set kind ("usb" or "pcie"), port or pci_address so hl knows which mapping type to use',
        });
      if (kind === 'usb') out.push({ path: ['mapping'], severity: 'warning', message: USB_MAPPING_WARNING });
      return;
    }
    if (root) return;
    if (kind === 'usb') {
      out.push({
        path: [],
        message: `passing a USB Coral to ${label} by port (usbN: host=${known(c.port) ? c.port : '<bus>-<port>'}) is a raw host device: ${ROOT_ONLY}. Configure the coral provider with username = "root@pam" and a password, or create a USB resource mapping and set mapping = "coral-usb":\n    ${proposeMapping('usb', 'coral-usb', node, known(c.port) ? { port: c.port } : {})}\n  (${USB_MAPPING_WARNING})`,
      });
    } else if (kind === 'pcie') {
      out.push({
        path: [],
        message: `passing a PCIe Coral to ${label} by address (hostpciN: ${known(c.pciAddress) ? c.pciAddress : '<pci address>'}) is a raw host device: ${ROOT_ONLY}. Configure the coral provider with username = "root@pam" and a password, or create a PCI resource mapping and set mapping = "coral-tpu":\n    ${proposeMapping('pci', 'coral-tpu', node, known(c.pciAddress) ? { pciAddress: c.pciAddress } : {})}`,
      });
    } else {
      out.push({
        path: [],
        message: `passing a Coral to ${label} without a mapping writes a raw host device: ${ROOT_ONLY}. Configure username = "root@pam" and a password, or set kind and mapping = "<cluster resource mapping id>"`,
      });
    }
    return;
  }
  if (c.guestType === 'lxc' && kind === undefined) {
    out.push({
      path: [],
      severity: 'warning',
      message: `the Coral's kind is not known before apply: a PCIe Coral needs root@pam for ${label}, a USB Coral host config lines. Set kind, port or pci_address to have this checked in the plan`,
    });
  }
  if (c.guestType === 'lxc' && !root) {
    if (kind === 'pcie') {
      out.push({
        path: [],
        message: `passing a PCIe Coral to ${label} writes a container device (devN: /dev/apex_N): ${ROOT_ONLY}, and there is no resource mapping for containers. Configure the coral provider with username = "root@pam" and a password, or add it on ${node} as root: pct set ${known(c.vmid) ? c.vmid : '<vmid>'} -dev0 /dev/apex_0,mode=0666`,
      });
    }
  }
}

export function validatePassthrough(config: Attributes, providerConfig: Attributes): AttributeProblem[] {
  const c = readPassthroughConfig(config);
  const out: AttributeProblem[] = [];
  checkConsistency(c, out);
  checkPermissions(c, authenticatesAsRoot(providerConfig), out);
  return out;
}
