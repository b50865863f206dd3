/**
 * The provider blocks of a config, evaluated and checked: one provider instance (created,
 * not configured) per provider key the config or the state uses (`proxmox`,
 * `kuma.fun-bedbug`, ...), each block evaluated with variables and locals only and checked
 * against its provider's schema. Nothing is configured or contacted, so `hl validate` runs
 * exactly the checks `hl plan` runs before it configures the providers (a value still
 * unknown, such as a variable with no value at validate, fails no check).
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import { isValueMap, type Attributes } from '../core/value.js';
import type { Config, ResourceBlock } from '../config/config-types.js';
import { validateAgainstSchema } from '../schema/schema-validator.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { evaluateNode } from '../lang/evaluate-node.js';
import { EvaluationScope } from '../expand/evaluation-scope.js';
import type { Provider } from '../provider/contract.js';
import type { ProviderRegistry } from './provider-registry.js';
import { precompiledValidator } from './precompiled-validators.js';

export interface ProviderBlocksOptions {
  config: Config;
  variables: ReadonlyMap<string, ScopedValue>;
  registry: ProviderRegistry;
  paths: { root: string; cwd: string };
  /** More provider keys in use beyond the config's (those of resources in state). */
  moreKeys?: Iterable<string>;
}

export interface EvaluatedProviderBlocks {
  /** Created, not configured; only the instances whose block evaluated to a map. */
  providers: Map<string, Provider>;
  /** The evaluated block of each instance ({} when it has none). */
  configs: Map<string, Attributes>;
  /** Sensitive provider-block values, for redaction of logs and errors. */
  secrets: string[];
  diagnostics: Diagnostic[];
}

export async function evaluateProviderBlocks(opts: ProviderBlocksOptions): Promise<EvaluatedProviderBlocks> {
  const diagnostics: Diagnostic[] = [];
  const keys = new Map<string, { loc?: ResourceBlock }>();
  for (const r of opts.config.resources.values()) if (!keys.has(r.provider)) keys.set(r.provider, { loc: r });
  for (const p of opts.config.providers.keys()) if (!keys.has(p)) keys.set(p, {});
  for (const k of opts.moreKeys ?? []) if (!keys.has(k)) keys.set(k, {});

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
        error(
          `Provider "${key}" is used but not declared`,
          usage.loc?.providerLoc ?? usage.loc?.loc,
          `Declare it under "providers:" as "${key}: {...}".`,
        ),
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
      diagnostics.push(
        ...validateAgainstSchema(schema.providerJsonSchema, config, block.body, `provider "${key}"`, { precompiled: precompiledValidator }),
      );
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
  return { providers, configs, secrets, diagnostics };
}
