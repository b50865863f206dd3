/**
 * Where tests find the build's precompiled validators (`npm run build` writes them; `npm test`
 * builds first), and hl's schema sources they were compiled from.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'vitest';
import { PRECOMPILED_DIRECTORY, PRECOMPILED_INDEX_FILE, type SchemaValidateFunction } from '../../src/engine/precompiled-validators.js';

export const PRECOMPILED_DIST_DIR = fileURLToPath(new URL(`../../dist/${PRECOMPILED_DIRECTORY}/`, import.meta.url));
export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export type PrecompiledIndex = Record<string, () => SchemaValidateFunction>;

/** The build's index (key → loader); skips the test, saying why, when dist is not built. */
export function precompiledIndexOrSkip(ctx: TestContext): PrecompiledIndex {
  const file = join(PRECOMPILED_DIST_DIR, PRECOMPILED_INDEX_FILE);
  if (!existsSync(file)) return ctx.skip(`no precompiled validators in ${PRECOMPILED_DIST_DIR}: run "npm run build" first`);
  return createRequire(import.meta.url)(file) as PrecompiledIndex;
}
