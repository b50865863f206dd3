/**
 * The engine's view of a guest attribute table: the `ResourceTypeSchema.attributes` flags
 * (required/optional/computed from who sets an attribute; forceNew, identity, sensitive and
 * the description as declared).
 */
import type { AttributeSchema } from '../../../src/provider/contract.js';
import type { GuestAttribute, GuestAttributeTable } from './guest-attribute.js';

export function attributeSchema(a: GuestAttribute): AttributeSchema {
  const out: AttributeSchema = {};
  if (a.setBy === 'required') out.required = true;
  if (a.setBy === 'config' || a.setBy === 'config-or-provider') out.optional = true;
  if (a.setBy === 'config-or-provider' || a.setBy === 'provider') out.computed = true;
  if (a.forceNew !== undefined) out.forceNew = true;
  if (a.identity) out.identity = true;
  if (a.sensitive) out.sensitive = true;
  out.description = a.description;
  return out;
}

/** The flags of every attribute of a table. */
export function attributeSchemas(table: GuestAttributeTable): Record<string, AttributeSchema> {
  return Object.fromEntries(Object.entries(table).map(([name, a]) => [name, attributeSchema(a)]));
}
