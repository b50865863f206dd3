/**
 * The grammar of names in a config: block keys, provider keys, addresses and attribute
 * paths. schemas/config-shape.schema.json uses the same patterns (a test keeps them equal).
 */

const TYPE = '[A-Za-z_][A-Za-z0-9_]*';
const NAME = '[A-Za-z_][A-Za-z0-9_-]*';
const ADDRESS = `(?:data\\.)?${TYPE}\\.${NAME}`;

/** Names of variables, locals and outputs. */
export const IDENTIFIER = new RegExp(`^${NAME}$`);

/** `proxmox_vm.k3s` under `resources:` (a `data.` prefix belongs under `data:`). */
export const RESOURCE_KEY = new RegExp(`^(?!data\\.)(${TYPE})\\.(${NAME})$`);

/** `maas_subnet.lan` under `data:`. */
export const DATA_KEY = new RegExp(`^(${TYPE})\\.(${NAME})$`);

/** `proxmox` or `kuma.fun-bedbug`: provider type, optional alias. */
export const PROVIDER_KEY = new RegExp(`^([a-z][a-z0-9]*)(?:\\.(${NAME}))?$`);

/** A `depends_on` entry: `maas_device.k3s`, `data.maas_subnet.lan`, or either inside `${...}`. */
export const DEPENDS_ON_ENTRY = new RegExp(`^(?:(${ADDRESS})|\\$\\{\\s*(${ADDRESS})\\s*\\})$`);

/** An `ignore_changes` entry: `description`, `disks.scsi0.size`, `tags[0]`, `labels["a b"]`. */
export const ATTRIBUTE_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+|\[(?:[0-9]+|"[^"]*")\])*$/;

/** The plain block address of a `depends_on` entry, or undefined when it is not one. */
export function dependsOnAddress(text: string): string | undefined {
  const m = DEPENDS_ON_ENTRY.exec(text.trim());
  return m ? (m[1] ?? m[2]) : undefined;
}
