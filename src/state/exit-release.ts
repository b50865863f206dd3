/**
 * What a process that ends must still remove from disk, as the code that leaves it there
 * while it runs declares it: state-lock.ts registers its release (locks, `.lock.break`
 * files, temp files) the first time it holds one of them. The exit paths run whatever was
 * registered, so a command that never held anything (`hl --help`, `hl validate`) does not
 * load the lock code to find there is nothing to remove.
 */

const releases = new Set<() => void>();

/** Adds `release` (synchronous, never throwing) to what `releaseAllOnExit` runs; once per function. */
export function releaseOnExit(release: () => void): void {
  releases.add(release);
}

/** Runs every release registered so far, synchronously: for exit handlers, where nothing can be awaited. */
export function releaseAllOnExit(): void {
  for (const release of releases) release();
}
