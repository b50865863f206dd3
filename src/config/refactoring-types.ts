/**
 * The refactoring blocks of a config (Terraform 1.1/1.5/1.7): `moved` renames objects in
 * state, `import` adopts existing objects, `removed` lets go of objects whose block is gone.
 * Addresses are parsed here (core/address.ts); what they mean against state is the
 * planner's (plan/moved-addresses.ts, plan/planned-imports.ts, plan/removed-blocks.ts).
 */
import type { ResourceAddress } from '../core/address.js';
import type { SourceLocation } from '../core/diagnostic.js';
import type { Node } from '../yaml/node.js';

/**
 * `moved: [{ from, to }]`. Both without an instance key: the whole block moves, every
 * instance keeping its key. Otherwise one instance moves (no key: the block's only instance).
 */
export interface MovedBlock {
  from: ResourceAddress;
  to: ResourceAddress;
  fromLoc: SourceLocation;
  toLoc: SourceLocation;
  loc: SourceLocation;
}

/** `import: [{ to, id, for_each? }]`. */
export interface ImportBlock {
  /** The target; with `keyExpression` its key is null here and comes from that expression. */
  to: ResourceAddress;
  /** The key of `to` when written as an expression (`proxmox_vm.k3s[each.key]`): a `${...}` node. */
  keyExpression?: Node;
  /** The provider's id of the object: a string, which may hold `${...}`. */
  id: Node;
  forEach?: Node;
  toLoc: SourceLocation;
  loc: SourceLocation;
}

/** `removed: [{ from, lifecycle: { destroy } }]`. */
export interface RemovedBlock {
  from: ResourceAddress;
  /** false: only forget it (the object is left alone); true (the default): destroy it. */
  destroy: boolean;
  fromLoc: SourceLocation;
  loc: SourceLocation;
}
