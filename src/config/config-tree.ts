/**
 * A config as written, module by module: a module's parsed blocks and, by call name, the
 * configs of the modules it calls. Nothing is expanded or evaluated: `hl show --json` writes
 * Terraform's `configuration` block from it.
 */
import type { Config } from './config-types.js';

export interface ConfigTree {
  config: Config;
  /** The called modules' configs, by call name (`modules: { app: ... }` → `app`). */
  calls: Map<string, ConfigTree>;
}
