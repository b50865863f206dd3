/**
 * The invalid-config corpus (test/fixtures/invalid/) once more, with the build's
 * precompiled validators: each case must get exactly the diagnostics it gets with
 * validators compiled at run time, which invalid-corpus.test.ts checks against the case's
 * expectations. Precompiled validators report copies of the schema objects, so this
 * guards the choice and wording of messages (schema-error-selection.ts,
 * schema-error-message.ts) against depending on object identity.
 *
 * The cases run through the same stages as in invalid-corpus.test.ts. Without a build
 * (running the tests on the sources alone) these are skipped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA } from '../../src/config/config-schema.js';
import { SCHEMA_PROFILE } from '../../src/schema/schema-compile.js';
import { precompiledValidator, setPrecompiledDirectory } from '../../src/engine/precompiled-validators.js';
import { discoverCases, STAGES } from './invalid-corpus-cases.js';
import { PRECOMPILED_DIST_DIR, precompiledIndexOrSkip } from './precompiled-build.js';

const cases = discoverCases();

describe('invalid-config corpus with precompiled validators', () => {
  afterAll(() => setPrecompiledDirectory(undefined));

  it('uses the precompiled validators when pointed at the build', (ctx) => {
    precompiledIndexOrSkip(ctx);
    setPrecompiledDirectory(PRECOMPILED_DIST_DIR);
    expect(precompiledValidator(SCHEMA_PROFILE, CONFIG_SCHEMA)).toBeDefined();
    setPrecompiledDirectory(null);
    expect(precompiledValidator(SCHEMA_PROFILE, CONFIG_SCHEMA)).toBeUndefined();
  });

  for (const { name, dir, expectation } of cases) {
    const run = STAGES[expectation.stage];
    if (!run) continue; // invalid-corpus.test.ts reports it as skipped
    it(`${name} [${expectation.stage}]: same diagnostics as with run-time compilation`, async (ctx) => {
      precompiledIndexOrSkip(ctx);
      setPrecompiledDirectory(null);
      const compiledAtRunTime = await run(dir, expectation);
      setPrecompiledDirectory(PRECOMPILED_DIST_DIR);
      const precompiled = await run(dir, expectation);
      expect(compiledAtRunTime.length).toBeGreaterThan(0);
      expect(precompiled).toEqual(compiledAtRunTime);
    });
  }
});
