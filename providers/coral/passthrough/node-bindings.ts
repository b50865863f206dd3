/**
 * `nodeBindings` of the coral provider (pure): a `coral_passthrough` binds its guest
 * (`<node>/<vmid>`) to the node the Coral is plugged into — the guest cannot run elsewhere
 * with it — named for messages: `the USB Coral TPU on port 2-1`, `the PCIe Coral TPU at
 * 0000:03:00.0`.
 *
 * A VM's passthrough through a cluster resource mapping (`mapping`) binds nothing here: a
 * mapping may cover several nodes, which only the cluster knows, and a binding names one node.
 * PVE itself refuses to migrate a VM to a node the mapping does not cover (qemu-server
 * src/PVE/QemuMigrate/Helpers.pm check_local_resources, missing mappings by node, checked by
 * the migrate precondition in src/PVE/API2/Qemu.pm); the proxmox provider's live plan check
 * is where such a refusal belongs. A passthrough whose node or VMID is not known yet binds
 * nothing either (there is no guest to name).
 */
import type { PlannedInstance } from '../../../src/provider/contract.js';
import type { NodeBinding, NodeBindingsRequest } from '../../../src/provider/placement.js';
import { impliedKind, known, readPassthroughConfig, type PassthroughConfig } from './passthrough-config.js';

/** What the passthrough passes, for messages. */
export function coralDescription(c: PassthroughConfig): string {
  const kind = impliedKind(c);
  const what = kind === 'usb' ? 'the USB Coral TPU' : kind === 'pcie' ? 'the PCIe Coral TPU' : 'the Coral TPU';
  if (known(c.port)) return `${what} on port ${c.port}`;
  if (known(c.pciAddress)) return `${what} at ${c.pciAddress}`;
  if (known(c.devicePath)) return `${what} at ${c.devicePath}`;
  if (known(c.index)) return `${what} number ${c.index} of its node`;
  return what;
}

function bindingOf(r: PlannedInstance): NodeBinding | undefined {
  if (r.type !== 'coral_passthrough') return undefined;
  const c = readPassthroughConfig(r.attributes);
  if (!known(c.node) || !known(c.vmid)) return undefined;
  // A mapping only reaches a VM (a container gets a device node or host lines, both of the node).
  if (c.guestType !== 'lxc' && c.mapping !== undefined) return undefined;
  return { objectId: `${c.node}/${c.vmid}`, node: c.node, address: r.address, what: coralDescription(c) };
}

/** The guests the given passthroughs bind to their node, in the order given. */
export function coralNodeBindings(req: NodeBindingsRequest): NodeBinding[] {
  return req.resources.flatMap((r) => {
    const b = bindingOf(r);
    return b ? [b] : [];
  });
}
