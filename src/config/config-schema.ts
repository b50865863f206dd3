/**
 * The config file's JSON Schema (schemas/config.schema.json, also used by editors) and
 * how its paths read in messages: `/resources/proxmox_vm.k3s/lifecycle/x` is attribute
 * `lifecycle.x` of `proxmox_vm.k3s`.
 */
import type { Path } from '../core/value.js';
import schema from '../../schemas/config.schema.json' with { type: 'json' };
import type { PathDescription } from '../schema/schema-error-message.js';

export const CONFIG_SCHEMA: object = schema;

const FILE = 'the configuration file';

const CONTEXTS: Record<string, (key: string) => string> = {
  variables: (k) => `variable "${k}"`,
  providers: (k) => `provider "${k}"`,
  locals: (k) => `local "${k}"`,
  resources: (k) => k,
  data: (k) => `data.${k}`,
  outputs: (k) => `output "${k}"`,
  policies: (k) => `policy #${Number(k) + 1}`,
};

export function describeConfigPath(path: Path): PathDescription {
  const [section, key, ...rest] = path;
  if (section === undefined) return { context: FILE, attribute: [], noun: 'key' };
  if (section === 'hl') return { context: FILE, attribute: path, noun: 'setting' };
  const named = CONTEXTS[String(section)];
  if (key === undefined || !named) return { context: FILE, attribute: path, noun: 'key' };
  return { context: named(String(key)), attribute: rest };
}
