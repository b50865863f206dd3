/**
 * The provider types hl knows, by name, as the engine receives them (the entry point wires
 * the built-in ones, see src/cli/builtin-registries.ts). A provider's code is loaded only
 * when a config uses it, so `hl --help` and `hl validate` start fast.
 */
import type { ProviderFactory } from '../provider/contract.js';

export interface ProviderRegistry {
  types(): string[];
  load(type: string): Promise<ProviderFactory | undefined>;
}
