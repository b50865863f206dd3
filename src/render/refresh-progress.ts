/**
 * What a plan shows before it: the embedded emulators the run talks to, once at the top, and
 * the refresh's progress, as Terraform shows it — a line per resource for a small state
 * (`proxmox_vm.opnsense: Refreshing state... [id=pve/101]`), and for a large one a count
 * (`Refreshing state... [120/400]`) at most once a second, the first and the last always;
 * a blank line after the last.
 * Pure: the clock comes in.
 */
import { palette } from './palette.js';
import type { TextOutput } from './text-output.js';

/** One read of the refresh, as it starts: the `n`th of `total`. */
export interface RefreshRead {
  address: string;
  id: string;
  n: number;
  total: number;
}

/** States with more resources than this show a count instead of a line per resource. */
export const PER_RESOURCE_LINES_UP_TO = 50;

/** How often a count is shown, at most. */
export const COUNT_INTERVAL_MS = 1000;

/** `Using embedded emulators for: proxmox, maas (state of the emulated homelab in examples/.hl/)`. */
export function emulatorsLine(instances: readonly string[], workDir: string): string {
  const dir = workDir.endsWith('/') ? workDir : `${workDir}/`;
  return `Using embedded emulators for: ${instances.join(', ')} (state of the emulated homelab in ${dir})\n`;
}

export function printEmulators(out: TextOutput, instances: readonly string[], workDir: string): void {
  out.out(`${emulatorsLine(instances, workDir)}\n`);
}

export interface RefreshProgressOptions {
  /** Milliseconds from any fixed origin. */
  now(): number;
  perResourceUpTo?: number;
  intervalMs?: number;
}

/** The refresh's progress on `out`: call it with each read as it starts. */
export function refreshProgressView(out: TextOutput, opts: RefreshProgressOptions): (read: RefreshRead) => void {
  const upTo = opts.perResourceUpTo ?? PER_RESOURCE_LINES_UP_TO;
  const interval = opts.intervalMs ?? COUNT_INTERVAL_MS;
  const c = palette(out.color);
  let lastShown: number | undefined;
  return (read) => {
    // after the last read's line, a blank one sets the plan apart
    const end = read.n === read.total ? '\n' : '';
    if (read.total <= upTo) {
      out.out(`${c.bold(read.address)}: Refreshing state... [id=${read.id}]\n${end}`);
      return;
    }
    const now = opts.now();
    if (lastShown !== undefined && read.n !== read.total && now - lastShown < interval) return;
    lastShown = now;
    out.out(`Refreshing state... [${read.n}/${read.total}]\n${end}`);
  };
}
