/**
 * Resource addresses: `type.name`, `type.name[0]`, `type.name["key"]`, data sources as
 * `data.type.name`, and inside modules the module instance path before them, as Terraform
 * writes it: `module.k3s_node["pve"].proxmox_vm.this`. A config block has a block address
 * (its module instance path included, its own key not); each of its instances has an
 * instance address with the count index or for_each key.
 */

export type InstanceKey = string | number | null;

export interface ResourceAddress {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** null for a block without count/for_each. */
  key: InstanceKey;
  /** The module instance path (`module.k3s_node["pve"]`); absent or '' in the root module. */
  module?: string;
}

/** One step of a module instance path: `module.k3s_node["pve"]`. */
export interface ModuleStep {
  name: string;
  key: InstanceKey;
}

/** `proxmox_vm.k3s` or `module.k3s_node["pve"].proxmox_vm.this` (the block, without the instance key). */
export function blockAddress(a: { mode: 'managed' | 'data'; type: string; name: string; module?: string | undefined }): string {
  return `${a.module ? `${a.module}.` : ''}${a.mode === 'data' ? 'data.' : ''}${a.type}.${a.name}`;
}

export function formatKey(key: InstanceKey): string {
  if (key === null) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** `proxmox_vm.k3s["pve"]`, `module.k3s_node["pve"].proxmox_vm.this`. */
export function formatAddress(a: ResourceAddress): string {
  return blockAddress(a) + formatKey(a.key);
}

/** `module.a["x"].module.b` from its steps ('' for the root module). */
export function formatModulePath(steps: readonly ModuleStep[]): string {
  return steps.map((s) => `module.${s.name}${formatKey(s.key)}`).join('.');
}

const NAME = '[A-Za-z_][A-Za-z0-9_-]*';
const KEY = String.raw`\[(\d+|"(?:[^"\\]|\\.)*")\]`;
const MODULE_STEP_RE = new RegExp(`^module\\.(${NAME})(?:${KEY})?(?:\\.|$)`);
const RESOURCE_RE = new RegExp(`^(data\\.)?([A-Za-z_][A-Za-z0-9_]*)\\.(${NAME})(?:${KEY})?$`);

function parseKey(text: string | undefined): InstanceKey {
  if (text === undefined) return null;
  return text.startsWith('"') ? (JSON.parse(text) as string) : Number(text);
}

/**
 * Splits the module steps off the front of an address (`module.a["x"].module.b.rest`);
 * `rest` is what follows them ('' when the text is only a module path).
 */
export function splitModulePath(text: string): { steps: ModuleStep[]; rest: string } {
  const steps: ModuleStep[] = [];
  let rest = text;
  for (;;) {
    const m = MODULE_STEP_RE.exec(rest);
    if (!m) return { steps, rest };
    steps.push({ name: m[1]!, key: parseKey(m[2]) });
    rest = rest.slice(m[0].length);
  }
}

/** Parses a module instance path (`module.k3s_node["pve"]`); undefined when it is not one. */
export function parseModulePath(text: string): ModuleStep[] | undefined {
  const { steps, rest } = splitModulePath(text.trim());
  return steps.length > 0 && rest === '' && !text.trim().endsWith('.') ? steps : undefined;
}

/** Parses a user-written address (CLI `--target`, `state mv`, moved blocks, ...); undefined when malformed. */
export function parseAddress(text: string): ResourceAddress | undefined {
  const { steps, rest } = splitModulePath(text.trim());
  const m = RESOURCE_RE.exec(rest);
  if (!m) return undefined;
  const out: ResourceAddress = { mode: m[1] ? 'data' : 'managed', type: m[2]!, name: m[3]!, key: parseKey(m[4]) };
  if (steps.length > 0) out.module = formatModulePath(steps);
  return out;
}

/** The module call steps without instance keys: `module.k3s_node.module.x` (how config blocks are grouped). */
export function moduleCallPath(module: string | undefined): string {
  if (!module) return '';
  return splitModulePath(module)
    .steps.map((s) => `module.${s.name}`)
    .join('.');
}

/** The provider type a resource type belongs to: `proxmox_vm` → `proxmox`. */
export function providerTypeOf(resourceType: string): string {
  const i = resourceType.indexOf('_');
  return i < 0 ? resourceType : resourceType.slice(0, i);
}

/**
 * Whether module instance `module` is `scope` or inside it. `scope` may name a call without
 * its key (`module.k3s_node`: every instance) or one instance (`module.k3s_node["pve"]`).
 */
export function moduleWithin(module: string | undefined, scope: string): boolean {
  if (!module) return scope === '';
  if (scope === '' || module === scope) return true;
  return module.startsWith(`${scope}.`) || (!scope.endsWith(']') && module.startsWith(`${scope}[`));
}
