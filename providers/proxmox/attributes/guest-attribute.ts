/**
 * How one top-level attribute of a guest (`proxmox_vm`, `proxmox_lxc`) is declared, once, in
 * its resource type's table (vm-attributes.ts, lxc-attributes.ts): who sets it, how it is
 * planned, whether a change replaces the guest (and why, as the plan says it), whether it is
 * part of the guest's identity or sensitive, and which PVE config key PVE's hotplug rules
 * judge a change of it by. The engine's attribute flags, the planner's spec table and its
 * replacement rules are derived from it (derive-schema.ts, derive-plan.ts).
 */
import type { Attributes } from '../../../src/core/value.js';
import type { Spec } from '../planning/attribute-plan.js';
import type { Replacement } from '../planning/guest-plan-common.js';

/**
 * Who sets the value: config alone (`required`: config must; `config`: config may, else it is
 * unset), config or else the provider (`config-or-provider`: PVE's default, a generated value,
 * what the guest has), or the provider alone (`provider`).
 */
export type SetBy = 'required' | 'config' | 'config-or-provider' | 'provider';

/**
 * A change that replaces an existing guest: the reason the plan gives after
 * `<name> changes from <before> to <after>: `, or a rule of its own that adds its
 * replacement (and notes) for an existing guest.
 */
export type ForceNew = string | ((prior: Attributes, planned: Attributes, out: Replacement[], notes: string[]) => void);

/** What a running guest does with a change: PVE's hotplug rules for this config key (providers/pve/pve-rules/). */
export interface LiveRule {
  key: string;
  /** Where the change is named among the guest's settings in the reboot note (default: table order). */
  notePosition?: number;
}

interface AttributeBase {
  description: string;
  forceNew?: ForceNew;
  identity?: boolean;
  sensitive?: boolean;
  live?: LiveRule;
}

/** An attribute config sets (or may set), with how it is planned from config and prior state. */
export interface ConfigAttribute extends AttributeBase {
  setBy: Exclude<SetBy, 'provider'>;
  plan: Spec;
}

/** An attribute only the provider sets: planned as its prior (read) value, unknown on a create. */
export interface ProviderAttribute extends AttributeBase {
  setBy: 'provider';
}

export type GuestAttribute = ConfigAttribute | ProviderAttribute;

/** A resource type's top-level attributes, in the order they are planned and stored. */
export type GuestAttributeTable = Readonly<Record<string, GuestAttribute>>;

/** A scalar attribute's plan. */
export function scalar(extra: Omit<Extract<Spec, { kind: 'scalar' }>, 'kind'> = {}): Spec {
  return { kind: 'scalar', ...extra };
}

/** A scalar whose value on a create, when config leaves it out, the server decides. */
export const serverDecides: Spec = scalar({ createDefault: 'unknown' });

/** An attribute config may set; left out, the provider's (or PVE's) value. */
export function settable(description: string, plan: Spec, extra: Partial<AttributeBase> = {}): ConfigAttribute {
  return { description, setBy: 'config-or-provider', plan, ...extra };
}

/** An attribute only the provider sets. */
export function computed(description: string): ProviderAttribute {
  return { description, setBy: 'provider' };
}
