/**
 * The lines of an apply or destroy around its progress: the question before it starts, the
 * answer that cancels it, the interrupted operations of an earlier run it recovered, what a
 * Ctrl-C does, and the summary at the end (with the outputs).
 */
import type { ApplyResult } from '../apply/executor.js';
import type { Recovery } from '../apply/reconcile-journal.js';
import type { Redactor } from '../core/redact.js';
import type { Plan } from '../plan/plan-types.js';
import type { OutputState } from '../state/state-types.js';
import { printOutputLines } from './outputs-view.js';
import { palette } from './palette.js';
import type { TextOutput } from './text-output.js';
import { checkResultLines } from './check-results-human.js';

export function confirmQuestion(mode: 'apply' | 'destroy'): string {
  return `\n${mode === 'destroy' ? 'Destroy all these resources?' : 'Apply these changes?'} Only "yes" is accepted: `;
}

export function printCancelled(term: TextOutput, noInput: boolean): void {
  term.err(
    noInput
      ? '\nNo answer on standard input: nothing was changed. Use --auto-approve to apply without asking.\n'
      : '\nApply cancelled: nothing was changed.\n',
  );
}

export function recoveredText(r: Recovery): string {
  return `Recovered an interrupted ${r.operation} of ${r.address}: ${r.result}${r.id ? ` (id ${r.id})` : ''}`;
}

export function printRecovered(term: TextOutput, r: Recovery): void {
  term.err(`${recoveredText(r)}\n`);
}

export const STOPPING_TEXT =
  'Interrupt received: no new operations will start; waiting for those in flight to finish. Press Ctrl-C again to exit at once.';

export function printStopping(term: TextOutput): void {
  term.err(`\n${STOPPING_TEXT}\n`);
}

/** How a run ended: stopped by an interrupt, with failures, or complete. */
export type ApplyStatus = 'interrupted' | 'failed' | 'complete';

export interface ApplySummary {
  mode: Plan['mode'];
  result: Pick<ApplyResult, 'counts' | 'checks'>;
  /** Drift recorded without changes: a complete run says nothing. */
  quiet: boolean;
  outputs: Record<string, OutputState>;
  redact: Redactor;
}

/** `1 imported, 0 added, 1 changed, 0 replaced, 0 destroyed, 1 moved, 1 forgotten` (the first and last two only when any). */
function resourceCounts(n: ApplyResult['counts']): string {
  return [
    ...(n.imported ? [`${n.imported} imported`] : []),
    `${n.added} added, ${n.changed} changed, ${n.replaced} replaced, ${n.destroyed} destroyed`,
    ...(n.moved ? [`${n.moved} moved`] : []),
    ...(n.forgotten ? [`${n.forgotten} forgotten`] : []),
  ].join(', ');
}

/** `Apply interrupted: ...; N not started. State is saved.` */
export function applyStoppedText(mode: Plan['mode'], n: ApplyResult['counts']): string {
  const verb = mode === 'destroy' ? 'Destroy' : 'Apply';
  return `${verb} interrupted: ${n.added} added, ${n.changed} changed, ${n.replaced} replaced, ${n.destroyed} destroyed; ${n.notStarted} not started. State is saved.`;
}

/** `Apply failed. Resources: ...; N failed, M skipped.` */
export function applyFailedText(mode: Plan['mode'], n: ApplyResult['counts']): string {
  return `${mode === 'destroy' ? 'Destroy' : 'Apply'} failed. Resources: ${resourceCounts(n)}; ${n.failed} failed, ${n.skipped} skipped.`;
}

export function printApplySummary(term: TextOutput, s: ApplySummary, status: ApplyStatus): void {
  const c = palette(term.color);
  const n = s.result.counts;
  const verb = s.mode === 'destroy' ? 'Destroy' : 'Apply';
  const checks = checkResultLines(s.result.checks ?? [], c, 'apply');
  if (checks.length > 0 && status !== 'interrupted') term.out(`\n${s.redact(checks.join('\n'))}\n`);
  if (status === 'interrupted') {
    term.err(`\n${applyStoppedText(s.mode, n)}\n`);
    return;
  }
  if (status === 'failed') {
    term.out(`\n${c.redBold(`${verb} failed.`)} Resources: ${resourceCounts(n)}; ${n.failed} failed, ${n.skipped} skipped.\n`);
    return;
  }
  if (s.quiet) return;
  term.out(`\n${c.greenBold(`${verb} complete!`)} Resources: ${resourceCounts(n)}.\n`);
  if (Object.keys(s.outputs).length > 0 && s.mode !== 'destroy') {
    term.out('\nOutputs:\n\n');
    printOutputLines(term, s.outputs, (v) => s.redact.value(v));
  }
}
