/**
 * The invalid-config corpus (test/fixtures/invalid/, format in its README.md): its cases, what
 * each expects, and the stages a case can be run through. Used by invalid-corpus.test.ts
 * (the expectations) and invalid-corpus-precompiled.test.ts (the same diagnostics with the
 * build's precompiled validators).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfigFiles, loadVarFiles } from '../../src/engine/load-config.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { collectVariableInputs, resolveVariables } from '../../src/config/variable-inputs.js';
import { hasErrors, type Diagnostic } from '../../src/core/diagnostic.js';
import { builtinProviders } from '../../src/cli/builtin-registries.js';
import { precompiledValidator } from '../../src/engine/precompiled-validators.js';
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

export type StageRunner = (dir: string, expectation: CaseExpectation) => Promise<Diagnostic[]>;

async function runParse(dir: string): Promise<Diagnostic[]> {
  const loaded = await loadConfigFiles(dir);
  if (hasErrors(loaded.diagnostics)) return loaded.diagnostics;
  return [...loaded.diagnostics, ...parseConfig(loaded.files, { precompiled: precompiledValidator }).diagnostics];
}

async function runVariables(dir: string, exp: CaseExpectation): Promise<Diagnostic[]> {
  const loaded = await loadConfigFiles(dir);
  const parsed = parseConfig(loaded.files, { precompiled: precompiledValidator });
  if (!parsed.config) return parsed.diagnostics;
  // Var files are read as hl reads them (bytes, then UTF-8), so encoding problems are caught here too.
  const varFiles = await loadVarFiles((exp.varFiles ?? []).map((f) => path.join(dir, f)));
  if (hasErrors(varFiles.diagnostics)) return [...parsed.diagnostics, ...varFiles.diagnostics];
  const inputs = collectVariableInputs({ env: exp.env ?? {}, varFiles: varFiles.files, vars: exp.vars ?? [] });
  const resolved = resolveVariables(parsed.config.variables, inputs.inputs);
  return [...parsed.diagnostics, ...inputs.diagnostics, ...resolved.diagnostics];
}

/** The whole of `hl validate`: references, cycles, per-type schemas, provider rules. */
async function runValidate(dir: string, exp: CaseExpectation): Promise<Diagnostic[]> {
  const r = await validateProject(dir, { vars: exp.vars ?? [], varFiles: (exp.varFiles ?? []).map((f) => path.join(dir, f)), env: exp.env ?? {} }, builtinProviders());
  return r.diagnostics;
}

/** Stage name → how to run a case through it. Later layers add theirs here. */
export const STAGES: Record<string, StageRunner> = {
  parse: runParse,
  variables: runVariables,
  validate: runValidate,
};

export function discoverCases(): { name: string; dir: string; expectation: CaseExpectation }[] {
  return readdirSync(CORPUS)
    .filter((name) => statSync(path.join(CORPUS, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = path.join(CORPUS, name);
      const expectation = JSON.parse(readFileSync(path.join(dir, 'expect.json'), 'utf8')) as CaseExpectation;
      return { name, dir, expectation };
    });
}
