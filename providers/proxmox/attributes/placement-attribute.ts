/**
 * The `placement` attribute of `proxmox_vm` and `proxmox_lxc` (declared as in
 * guest-attribute.ts): how `node: auto` chooses the guest's node — nodes to prefer (in order),
 * nodes to avoid, and `spread` to put the instances of one block (`count`, `for_each`) on
 * different nodes. It is hl's own: never sent to PVE, kept in state as planned, and a read
 * keeps the prior's value (mapping/vm-config-mapping.ts, lxc-config-mapping.ts), so it never
 * shows a diff from PVE. Left out of config for an existing guest, the recorded value stays.
 */
import { isUnknown, isValueMap, type Value } from '../../../src/core/value.js';
import { canonStringList } from '../mapping/pve-values.js';
import { scalar, type ConfigAttribute } from './guest-attribute.js';

/** `{ prefer, avoid, spread }` with every field present: lists trimmed, `avoid` sorted (a set), `spread` false when left out. */
export function canonPlacement(v: Value): Value {
  if (!isValueMap(v)) return v;
  const list = (x: Value | undefined): Value => (x === undefined || x === null ? [] : canonStringList(x));
  const avoid = list(v.avoid);
  return {
    prefer: list(v.prefer),
    avoid: Array.isArray(avoid) && !avoid.some(isUnknown) ? [...avoid].sort() : avoid,
    spread: v.spread === undefined || v.spread === null ? false : v.spread,
  };
}

export const PLACEMENT_ATTRIBUTE: ConfigAttribute = {
  description: 'How node: auto chooses the node: prefer, avoid, spread (hl only; never sent to PVE)',
  setBy: 'config',
  plan: scalar({ canon: canonPlacement, createDefault: null, cloneDefault: null }),
};
