/**
 * Where a problem inside a module's files was reached from: the module instances from the
 * one the problem is in up to the root, each with its module block's location.
 */
import { formatLocation, type Diagnostic } from '../core/diagnostic.js';
import type { Config } from './config-types.js';

/**
 * "In module.k3s_node["pve"], called at examples/homelab.yaml:52:5": where a problem inside
 * a module's files was reached from, for its detail.
 */
export function moduleTrail(config: Config, path: string): string {
  const steps: string[] = [];
  for (let p = path; p !== ''; ) {
    const m = config.moduleInstances.get(p);
    if (!m) break;
    steps.push(`${m.path} (module block at ${formatLocation(m.call.loc)})`);
    p = m.parent;
  }
  return steps.length === 0 ? '' : `In ${steps.join(', called from ')}.`;
}

/** Adds the module trail to diagnostics located in a module's own files. */
export function withModuleTrail(diags: Diagnostic[], config: Config, path: string): Diagnostic[] {
  if (path === '') return diags;
  const instance = config.moduleInstances.get(path);
  if (!instance) return diags;
  const files = new Set(instance.config.files.map((f) => f.path));
  const trail = moduleTrail(config, path);
  return diags.map((d) =>
    d.location && files.has(d.location.file) && !d.detail?.includes(trail)
      ? { ...d, detail: d.detail ? `${d.detail}\n${trail}` : trail }
      : d,
  );
}
