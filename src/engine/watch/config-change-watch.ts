/**
 * Wakes `hl watch` soon after a config file changes: an `fs.watch` on each directory holding
 * the config's files (a directory, not the file, so a file replaced by a rename stays
 * watched) and, for a file that is a symbolic link, the directory of each link it goes
 * through (a Kubernetes ConfigMap volume changes by swapping its `..data` link, never a file
 * in place), and `onEvent` once the events have been quiet for `debounceMs`. Whether anything
 * really changed, the caller decides by comparing contents (config-snapshot.ts); the cycle
 * compares them anyway before it starts, so an event this misses (a file system without
 * inotify, a watch that could not be set) delays a reload by at most one interval. The
 * watches keep no process alive.
 */
import { lstatSync, readlinkSync, watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ConfigScope } from './config-snapshot.js';

export interface ConfigChangeWatch {
  close(): void;
}

export const DEFAULT_DEBOUNCE_MS = 300;

export function watchConfigChanges(scope: ConfigScope, onEvent: () => void, debounceMs = DEFAULT_DEBOUNCE_MS): ConfigChangeWatch {
  const dirs = new Set<string>(scope.dirs);
  for (const f of scope.files) for (const d of linkDirs(f)) dirs.add(d);
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onEvent();
    }, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const d of dirs) {
    try {
      const w = watch(d, { persistent: false }, fire);
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // not watchable (gone, no permission, no inotify watches left): the per-cycle comparison still sees changes
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}

/** The directory of `path` and, while it is a symbolic link, of each link it leads through (at most 8). */
function linkDirs(path: string): string[] {
  const dirs = [dirname(path)];
  let at = path;
  for (let hop = 0; hop < 8; hop++) {
    try {
      if (!lstatSync(at).isSymbolicLink()) break;
      at = resolve(dirname(at), readlinkSync(at));
    } catch {
      break;
    }
    dirs.push(dirname(at));
  }
  return dirs;
}
