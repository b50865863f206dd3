/**
 * Resource addresses: `type.name`, `type.name[0]`, `type.name["key"]`, and data sources as
 * `data.type.name`. A config block has a block address; each of its instances has an
 * instance address with the count index or for_each key.
 */

export type InstanceKey = string | number | null;

export interface ResourceAddress {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** null for a block without count/for_each. */
  key: InstanceKey;
}

/** `proxmox_vm.k3s` (the block, without the instance key). */
export function blockAddress(a: { mode: 'managed' | 'data'; type: string; name: string }): string {
  return `${a.mode === 'data' ? 'data.' : ''}${a.type}.${a.name}`;
}

export function formatKey(key: InstanceKey): string {
  if (key === null) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** `proxmox_vm.k3s["pve"]`. */
export function formatAddress(a: ResourceAddress): string {
  return blockAddress(a) + formatKey(a.key);
}

const ADDRESS_RE = /^(data\.)?([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?$/;

/** Parses a user-written address (CLI `--target`, `state mv`, ...); undefined when malformed. */
export function parseAddress(text: string): ResourceAddress | undefined {
  const m = ADDRESS_RE.exec(text.trim());
  if (!m) return undefined;
  let key: InstanceKey = null;
  if (m[4] !== undefined) key = m[4].startsWith('"') ? (JSON.parse(m[4]) as string) : Number(m[4]);
  return { mode: m[1] ? 'data' : 'managed', type: m[2]!, name: m[3]!, key };
}

/** The provider type a resource type belongs to: `proxmox_vm` → `proxmox`. */
export function providerTypeOf(resourceType: string): string {
  const i = resourceType.indexOf('_');
  return i < 0 ? resourceType : resourceType.slice(0, i);
}
