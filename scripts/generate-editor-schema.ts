/**
 * Writes schemas/config.schema.json, the editor's schema of a config file, from hl's parser
 * schema and the built-in providers' schemas (see editor-schema.ts). Run after changing a
 * provider's schema: `npm run schema:editor`; test/config/editor-schema.test.ts fails while
 * the committed file differs from what this writes.
 *
 * Usage: node dist/scripts/generate-editor-schema.js
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinEditorSchemaText } from './editor-schema.js';

async function main(): Promise<void> {
  // This file runs from dist/scripts/: the sources' schemas/ is two levels up.
  const target = fileURLToPath(new URL('../../schemas/config.schema.json', import.meta.url));
  writeFileSync(target, await builtinEditorSchemaText());
  process.stdout.write(`wrote ${target}\n`);
}

await main();
