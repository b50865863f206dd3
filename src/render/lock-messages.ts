/** What is said on stderr while a state lock is waited for, taken over or removed. */
import type { TextOutput } from './text-output.js';

export function lockWaitText(holder: string | undefined): string {
  return `Waiting for the state lock held by ${holder ?? 'an unknown holder'}...`;
}

export function staleLockTakeoverText(holder: string): string {
  return `Took over a stale state lock left by ${holder} (that process is gone).`;
}

export function printLockWait(term: TextOutput, holder: string | undefined): void {
  term.err(`${lockWaitText(holder)}\n`);
}

export function printStaleLockTakeover(term: TextOutput, holder: string): void {
  term.err(`${staleLockTakeoverText(holder)}\n`);
}

export function printUnlocked(term: TextOutput, id: string, holder: string): void {
  term.out(`Removed the state lock ${id} held by ${holder}.\n`);
}
