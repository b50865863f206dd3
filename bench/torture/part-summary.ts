/** The result of one torture part, and its one-line summary. */

export interface PartSummary {
  /** e.g. `crash fake`, `faults proxmox transient-500 30%`. */
  part: string;
  trials: number;
  /** Trials with at least one problem. */
  failures: number;
  orphans: number;
  corruptStates: number;
  /** One line per failed trial: what went wrong, and where to look. */
  details: string[];
  seconds: number;
  /** What the part measured beyond the counts, e.g. its slowest run and largest memory. */
  measured?: string;
}

export function emptySummary(part: string): PartSummary {
  return { part, trials: 0, failures: 0, orphans: 0, corruptStates: 0, details: [], seconds: 0 };
}

export function summaryLine(s: PartSummary): string {
  const verdict = s.failures === 0 && s.orphans === 0 && s.corruptStates === 0 ? 'ok  ' : 'FAIL';
  return (
    `${verdict} ${s.part.padEnd(56)} trials ${String(s.trials).padStart(4)}  failures ${String(s.failures).padStart(3)}  ` +
    `orphans ${String(s.orphans).padStart(3)}  corrupt states ${String(s.corruptStates).padStart(3)}  (${s.seconds.toFixed(1)} s${s.measured ? `; ${s.measured}` : ''})`
  );
}

/** Adds one trial's outcome to `s`. */
export function recordTrial(
  s: PartSummary,
  outcome: { problems: string[]; orphans?: number; corrupt?: boolean; label: string; dir?: string },
): void {
  s.trials++;
  s.orphans += outcome.orphans ?? 0;
  if (outcome.corrupt) s.corruptStates++;
  if (outcome.problems.length === 0) return;
  s.failures++;
  s.details.push(`${outcome.label}: ${outcome.problems.join('; ')}${outcome.dir ? ` [kept ${outcome.dir}]` : ''}`);
}

/** Whether a part has failed often enough to stop (saying so in its details). */
export function stopEarly(s: PartSummary, maxFailures = 10): boolean {
  if (s.failures < maxFailures) return false;
  if (!s.details.at(-1)?.startsWith('stopped')) s.details.push(`stopped after ${s.failures} failed trials`);
  return true;
}
