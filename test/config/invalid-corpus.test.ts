/**
 * Runs the invalid-config corpus (test/fixtures/invalid/, format in its README.md): each
 * case through the stage that must catch it, asserting every expected message and
 * file:line:col, and that nothing else is reported as an error.
 *
 * Stages owned by other layers are added to STAGES; until then their cases are skipped
 * with the stage named.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFiles } from '../../src/config/load-config.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { collectVariableInputs, resolveVariables } from '../../src/config/variable-inputs.js';
import { formatLocation, hasErrors, type Diagnostic } from '../../src/core/diagnostic.js';
import { builtinProviders } from '../../src/engine/provider-registry.js';
import { validateProject } from '../../src/engine/validate-project.js';

const CORPUS = path.join('test', 'fixtures', 'invalid');

export interface ExpectedError {
  /** Relative to the case directory; omit (with line and col) for errors without a location. */
  file?: string;
  line?: number;
  col?: number;
  /** A substring of the diagnostic's summary. */
  message: string;
}

export interface CaseExpectation {
  /** Which stage must catch it: "parse", "variables", or a later one ("graph", "plan", ...). */
  stage: string;
  description?: string;
  errors: ExpectedError[];
  /** When true, errors beyond the expected ones are allowed. */
  allowOtherErrors?: boolean;
  /** Variable inputs, for stages from "variables" on. */
  vars?: string[];
  /** Var files, relative to the case directory (keep them out of the directory's *.yaml: use a subdirectory). */
  varFiles?: string[];
  env?: Record<string, string>;
}

type StageRunner = (dir: string, expectation: CaseExpectation) => Promise<Diagnostic[]>;

async function runParse(dir: string): Promise<Diagnostic[]> {
  const loaded = await loadConfigFiles(dir);
  if (hasErrors(loaded.diagnostics)) return loaded.diagnostics;
  return [...loaded.diagnostics, ...parseConfig(loaded.files).diagnostics];
}

async function runVariables(dir: string, exp: CaseExpectation): Promise<Diagnostic[]> {
  const loaded = await loadConfigFiles(dir);
  const parsed = parseConfig(loaded.files);
  if (!parsed.config) return parsed.diagnostics;
  const varFiles = await Promise.all(
    (exp.varFiles ?? []).map(async (f) => ({ path: path.join(dir, f), text: await readFile(path.join(dir, f), 'utf8') })),
  );
  const inputs = collectVariableInputs({ env: exp.env ?? {}, varFiles, vars: exp.vars ?? [] });
  const resolved = resolveVariables(parsed.config.variables, inputs.inputs);
  return [...parsed.diagnostics, ...inputs.diagnostics, ...resolved.diagnostics];
}

/** The whole of `hl validate`: references, cycles, per-type schemas, provider rules. */
async function runValidate(dir: string, exp: CaseExpectation): Promise<Diagnostic[]> {
  const r = await validateProject(dir, { vars: exp.vars ?? [], varFiles: (exp.varFiles ?? []).map((f) => path.join(dir, f)), env: exp.env ?? {} }, builtinProviders());
  return r.diagnostics;
}

/** Stage name → how to run a case through it. Later layers add theirs here. */
const STAGES: Record<string, StageRunner> = {
  parse: runParse,
  variables: runVariables,
  validate: runValidate,
};

function discoverCases(): { name: string; dir: string; expectation: CaseExpectation }[] {
  return readdirSync(CORPUS)
    .filter((name) => statSync(path.join(CORPUS, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = path.join(CORPUS, name);
      const expectation = JSON.parse(readFileSync(path.join(dir, 'expect.json'), 'utf8')) as CaseExpectation;
      return { name, dir, expectation };
    });
}

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
