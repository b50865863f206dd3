/**
 * A loaded project: the config read from disk and parsed, variables resolved, the graph
 * built. Everything after this point (planning, applying) works on these values.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { error, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import type { Config, ConfigFile } from '../config/config-types.js';
import { loadConfigFiles } from './load-config.js';
import { parseConfig } from '../config/parse-config.js';
import { buildConfigGraph, type ConfigGraph } from '../graph/build-config-graph.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { readConfigRelativeFile } from './config-file-reader.js';
import { resolveProjectVariables, type VariableSources } from './project-variables.js';
import { precompiledValidator } from './precompiled-validators.js';

export interface Project {
  files: ConfigFile[];
  config: Config;
  graph: ConfigGraph;
  configHash: string;
  variables: Map<string, ScopedValue>;
  /** Values of sensitive variables, for redaction. */
  secrets: string[];
  paths: { root: string; cwd: string };
  readFile: (path: string) => string | undefined;
}

export function hashConfigFiles(files: readonly ConfigFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.path).update('\0').update(f.text).update('\0');
  return h.digest('hex');
}

export function configRoot(configPath: string): string {
  const abs = resolve(configPath);
  return existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
}

/** Reads files relative to the config root, for the `file()` function (bounded: config-file-reader.ts). */
export function fileReader(root: string): (path: string) => string | undefined {
  return (p) => readConfigRelativeFile(root, p);
}

export async function loadProject(
  configPath: string,
  sources: VariableSources,
  opts: { unsetVariablesUnknown?: boolean } = {},
): Promise<{ project?: Project; files: ConfigFile[]; diagnostics: Diagnostic[] }> {
  const loaded = await loadConfigFiles(configPath);
  if (hasErrors(loaded.diagnostics)) return { files: loaded.files, diagnostics: loaded.diagnostics };
  return { ...(await projectFromFiles(loaded.files, configRoot(configPath), sources, opts)), files: loaded.files };
}

/** Builds a project from config files already in memory (a saved plan carries them). */
export async function projectFromFiles(
  files: ConfigFile[],
  root: string,
  sources: VariableSources,
  opts: { unsetVariablesUnknown?: boolean } = {},
): Promise<{ project?: Project; diagnostics: Diagnostic[] }> {
  const parsed = parseConfig(files, { precompiled: precompiledValidator });
  if (!parsed.config || hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics };
  const config = parsed.config;
  const g = buildConfigGraph(config);
  if (!g.graph || hasErrors(g.diagnostics)) return { diagnostics: [...parsed.diagnostics, ...g.diagnostics] };
  const vars = await resolveProjectVariables(config, sources, opts);
  if (hasErrors(vars.diagnostics)) return { diagnostics: [...parsed.diagnostics, ...vars.diagnostics] };
  if (files.length === 0) return { diagnostics: [error('No configuration files found')] };
  return {
    project: {
      files,
      config,
      graph: g.graph,
      configHash: hashConfigFiles(files),
      variables: vars.variables,
      secrets: vars.secrets,
      paths: { root, cwd: process.cwd() },
      readFile: fileReader(root),
    },
    diagnostics: [...parsed.diagnostics, ...g.diagnostics, ...vars.diagnostics],
  };
}
