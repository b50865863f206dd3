/**
 * The provider's schema: the JSON Schemas in `schemas/` and the top-level attribute flags the
 * engine uses for diffing, computed values and sensitivity, derived from the attribute tables
 * (attributes/).
 */
import type { ProviderSchema, ResourceTypeSchema } from '../../src/provider/contract.js';
import lxcJsonSchema from '../../schemas/proxmox_lxc.schema.json' with { type: 'json' };
import providerJsonSchema from '../../schemas/provider-proxmox.schema.json' with { type: 'json' };
import vmJsonSchema from '../../schemas/proxmox_vm.schema.json' with { type: 'json' };
import { attributeSchemas } from './attributes/derive-schema.js';
import { lxcInventoryFacts, vmInventoryFacts } from './inventory-facts.js';
import { LXC_ATTRIBUTES } from './attributes/lxc-attributes.js';
import { VM_ATTRIBUTES } from './attributes/vm-attributes.js';
import { PROVIDER_SENSITIVE } from '../pve/provider-settings.js';

let cached: ProviderSchema | undefined;

/** The schema, built on first use and the same object afterwards (the engine caches by it). */
export function proxmoxSchema(): ProviderSchema {
  if (cached) return cached;
  const vm: ResourceTypeSchema = {
    jsonSchema: vmJsonSchema,
    sensitivePaths: [['cloud_init', 'password']],
    importIdFormat: 'node/vmid (e.g. pve/101) or vmid',
    attributes: attributeSchemas(VM_ATTRIBUTES),
    inventory: vmInventoryFacts,
  };
  const lxc: ResourceTypeSchema = {
    jsonSchema: lxcJsonSchema,
    importIdFormat: 'node/vmid (e.g. pve/100) or vmid',
    attributes: attributeSchemas(LXC_ATTRIBUTES),
    inventory: lxcInventoryFacts,
  };
  cached = { providerJsonSchema, providerSensitive: PROVIDER_SENSITIVE, resources: { proxmox_vm: vm, proxmox_lxc: lxc }, dataSources: {} };
  return cached;
}
