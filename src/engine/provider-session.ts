/**
 * Creates and configures one provider instance per provider key that the config or the
 * state uses (`proxmox`, `kuma.fun-bedbug`, ...). Provider blocks are evaluated with
 * variables and locals only; each instance gets a work directory of its own (where an
 * embedded emulator keeps its world).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { error, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import { isValueMap, type Attributes } from '../core/value.js';
import type { Config, ResourceBlock } from '../config/config-types.js';
import { validateAgainstSchema } from '../config/schema-validator.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { EvaluationScope } from '../plan/evaluation-scope.js';
import { plannerOf, type PlannerProvider } from '../plan/planner-provider.js';
import type { Provider } from '../provider/contract.js';
import type { State } from '../state/state-types.js';
import type { ProviderRegistry } from './provider-registry.js';

export interface ProviderSession {
  providers: Map<string, Provider>;
  configs: Map<string, Attributes>;
  /** Sensitive provider-block values, for redaction of logs and errors. */
  secrets: string[];
  planners(): Map<string, PlannerProvider>;
  close(): Promise<void>;
}

export interface ProviderSessionOptions {
  config: Config;
  state: State;
  variables: ReadonlyMap<string, ScopedValue>;
  registry: ProviderRegistry;
  configDir: string;
  /** Directory under which each provider instance gets `providers/<key>/`. */
  workDir: string;
  paths: { root: string; cwd: string };
}

export async function openProviderSession(opts: ProviderSessionOptions): Promise<{ session?: ProviderSession; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const keys = new Map<string, { loc?: ResourceBlock }>();
  for (const r of opts.config.resources.values()) if (!keys.has(r.provider)) keys.set(r.provider, { loc: r });
  for (const p of opts.config.providers.keys()) if (!keys.has(p)) keys.set(p, {});
  for (const r of opts.state.resources) if (!keys.has(r.provider)) keys.set(r.provider, {});

  const scope = new EvaluationScope({
    config: opts.config,
    variables: opts.variables,
    blockValue: () => undefined,
    paths: opts.paths,
  });
  const providers = new Map<string, Provider>();
  const configs = new Map<string, Attributes>();
  const secrets: string[] = [];
  for (const [key, usage] of keys) {
    const type = key.split('.')[0]!;
    const factory = await opts.registry.load(type);
    if (!factory) {
      const s = didYouMean(type, opts.registry.types());
      const block = usage.loc;
      diagnostics.push(
        error(
          `Unknown provider "${type}"${block ? ` for ${block.address}` : ''}`,
          block ? (block.providerLoc ?? block.loc) : opts.config.providers.get(key)?.loc,
          s ? `Did you mean "${s}"?` : `Known providers: ${opts.registry.types().join(', ')}`,
        ),
      );
      continue;
    }
    const block = opts.config.providers.get(key);
    if (!block && key.includes('.')) {
      diagnostics.push(
        error(`Provider "${key}" is used but not declared`, usage.loc?.providerLoc ?? usage.loc?.loc, `Declare it under "providers:" as "${key}: {...}".`),
      );
      continue;
    }
    const provider = factory.create();
    const schema = provider.getSchema();
    let config: Attributes = {};
    if (block) {
      const r = evaluateNode(block.body, scope.context());
      diagnostics.push(...r.diagnostics, ...scope.diagnostics.splice(0));
      if (!isValueMap(r.value)) continue;
      config = r.value;
      diagnostics.push(...validateAgainstSchema(schema.providerJsonSchema, config, block.body, `provider "${key}"`));
      for (const name of schema.providerSensitive ?? []) {
        const v = config[name];
        if (typeof v === 'string' && v.length > 0) secrets.push(v);
      }
      for (const p of r.sensitivePaths) {
        const v = p.length === 1 ? config[p[0] as string] : undefined;
        if (typeof v === 'string' && v.length > 0) secrets.push(v);
      }
    }
    providers.set(key, provider);
    configs.set(key, config);
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const configured: Provider[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(configured.map((p) => p.close?.()));
  };
  for (const [key, provider] of providers) {
    const workDir = join(opts.workDir, 'providers', key);
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    try {
      await provider.configure({ config: configs.get(key)!, configDir: opts.configDir, workDir });
      configured.push(provider);
    } catch (e) {
      await close();
      diagnostics.push(
        error(`Provider "${key}" could not be configured: ${(e as Error).message}`, opts.config.providers.get(key)?.loc),
      );
      return { diagnostics };
    }
  }
  let planners: Map<string, PlannerProvider> | undefined;
  const session: ProviderSession = {
    providers,
    configs,
    secrets,
    planners: () => (planners ??= new Map([...providers].map(([key, p]) => [key, plannerOf(p, configs.get(key)!)]))),
    close,
  };
  return { session, diagnostics };
}
