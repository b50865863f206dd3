/**
 * `hl providers`: each provider instance the config (or the state) uses, with its type,
 * whether it is emulated or real, the endpoint it would talk to and how many resources it
 * manages. Nothing is configured or contacted; the blocks are evaluated as validate does
 * (a variable with no value is unknown). Only the endpoint leaves a block: credentials in it
 * (user:password@) are cut out, and any sensitive value is masked.
 */
import { DiagnosticsError, hasErrors } from '../core/diagnostic.js';
import { makeRedactor } from '../core/redact.js';
import type { Attributes } from '../core/value.js';
import type { EngineEvents } from './engine-events.js';
import { loadProject } from './project.js';
import type { VariableSources } from './project-variables.js';
import { evaluateProviderBlocks } from './provider-blocks.js';
import { withWorkspace, type WorkspaceOptions } from './workspace.js';

export interface ProviderInstanceInfo {
  /** The provider key: `proxmox`, `kuma.fun-bedbug`. */
  key: string;
  type: string;
  /** Declared under `providers:` (false: used by a resource with no block of its own). */
  declared: boolean;
  mode: 'emulated' | 'real';
  /** The `endpoint` or `url` of its block, without credentials; absent when emulated or not set. */
  endpoint?: string;
  /** Resource and data blocks (module instances' included) that use it, and instances in state. */
  resources: { config: number; data: number; state: number };
}

/** The provider instances, sorted by key; undefined when it stopped at an error (reported). */
export async function listProviderInstances(
  opts: WorkspaceOptions,
  events: EngineEvents,
  sources: VariableSources,
): Promise<ProviderInstanceInfo[] | undefined> {
  return withWorkspace(opts, events, { operation: 'providers', write: false, lock: false }, async (ws) => {
    const loaded = await loadProject(opts.config, sources, { unsetVariablesUnknown: true });
    if (!loaded.project || hasErrors(loaded.diagnostics)) throw new DiagnosticsError(loaded.diagnostics);
    const project = loaded.project;
    const inState = ws.store.listResources();
    const blocks = await evaluateProviderBlocks({
      config: project.config,
      variables: project.variables,
      registry: opts.registry,
      paths: project.paths,
      moreKeys: inState.map((r) => r.provider),
    });
    if (hasErrors(blocks.diagnostics)) throw new DiagnosticsError(blocks.diagnostics);
    const redact = makeRedactor([...project.secrets, ...blocks.secrets]);
    const out: ProviderInstanceInfo[] = [];
    for (const key of [...blocks.providers.keys()].sort()) {
      const config = blocks.configs.get(key) ?? {};
      const used = [...project.config.resources.values()].filter((r) => r.provider === key);
      const emulated = config['emulated'] === true;
      const endpoint = emulated ? undefined : endpointOf(config);
      out.push({
        key,
        type: key.split('.')[0]!,
        declared: project.config.providers.has(key),
        mode: emulated ? 'emulated' : 'real',
        ...(endpoint !== undefined ? { endpoint: redact(endpoint) } : {}),
        resources: {
          config: used.filter((r) => r.mode !== 'data').length,
          data: used.filter((r) => r.mode === 'data').length,
          state: inState.filter((r) => r.provider === key).length,
        },
      });
    }
    return out;
  });
}

/** The block's `endpoint` (Proxmox) or `url` (MAAS, Uptime Kuma), with any user:password@ cut out. */
function endpointOf(config: Attributes): string | undefined {
  const v = config['endpoint'] ?? config['url'];
  if (typeof v !== 'string') return undefined;
  try {
    const u = new URL(v);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, v.endsWith('/') ? '/' : '');
  } catch {
    return v.replace(/\/\/[^/@]*@/, '//');
  }
}
