/**
 * Runs the invalid-config corpus (test/fixtures/invalid/, format in its README.md): each
 * case through the stage that must catch it, asserting every expected message and
 * file:line:col, and that nothing else is reported as an error.
 *
 * Stages owned by other layers are added to STAGES (invalid-corpus-cases.ts); until then
 * their cases are skipped with the stage named.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLocation, type Diagnostic } from '../../src/core/diagnostic.js';
import { discoverCases, STAGES, type ExpectedError } from './invalid-corpus-cases.js';

function show(d: Diagnostic, dir: string): string {
  const where = d.location ? `${formatLocation({ ...d.location, file: path.relative(dir, d.location.file) })} ` : '';
  return `${d.severity} ${where}${d.summary}`;
}

function matches(d: Diagnostic, e: ExpectedError, dir: string): boolean {
  if (!d.summary.includes(e.message)) return false;
  if (e.file === undefined) return e.line === undefined || d.location?.line === e.line;
  if (!d.location) return false;
  const file = path.relative(dir, path.resolve(d.location.file)).split(path.sep).join('/');
  return file === e.file && d.location.line === e.line && d.location.col === e.col;
}

const cases = discoverCases();

describe('invalid-config corpus', () => {
  it('has cases, each with a known shape', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const c of cases) {
      expect(typeof c.expectation.stage, c.name).toBe('string');
      expect(c.expectation.errors.length, c.name).toBeGreaterThan(0);
    }
  });

  for (const { name, dir, expectation } of cases) {
    const run = STAGES[expectation.stage];
    if (!run) {
      it.skip(`${name} (stage "${expectation.stage}" is not run by this runner yet)`, () => {});
      continue;
    }
    it(`${name} [${expectation.stage}]`, async () => {
      const diagnostics = await run(dir, expectation);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      const report = `got:\n  ${diagnostics.map((d) => show(d, dir)).join('\n  ') || '(nothing)'}`;
      for (const e of expectation.errors) {
        const where = e.file !== undefined ? ` at ${e.file}:${e.line}:${e.col}` : '';
        expect(
          errors.some((d) => matches(d, e, dir)),
          `expected "${e.message}"${where}; ${report}`,
        ).toBe(true);
      }
      if (!expectation.allowOtherErrors) expect(errors.length, `expected exactly ${expectation.errors.length} error(s); ${report}`).toBe(expectation.errors.length);
    });
  }
});
