/**
 * A deposed object's delete seen as a resource change, for the views that list changes (the
 * human plan, Markdown, `show -json`): action `delete`, reason `delete_because_deposed`, the
 * address labelled with its deposed key as Terraform does.
 */
import { blockAddress, parseAddress } from '../core/address.js';
import type { DeposedDelete, ResourceChange } from './plan-types.js';

/** `proxmox_vm.k3s["pve"] (deposed object 1a2b3c4d)`. */
export function deposedLabel(d: Pick<DeposedDelete, 'address' | 'key'>): string {
  return `${d.address} (deposed object ${d.key})`;
}

export function deposedAsChange(d: DeposedDelete): ResourceChange {
  const addr = parseAddress(d.address);
  const block = addr ? blockAddress(addr) : d.address;
  return {
    address: deposedLabel(d),
    block,
    mode: 'managed',
    type: d.type,
    name: addr?.name ?? d.address,
    index: addr?.key ?? null,
    provider: d.provider,
    action: 'delete',
    reason: 'delete_because_deposed',
    id: d.id,
    before: d.before,
    after: null,
    beforeSensitive: d.beforeSensitive,
    afterSensitive: [],
    replacePaths: [],
    notes: [],
    dependencies: [],
    createBeforeDestroy: false,
    preventDestroy: false,
  };
}
