/**
 * Reading the module directories a config calls (`modules: { x: { source: ./modules/k3s-node } }`),
 * recursively, for the engine: each directory's `*.yaml` files, tagged with the directory so
 * a saved plan that carries them can be expanded again without the disk. A source must stay
 * inside the repository the config is in (the nearest directory holding `.git`), or inside
 * the config's own directory when there is no repository: a config arriving in a pull
 * request cannot make hl read YAML from anywhere else on the machine.
 */
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import { error, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile, ModuleCall } from '../config/config-types.js';
import { parseConfig, type ParseConfigResult } from '../config/parse-config.js';
import { loadConfigFiles } from './load-config.js';
import { precompiledValidator } from './precompiled-validators.js';

/** Module directories in one config, at most. */
export const MAX_MODULE_DIRECTORIES = 200;

/** The directory a module call's source names: relative to the file the call is written in. */
export function moduleDirOf(call: ModuleCall): string {
  return nodePath.normalize(nodePath.join(nodePath.dirname(call.loc.file), call.source));
}

/**
 * A parse of config files made while looking for their module calls: the root files
 * (`module: false`) or one module directory's. The project reuses it for the same files
 * (the same objects, in the same order) instead of parsing them again.
 */
export interface ConfigParse {
  files: readonly ConfigFile[];
  module: boolean;
  result: ParseConfigResult;
}

/** The files of every module directory the root files call, directly or through other modules, and the parses made on the way. */
export async function loadModuleFiles(
  rootFiles: ConfigFile[],
  configRoot: string,
): Promise<{ files: ConfigFile[]; diagnostics: Diagnostic[]; parses: ConfigParse[] }> {
  const files: ConfigFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const parses: ConfigParse[] = [];
  const boundary = repositoryRoot(configRoot);
  const loaded = new Set<string>();
  const queue: ModuleCall[] = [...callsIn(rootFiles, false, parses)];
  while (queue.length > 0) {
    const call = queue.shift()!;
    const dir = moduleDirOf(call);
    if (loaded.has(dir)) continue;
    const rel = nodePath.relative(boundary, nodePath.resolve(dir));
    if (rel.startsWith('..') || nodePath.isAbsolute(rel)) {
      diagnostics.push(
        error(
          `Module source "${call.source}" of module.${call.name} is outside ${existsSync(nodePath.join(boundary, '.git')) ? 'the repository' : "the config's directory"} (${boundary})`,
          call.sourceLoc,
          'Keep modules inside the repository the config is in.',
        ),
      );
      continue;
    }
    if (loaded.size >= MAX_MODULE_DIRECTORIES) {
      diagnostics.push(error(`More than ${MAX_MODULE_DIRECTORIES} module directories; stopped at ${dir}`, call.sourceLoc));
      break;
    }
    loaded.add(dir);
    const read = await loadConfigFiles(dir);
    if (hasErrors(read.diagnostics)) {
      diagnostics.push(
        ...read.diagnostics.map((d) => (d.location ? d : { ...d, location: call.sourceLoc, summary: `module.${call.name}: ${d.summary}` })),
      );
      continue;
    }
    const tagged = read.files.map((f) => ({ ...f, module: dir }));
    files.push(...tagged);
    queue.push(...callsIn(tagged, true, parses));
  }
  return { files, diagnostics, parses };
}

/** The module calls written in some files (those that parse; their problems are reported later); the parse joins `parses`. */
function callsIn(files: ConfigFile[], module: boolean, parses: ConfigParse[]): ModuleCall[] {
  const parsed = parseConfig(files, { precompiled: precompiledValidator, module });
  parses.push({ files, module, result: parsed });
  return parsed.config ? [...parsed.config.moduleCalls.values()] : [];
}

/** `files` parsed: the parse of the same file objects in `parses` when there is one, or a new one. */
export function parseConfigReusing(files: readonly ConfigFile[], module: boolean, parses: readonly ConfigParse[] = []): ParseConfigResult {
  const done = parses.find((p) => p.module === module && p.files.length === files.length && p.files.every((f, i) => f === files[i]));
  return done ? done.result : parseConfig([...files], { precompiled: precompiledValidator, module });
}

/** The nearest directory at or above `dir` that holds `.git`; `dir` itself when there is none. */
function repositoryRoot(dir: string): string {
  const start = nodePath.resolve(dir);
  for (let d = start; ; ) {
    if (existsSync(nodePath.join(d, '.git'))) return d;
    const up = nodePath.dirname(d);
    if (up === d) return start;
    d = up;
  }
}
