/**
 * The objects `import` blocks adopt, read at plan time through their providers (the planner
 * stays pure: it gets them as `PlanRequest.imported`). Which objects, and what the config and
 * state refuse, is plan/planned-imports.ts; here each is read as `hl import` reads one, with
 * retries, and an id the provider cannot find, or a provider that cannot import, is an error at
 * the import block.
 */
import pLimit from 'p-limit';
import { error, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { ProviderError } from '../provider/contract.js';
import { retryProviderCall, type RetryPolicy } from '../provider/retry-provider-call.js';
import { importTargets, type ImportedObject } from '../plan/planned-imports.js';
import type { State } from '../state/state-types.js';
import type { Project } from './project.js';
import type { ProviderSession } from './provider-session.js';
import { unreachableDiagnostic } from './unreachable-provider.js';

export async function readImports(
  project: Project,
  state: State,
  session: ProviderSession,
  opts: { parallelism: number; retry?: RetryPolicy },
): Promise<{ imported: Map<string, ImportedObject>; diagnostics: Diagnostic[] }> {
  const imported = new Map<string, ImportedObject>();
  const { targets, diagnostics } = importTargets({
    config: project.config,
    variables: project.variables,
    state,
    paths: project.paths,
    readFile: project.readFile,
    sameObject: (key, type, a, b) => session.providers.get(key)?.sameObject?.({ type, a, b }) ?? false,
  });
  if (hasErrors(diagnostics) || targets.length === 0) return { imported, diagnostics };
  const limit = pLimit(Math.max(1, opts.parallelism));
  const read = await Promise.all(
    targets.map((t) =>
      limit(async (): Promise<Diagnostic | undefined> => {
        const key = t.block.provider;
        const provider = session.providers.get(key);
        if (!provider?.importResource)
          return { ...error(`Cannot import ${t.address}: provider "${key}" cannot import ${t.to.type}`, t.loc), address: t.address };
        const importResource = provider.importResource.bind(provider);
        try {
          const found = await retryProviderCall(
            'read',
            () => importResource({ type: t.to.type, id: t.id }),
            opts.retry ? { policy: opts.retry } : {},
          );
          if (!found.resource) {
            const fmt = provider.getSchema().resources[t.to.type]?.importIdFormat;
            return {
              ...error(
                `Cannot import ${t.address}: no ${t.to.type} with id "${t.id}" exists`,
                t.loc,
                fmt ? `Ids of ${t.to.type} look like ${fmt}.` : undefined,
              ),
              address: t.address,
            };
          }
          const schema = provider.getSchema().resources[t.to.type];
          const sensitivePaths = Object.entries(schema?.attributes ?? {})
            .filter(([, a]) => a.sensitive)
            .map(([k]) => [k]);
          imported.set(t.address, { id: found.resource.id, attributes: found.resource.state, sensitivePaths, loc: t.loc });
          return undefined;
        } catch (e) {
          if (!(e instanceof ProviderError)) throw e;
          if (e.options.unreachable)
            return unreachableDiagnostic(
              key,
              e,
              project.config.providers.get(key)?.loc,
              session.configs.get(key),
              `${t.address} could not be read for its import`,
            );
          return { ...error(`Cannot import ${t.address}: provider "${key}" failed: ${e.message}`, t.loc), address: t.address };
        }
      }),
    ),
  );
  for (const d of read) if (d) diagnostics.push(d);
  return { imported, diagnostics };
}
