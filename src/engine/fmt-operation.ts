/**
 * `hl fmt [-check] [-diff] [-recursive] [PATH...]`: the config files in canonical layout
 * (src/yaml/format-yaml.ts). A PATH is a file or a directory (its *.yaml and *.yml files;
 * with recursive, those of its subdirectories too, leaving out dot-directories and
 * node_modules); none means the current directory. Without check the files that change are
 * rewritten; with check nothing is written. Returns each file that is (or was) not in
 * canonical layout with its text before and after.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { error, type Diagnostic } from '../core/diagnostic.js';
import { formatYaml } from '../yaml/format-yaml.js';
import { decodeSourceBytes } from '../yaml/source-text.js';

export interface FmtOptions {
  paths: readonly string[];
  check: boolean;
  recursive: boolean;
}

export interface FmtChange {
  file: string;
  before: string;
  after: string;
}

export interface FmtResult {
  changed: FmtChange[];
  diagnostics: Diagnostic[];
}

const YAML_FILE = /\.ya?ml$/i;

export async function formatFiles(opts: FmtOptions): Promise<FmtResult> {
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  for (const p of opts.paths.length > 0 ? opts.paths : ['.']) {
    const info = await stat(p).catch(() => undefined);
    if (!info) diagnostics.push(error(`No file or directory "${p}"`));
    else if (info.isDirectory()) files.push(...(await yamlFilesIn(p, opts.recursive)));
    else files.push(p);
  }
  const changed: FmtChange[] = [];
  for (const file of files) {
    const decoded = decodeSourceBytes(await readFile(file));
    if (decoded.problem) {
      const { summary, line, col } = decoded.problem;
      diagnostics.push(error(summary, { file, line, col }));
      continue;
    }
    const before = decoded.text;
    const r = formatYaml(before);
    if ('problems' in r) {
      for (const p of r.problems) diagnostics.push(error(`Cannot format ${file}: ${p.message}`, { file, line: p.line, col: p.col }));
      continue;
    }
    if (r.text === before) continue;
    changed.push({ file, before, after: r.text });
    if (!opts.check) await writeFile(file, r.text);
  }
  return { changed, diagnostics };
}

async function yamlFilesIn(dir: string, recursive: boolean): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const full = dir === '.' ? e.name : nodePath.join(dir, e.name);
    if (e.isFile() && YAML_FILE.test(e.name)) out.push(full);
    else if (recursive && e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      out.push(...(await yamlFilesIn(full, true)));
  }
  return out;
}
