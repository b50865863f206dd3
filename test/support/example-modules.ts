/**
 * The example homelab calls modules in examples/modules/: a test that copies
 * examples/homelab.yaml elsewhere copies them beside it.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';

/** Copies examples/modules from the checkout `root` into `examplesDir`. */
export function copyExampleModules(root: string, examplesDir: string): void {
  cpSync(join(root, 'examples', 'modules'), join(examplesDir, 'modules'), { recursive: true });
}
