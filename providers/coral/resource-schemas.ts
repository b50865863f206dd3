/**
 * The coral provider's schema: the JSON Schemas in `schemas/` and the attribute flags the
 * engine uses for diffing and computed values.
 */
import type { AttributeSchema, ProviderSchema, ResourceTypeSchema } from '../../src/provider/contract.js';
import devicesJsonSchema from '../../schemas/coral_devices.schema.json' with { type: 'json' };
import passthroughJsonSchema from '../../schemas/coral_passthrough.schema.json' with { type: 'json' };
import providerJsonSchema from '../../schemas/provider-coral.schema.json' with { type: 'json' };
import { PROVIDER_SENSITIVE } from '../pve/provider-settings.js';

const settable = (description: string, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({
  optional: true,
  computed: true,
  description,
  ...extra,
});
const computed = (description: string): AttributeSchema => ({ computed: true, description });

export const PASSTHROUGH_SCHEMA: ResourceTypeSchema = {
  jsonSchema: passthroughJsonSchema,
  importIdFormat: 'node/vmid/slot (e.g. fun-bedbug/120/usb0, pve/113/dev0, or fun-bedbug/113/lxc-usb for a USB Coral in a container)',
  attributes: {
    node: { required: true, forceNew: true, description: 'Node of the Coral and the guest' },
    vmid: { required: true, forceNew: true, description: 'The guest' },
    guest_type: settable('vm or lxc', { forceNew: true }),
    kind: settable('usb or pcie', { forceNew: true }),
    port: settable('USB port <busnum>-<usbpath>'),
    pci_address: settable('PCI address'),
    index: { optional: true, description: 'The n-th Coral of the node' },
    slot: settable('Guest config key (usbN, hostpciN, devN)', { forceNew: true }),
    mapping: { optional: true, description: 'Cluster resource mapping id' },
    pcie: settable('pcie=1 on hostpciN'),
    mode: settable('Mode of a container device'),
    device_path: settable('Host device node of a container device'),
    allow_shared_iommu_group: settable('Allow a shared IOMMU group'),
    method: computed('usb-port, usb-mapping, pci-address, pci-mapping, lxc-device or lxc-host-config'),
    config_line: computed('The guest config line, e.g. "usb0: host=2-1"'),
    host_config: computed('Lines a USB Coral in a container needs in /etc/pve/lxc/<vmid>.conf'),
    host_config_present: computed('Whether those lines are there'),
    hardware_status: computed('ok, moved, moved_node or missing'),
    device: computed('The Coral where the guest config points'),
    found_at: computed('Where the Coral is when not there'),
    start_blocker: computed("PVE's error a start of the guest would fail with now"),
    guest_status: computed('running or stopped'),
    guest_machine: computed("The VM's machine type"),
    pending_restart: computed("The line waits for the guest's next start"),
  },
};

export const DEVICES_SCHEMA: ResourceTypeSchema = {
  jsonSchema: devicesJsonSchema,
  attributes: {
    node: { optional: true, description: 'Only this node' },
    kind: { optional: true, description: 'Only usb or pcie' },
    nodes: computed('Nodes scanned'),
    offline_nodes: computed('Nodes not scanned because they are offline'),
    count: computed('Number of Corals found'),
    devices: computed('The Corals: node, kind, port, vendor_id, product_id, state, pci_address, iommu_group, ...'),
  },
};

export function coralSchema(): ProviderSchema {
  return {
    providerJsonSchema,
    providerSensitive: PROVIDER_SENSITIVE,
    resources: { coral_passthrough: PASSTHROUGH_SCHEMA },
    dataSources: { coral_devices: DEVICES_SCHEMA },
  };
}
