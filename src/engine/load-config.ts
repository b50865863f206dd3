/**
 * Reading config files from disk, for the engine (the config floor itself reads no file). A config path is a
 * YAML file, or a directory whose `*.yaml`/`*.yml` files (sorted by name, not recursive)
 * are merged. Paths are kept as the user gave them (`examples/basic/main.yaml`), an
 * absolute path inside the current directory is shown relative to it. Files are read as
 * bytes and must be UTF-8 without NUL bytes (source-text.ts).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile } from '../config/config-types.js';
import { decodeSourceBytes } from '../yaml/source-text.js';

export interface LoadedFiles {
  files: ConfigFile[];
  diagnostics: Diagnostic[];
}

const YAML_FILE = /\.ya?ml$/i;

export async function loadConfigFiles(path: string): Promise<LoadedFiles> {
  const shown = displayPath(path);
  const info = await statOrProblem(path, shown, 'Config path');
  if ('problem' in info) return { files: [], diagnostics: [info.problem] };
  if (info.isFile()) return readAll([shown]);
  if (!info.isDirectory()) return { files: [], diagnostics: [error(`Config path "${shown}" is neither a file nor a directory`)] };

  let names: string[];
  try {
    names = await readdir(path);
  } catch (e) {
    return { files: [], diagnostics: [error(`Cannot read directory "${shown}": ${reason(e)}`)] };
  }
  const candidates = names.filter((n) => YAML_FILE.test(n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: string[] = [];
  for (const name of candidates) {
    const full = nodePath.join(shown, name);
    const s = await stat(full).catch(() => undefined);
    if (s?.isFile()) files.push(full);
  }
  if (files.length === 0) {
    return {
      files: [],
      diagnostics: [error(`No config files in directory "${shown}"`, undefined, 'A config directory holds *.yaml or *.yml files.')],
    };
  }
  return readAll(files);
}

/** Reads `--var-file` files; their contents are parsed by variable-inputs.ts. */
export async function loadVarFiles(paths: readonly string[]): Promise<LoadedFiles> {
  const diagnostics: Diagnostic[] = [];
  const existing: string[] = [];
  for (const p of paths) {
    const shown = displayPath(p);
    const info = await statOrProblem(p, shown, 'Variable file');
    if ('problem' in info) diagnostics.push(info.problem);
    else if (!info.isFile()) diagnostics.push(error(`Variable file "${shown}" is not a file`));
    else existing.push(shown);
  }
  const read = await readAll(existing);
  return { files: read.files, diagnostics: [...diagnostics, ...read.diagnostics] };
}

async function readAll(paths: string[]): Promise<LoadedFiles> {
  const files: ConfigFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const p of paths) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(p);
    } catch (e) {
      diagnostics.push(error(`Cannot read "${p}": ${reason(e)}`));
      continue;
    }
    const decoded = decodeSourceBytes(bytes);
    if (decoded.problem) {
      const { summary, line, col } = decoded.problem;
      diagnostics.push(error(summary, { file: p, line, col }, 'Save the file as UTF-8 text.'));
    } else files.push({ path: p, text: decoded.text });
  }
  return { files, diagnostics };
}

async function statOrProblem(
  path: string,
  shown: string,
  what: string,
): Promise<Awaited<ReturnType<typeof stat>> | { problem: Diagnostic }> {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return {
        problem: error(
          `${what} "${shown}" does not exist`,
          undefined,
          what === 'Config path' ? 'Give a YAML file or a directory of *.yaml files with --config PATH (-c PATH).' : undefined,
        ),
      };
    }
    return { problem: error(`Cannot read "${shown}": ${reason(e)}`) };
  }
}

/** As given, but an absolute path inside the current directory becomes relative. */
function displayPath(path: string): string {
  if (!nodePath.isAbsolute(path)) return nodePath.normalize(path);
  const rel = nodePath.relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !nodePath.isAbsolute(rel) ? rel : path;
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EACCES') return 'permission denied';
  if (err.code === 'EISDIR') return 'it is a directory';
  return err.message ?? String(e);
}
