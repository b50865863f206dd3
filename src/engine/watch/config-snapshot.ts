/**
 * Whether the config's files changed since `hl watch` loaded them (it reloads when they do).
 * A snapshot holds a digest of each file's bytes as read from disk (the config's files, its
 * modules' files, the --policy file) and, for each directory whose YAML files make up the
 * config (a config directory, a module's directory), the names of those files, so a file
 * added to or removed from it counts too. Comparing reads the files again: a few small files,
 * once per cycle and after a change event. Contents are compared, not times or inodes, so a
 * rename over a file (editors, a Kubernetes ConfigMap's symlink swap) counts like a write, and
 * a touch without a change does not.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFile } from '../../config/config-types.js';

const YAML_FILE = /\.ya?ml$/i;

/** The files and directories a snapshot covers. */
export interface ConfigScope {
  files: readonly string[];
  dirs: readonly string[];
}

export interface ConfigSnapshot {
  /** Digest of each file's bytes; `missing` when it could not be read. */
  readonly files: ReadonlyMap<string, string>;
  /** The YAML file names of each directory, sorted; `[]` when it could not be read. */
  readonly dirs: ReadonlyMap<string, readonly string[]>;
}

/** What to watch for a config at `configPath` whose loaded files are `files`. */
export function configScope(configPath: string, files: readonly ConfigFile[], policy?: string): ConfigScope {
  const dirs = new Set<string>();
  if (isDirectory(configPath)) dirs.add(configPath);
  for (const f of files) if (f.module !== undefined) dirs.add(f.module);
  const paths = new Set(files.map((f) => f.path));
  if (!isDirectory(configPath)) paths.add(configPath);
  if (policy !== undefined) paths.add(policy);
  return { files: [...paths].sort(), dirs: [...dirs].sort() };
}

export function takeConfigSnapshot(scope: ConfigScope, known?: ConfigSnapshot): ConfigSnapshot {
  const files = new Map<string, string>();
  for (const f of scope.files) files.set(f, known?.files.get(f) ?? digest(f));
  const dirs = new Map<string, readonly string[]>();
  for (const d of scope.dirs) dirs.set(d, known?.dirs.get(d) ?? yamlNames(d));
  return { files, dirs };
}

/** The files (and directories) that differ from the snapshot now, sorted; empty when none. */
export function changedSince(snapshot: ConfigSnapshot): string[] {
  const changed: string[] = [];
  for (const [f, was] of snapshot.files) if (digest(f) !== was) changed.push(f);
  for (const [d, was] of snapshot.dirs) {
    const now = yamlNames(d);
    if (now.length !== was.length || now.some((n, i) => n !== was[i])) changed.push(d);
  }
  return changed.sort();
}

function digest(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}

function yamlNames(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => YAML_FILE.test(n) && !isDirectory(join(dir, n)))
      .sort();
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
