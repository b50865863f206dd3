/**
 * The inventory page with the built-in providers' facts bound, for the docs tests, which have
 * the resources but no provider registry to load them from: the `inventory` hooks are read
 * from the providers' schemas, as `hl docs` reads them through the registry
 * (src/engine/docs-operation.ts).
 */
import { renderInventoryMarkdown as renderWithFacts, type InventoryMarkdownOptions } from '../../src/docs/inventory-markdown.js';
import type { InventoryResource } from '../../src/docs/inventory-resource.js';
import { inventoryFactsOf, type InventoryFactsLookup } from '../../src/provider/inventory-facts.js';
import { coralSchema } from '../../providers/coral/resource-schemas.js';
import { kumaProviderFactory } from '../../providers/kuma/kuma-provider.js';
import { maasProviderSchema } from '../../providers/maas/provider-schema.js';
import { proxmoxSchema } from '../../providers/proxmox/resource-schemas.js';

export interface BuiltinInventoryMarkdownOptions extends InventoryMarkdownOptions {
  /** The facts each resource type gives (default: the built-in providers' hooks). */
  facts?: InventoryFactsLookup;
}

/** The hooks of the built-in providers' resource types, from their schemas (crucible's and fake's types give none). */
export function builtinInventoryFacts(): InventoryFactsLookup {
  return inventoryFactsOf([
    proxmoxSchema().resources,
    maasProviderSchema().resources,
    kumaProviderFactory.create().getSchema().resources,
    coralSchema().resources,
  ]);
}

export function renderInventoryMarkdown(resources: readonly InventoryResource[], opts: BuiltinInventoryMarkdownOptions = {}): string {
  const { facts, ...rest } = opts;
  return renderWithFacts(resources, facts ?? builtinInventoryFacts(), rest);
}
