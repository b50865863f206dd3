/**
 * The config file's JSON Schema as hl's parser checks it (schemas/config-shape.schema.json:
 * top-level keys, block keys, meta-arguments; each resource type's own schema checks the
 * bodies at plan time) and how its paths read in messages: `/resources/proxmox_vm.k3s/lifecycle/x`
 * is attribute `lifecycle.x` of `proxmox_vm.k3s`. Editors use schemas/config.schema.json,
 * generated from this one and the providers' schemas (scripts/generate-editor-schema.ts).
 */
import type { Path } from '../core/value.js';
import schema from '../../schemas/config-shape.schema.json' with { type: 'json' };
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
