/**
 * Creates and configures one provider instance per provider key that the config or the
 * state uses (`proxmox`, `kuma.fun-bedbug`, ...). Provider blocks are evaluated with
 * variables and locals only and checked against their schemas (provider-blocks.ts, the same
 * checks as `hl validate`); each instance gets a work directory of its own (where an
 * embedded emulator keeps its world).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { error, hasErrors, warning, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import { makeRedactor } from '../core/redact.js';
import type { Attributes } from '../core/value.js';
import type { Config } from '../config/config-types.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { plannerOf, type PlannerProvider } from '../plan/planner-provider.js';
import { makeProviderCallLog, type ProviderCallLog, type RunLog } from '../provider/call-log.js';
import { classifyConnectionFailure } from '../provider/connection-failure.js';
import { ProviderError, type Provider } from '../provider/contract.js';
import type { State } from '../state/state-types.js';
import { evaluateProviderBlocks } from './provider-blocks.js';
import type { ProviderRegistry } from './provider-registry.js';
import { unreachableDiagnostic } from './unreachable-provider.js';

export interface ProviderSession {
  providers: Map<string, Provider>;
  configs: Map<string, Attributes>;
  /** Sensitive provider-block values, for redaction of logs and errors. */
  secrets: string[];
  /** Each instance's call log (HL_LOG), when there is one. */
  callLogs?: ReadonlyMap<string, ProviderCallLog>;
  /** The provider instances running against an embedded emulator (`emulated: true`), in config order. */
  emulated: string[];
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
  /** Where every provider call is logged (HL_LOG); nothing is logged without it. */
  log?: RunLog;
  /** Secrets of the project (sensitive variables' values), masked in the log besides the provider blocks' own. */
  secrets?: readonly string[];
  /** Configures only this provider instance (hl watch's heartbeat needs one), not every one config and state use. */
  only?: string;
}

export async function openProviderSession(opts: ProviderSessionOptions): Promise<{ session?: ProviderSession; diagnostics: Diagnostic[] }> {
  const { providers, configs, secrets, diagnostics } = await evaluateProviderBlocks({
    config: opts.config,
    variables: opts.variables,
    registry: opts.registry,
    paths: opts.paths,
    moreKeys: opts.state.resources.map((r) => r.provider),
  });
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  if (opts.only !== undefined) for (const key of [...providers.keys()]) if (key !== opts.only) providers.delete(key);

  const configured: Provider[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(configured.map((p) => p.close?.()));
  };
  const redact = makeRedactor([...secrets, ...(opts.secrets ?? [])]);
  const callLogs = new Map<string, ProviderCallLog>();
  // every instance is tried, so that each one that fails is reported (once, at its block)
  for (const [key, provider] of providers) {
    const workDir = join(opts.workDir, 'providers', key);
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    try {
      const loc = opts.config.providers.get(key)?.loc;
      const warn = (message: string): void => void diagnostics.push(warning(`Provider "${key}": ${message}`, loc));
      const log = opts.log ? makeProviderCallLog({ run: opts.log, provider: key, redact }) : undefined;
      if (log) callLogs.set(key, log);
      await provider.configure({ config: configs.get(key)!, configDir: opts.configDir, workDir, warn, ...(log ? { log } : {}) });
      configured.push(provider);
    } catch (e) {
      diagnostics.push(configureFailure(key, e, opts.config.providers.get(key)?.loc, configs.get(key)));
    }
  }
  if (hasErrors(diagnostics)) {
    await close();
    return { diagnostics };
  }
  let planners: Map<string, PlannerProvider> | undefined;
  const session: ProviderSession = {
    providers,
    configs,
    secrets,
    callLogs,
    emulated: inConfigOrder([...providers.keys()], opts.config).filter((key) => configs.get(key)?.['emulated'] === true),
    planners: () => (planners ??= new Map([...providers].map(([key, p]) => [key, plannerOf(p, configs.get(key)!)]))),
    close,
  };
  return { session, diagnostics };
}

/** Provider keys in the order of the config's blocks (keys only state uses last). */
function inConfigOrder(keys: string[], config: Config): string[] {
  const order = [...config.providers.keys()];
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  return [...keys].sort((a, b) => rank(a) - rank(b));
}

/** Why a provider instance could not be configured: a server that cannot be reached is said in words, with a hint. */
function configureFailure(key: string, e: unknown, location: SourceLocation | undefined, config: Attributes | undefined): Diagnostic {
  if (e instanceof ProviderError && e.options.unreachable)
    return unreachableDiagnostic(key, e, location, config, 'it could not be configured');
  if (!(e instanceof ProviderError)) {
    // a connection error the provider let through unwrapped
    const cause = classifyConnectionFailure(e);
    if (cause)
      return unreachableDiagnostic(
        key,
        new ProviderError((e as Error).message, { unreachable: { cause } }),
        location,
        config,
        'it could not be configured',
      );
  }
  return { ...error(`Provider "${key}" could not be configured: ${(e as Error).message}`, location), provider: key };
}
