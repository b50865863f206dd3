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
import { type ConfigParse, loadModuleFiles, moduleDirOf, parseConfigReusing } from './load-modules.js';
import { expandModules } from '../expand/expand-modules.js';
import { checkRefactoringBlocks } from '../config/decode-refactoring-blocks.js';
import { buildConfigGraph, type ConfigGraph } from '../graph/build-config-graph.js';
import type { ScopedValue } from '../lang/eval-context.js';
import { readConfigRelativeFile } from './config-file-reader.js';
import { resolveProjectVariables, type VariableSources } from './project-variables.js';

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

/** A saved plan's or a loaded tree's module files, by module directory. */
export function groupByModule(files: readonly ConfigFile[]): Map<string, ConfigFile[]> {
  const out = new Map<string, ConfigFile[]>();
  for (const f of files) {
    if (f.module === undefined) continue;
    let list = out.get(f.module);
    if (!list) out.set(f.module, (list = []));
    list.push(f);
  }
  return out;
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

/**
 * The config's files and those of every module it calls (tagged with their directory), and
 * the parses made to find the calls (for projectFromFiles to reuse).
 */
export async function loadConfigTree(
  configPath: string,
): Promise<{ files: ConfigFile[]; diagnostics: Diagnostic[]; parses?: ConfigParse[] }> {
  const loaded = await loadConfigFiles(configPath);
  if (hasErrors(loaded.diagnostics)) return loaded;
  const modules = await loadModuleFiles(loaded.files, configRoot(configPath));
  return {
    files: [...loaded.files, ...modules.files],
    diagnostics: [...loaded.diagnostics, ...modules.diagnostics],
    parses: modules.parses,
  };
}

export async function loadProject(
  configPath: string,
  sources: VariableSources,
  opts: { unsetVariablesUnknown?: boolean } = {},
): Promise<{ project?: Project; files: ConfigFile[]; diagnostics: Diagnostic[] }> {
  const loaded = await loadConfigTree(configPath);
  if (hasErrors(loaded.diagnostics)) return { files: loaded.files, diagnostics: loaded.diagnostics };
  const parses = loaded.parses ?? [];
  return { ...(await projectFromFiles(loaded.files, configRoot(configPath), sources, { ...opts, parses })), files: loaded.files };
}

/**
 * Builds a project from config files already in memory (a saved plan carries them). `parses`
 * are parses of some of these files already made (by loadConfigTree), used instead of
 * parsing the same files again.
 */
export async function projectFromFiles(
  files: ConfigFile[],
  root: string,
  sources: VariableSources,
  opts: { unsetVariablesUnknown?: boolean; parses?: readonly ConfigParse[] } = {},
): Promise<{ project?: Project; diagnostics: Diagnostic[] }> {
  const rootFiles = files.filter((f) => f.module === undefined);
  const parsed = parseConfigReusing(rootFiles, false, opts.parses);
  const moduleConfigs = new Map<string, Config>();
  const parseDiagnostics = [...parsed.diagnostics];
  for (const [dir, group] of groupByModule(files)) {
    const m = parseConfigReusing(group, true, opts.parses);
    parseDiagnostics.push(...m.diagnostics);
    if (m.config) moduleConfigs.set(dir, m.config);
  }
  if (!parsed.config || hasErrors(parseDiagnostics)) return { diagnostics: parseDiagnostics };
  const missing = [...parsed.config.moduleCalls.values(), ...[...moduleConfigs.values()].flatMap((c) => [...c.moduleCalls.values()])].find(
    (c) => !moduleConfigs.has(moduleDirOf(c)),
  );
  if (missing) {
    return { diagnostics: [error(`The files of module.${missing.name} (${missing.source}) were not loaded`, missing.sourceLoc)] };
  }
  const vars = await resolveProjectVariables(parsed.config, sources, opts);
  if (hasErrors(vars.diagnostics)) return { diagnostics: [...parseDiagnostics, ...vars.diagnostics] };
  if (files.length === 0) return { diagnostics: [error('No configuration files found')] };
  const paths = { root, cwd: process.cwd() };
  const readFile = fileReader(root);
  const expanded = expandModules({
    root: parsed.config,
    sources: { configs: moduleConfigs, dirOf: moduleDirOf },
    variables: vars.variables,
    paths,
    readFile,
    validateOnly: opts.unsetVariablesUnknown ?? false,
  });
  if (hasErrors(expanded.diagnostics)) return { diagnostics: [...parseDiagnostics, ...expanded.diagnostics] };
  const config: Config = { ...expanded.config, files };
  const refactorings = checkRefactoringBlocks(config, { modules: 'only' });
  if (hasErrors(refactorings)) return { diagnostics: [...parseDiagnostics, ...expanded.diagnostics, ...refactorings] };
  const g = buildConfigGraph(config);
  if (!g.graph || hasErrors(g.diagnostics)) return { diagnostics: [...parseDiagnostics, ...expanded.diagnostics, ...g.diagnostics] };
  return {
    project: {
      files,
      config,
      graph: g.graph,
      configHash: hashConfigFiles(files),
      variables: vars.variables,
      secrets: vars.secrets,
      paths,
      readFile,
    },
    diagnostics: [...parseDiagnostics, ...expanded.diagnostics, ...g.diagnostics, ...vars.diagnostics],
  };
}
