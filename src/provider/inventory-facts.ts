/**
 * The facts a resource type can give `hl docs` about its resources, each a pure function of
 * the resource's attributes (sensitive values already masked): what a guest (a VM or a
 * container) runs with, a device's MACs and addresses, a DNS record's name and data, what
 * a monitor checks. A type gives the facts that fit it and none of the others, as the
 * optional `inventory` hook of its schema (`ResourceTypeSchema`, contract.ts). No I/O and no
 * configured provider: the inventory is built from state.
 */
import type { Attributes } from '../core/value.js';

export interface GuestFacts {
  /** `VM`, `CT`, or the resource type for other guests. */
  kind: string;
  vmid?: number;
  /** The `name` (VM) or `hostname` (CT) attribute. */
  name?: string;
  node?: string;
  status?: string;
  cpu?: string;
  memory?: string;
  disks: string[];
  networks: string[];
  /** Normalised: lower case, colon-separated. */
  macs: string[];
  /** Addresses from the guest's own config, without prefix length. */
  ips: string[];
  passthrough: string[];
}

/** A device known to the network (a MAAS device): credited to the guest whose MAC it carries (by name only when it carries none). */
export interface AddressFacts {
  hostname?: string;
  /** `host.domain`, from `fqdn` or hostname and domain. */
  fqdn?: string;
  macs: string[];
  ips: string[];
}

export interface DnsRecordFacts {
  fqdn?: string;
  recordType?: string;
  data: string[];
}

export interface MonitorFacts {
  name?: string;
  monitorType?: string;
  /** The URL or host:port it checks (a URL without credentials, query or fragment: they may hold tokens). */
  target?: string;
  /** The host name or address it checks, lower case. */
  host?: string;
}

/** What a resource type tells `hl docs`: at most one of these. */
export interface InventoryFactsHook {
  /** Its managed resources are guests. */
  guest?: (attributes: Attributes) => GuestFacts;
  address?: (attributes: Attributes) => AddressFacts;
  dnsRecord?: (attributes: Attributes) => DnsRecordFacts;
  monitor?: (attributes: Attributes) => MonitorFacts;
}

/** The hook of a resource type, by type name; undefined when the type gives no facts. */
export type InventoryFactsLookup = (type: string) => InventoryFactsHook | undefined;

/**
 * The lookup over providers' resource tables (`ProviderSchema.resources`): a type's hook is
 * the `inventory` of the first table that declares the type.
 */
export function inventoryFactsOf(tables: readonly Readonly<Record<string, { inventory?: InventoryFactsHook }>>[]): InventoryFactsLookup {
  return (type) => {
    for (const t of tables) if (Object.hasOwn(t, type)) return t[type]!.inventory;
    return undefined;
  };
}
