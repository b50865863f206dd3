/**
 * The generic rules of `hl docs`, which name no resource type: a resource's node is its
 * `node` attribute; a managed resource is a guest when its type's hook says so, or when it
 * has both a `node` and a `vmid` attribute and is not a passthrough resource (any
 * `*_passthrough`; see link-to-guests.ts for how those are linked).
 */
import type { GuestFacts, InventoryFactsLookup } from '../provider/inventory-facts.js';
import { text } from '../provider/attribute-text.js';
import { readGuestFacts } from '../provider/guest-facts-reader.js';
import type { InventoryResource } from './inventory-resource.js';

/** The `node` attribute, when it is a known string. */
export function nodeOf(r: InventoryResource): string | undefined {
  return text(r.attributes['node']);
}

export function isPassthrough(r: InventoryResource): boolean {
  return r.type.endsWith('_passthrough');
}

/** The resource's facts as a guest; undefined when it is not one. */
export function guestFactsOf(r: InventoryResource, facts: InventoryFactsLookup): GuestFacts | undefined {
  if (r.mode !== 'managed') return undefined;
  const hook = facts(r.type)?.guest;
  if (hook !== undefined) return hook(r.attributes);
  if (isPassthrough(r)) return undefined;
  const vmid = r.attributes['vmid'];
  if (nodeOf(r) === undefined || vmid === undefined || vmid === null) return undefined;
  return readGuestFacts(r.type, r.attributes);
}
