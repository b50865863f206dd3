/** The provider types hl knows, by name. Providers are created per provider block. */
import type { ProviderFactory } from '../provider/contract.js';
import { fakeProviderFactory } from '../../providers/fake/index.js';

export type ProviderRegistry = ReadonlyMap<string, ProviderFactory>;

/** The built-in providers. A function, so nothing is constructed at import time. */
export function builtinProviders(): ProviderRegistry {
  const factories: ProviderFactory[] = [fakeProviderFactory];
  return new Map(factories.map((f) => [f.type, f]));
}
