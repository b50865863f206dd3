/** What `hl state pull | push | history | migrate` and `hl state show --serial N` print. */
import type { StateVersion } from '../backend/state-backend.js';
import type { TextOutput } from './text-output.js';

/** The state file's text on standard output; warnings on standard error. */
export function printPulledState(term: TextOutput, p: { text: string | undefined; pendingIntents: number; location: string }): void {
  if (p.text === undefined) term.err(`Warning: there is no state in ${p.location} yet.\n`);
  else term.out(p.text);
  if (p.pendingIntents > 0) {
    term.err(
      `Warning: ${p.pendingIntents} operation(s) of an interrupted run are pending and not part of this state; the next "hl apply" reconciles them.\n`,
    );
  }
}

/** A stored version's text as it is. */
export function printStateText(term: TextOutput, text: string): void {
  term.out(text.endsWith('\n') ? text : `${text}\n`);
}

export function printPushed(
  term: TextOutput,
  r: { written: boolean; serial: number; raisedFrom?: number; resources: number; location: string },
): void {
  if (!r.written) {
    term.out(`${r.location} already holds this state (serial ${r.serial}); nothing was written.\n`);
    return;
  }
  const raised = r.raisedFrom !== undefined ? ` (raised from ${r.raisedFrom})` : '';
  term.out(`Pushed the state to ${r.location}: serial ${r.serial}${raised}, ${r.resources} resource(s).\n`);
}

export function printHistory(term: TextOutput, h: { versions: readonly StateVersion[]; location: string }, opts: { json: boolean }): void {
  if (opts.json) {
    term.out(`${JSON.stringify(h.versions)}\n`);
    return;
  }
  if (h.versions.length === 0) {
    term.out(`No state stored in ${h.location} yet.\n`);
    return;
  }
  const rows = [
    ['SERIAL', 'TIME', 'WHO', 'HL', 'RESOURCES', 'SHA256'],
    ...h.versions.map((v) => [
      String(v.serial),
      v.createdAt,
      v.createdBy ?? '-',
      v.hlVersion || '-',
      String(v.resources),
      v.sha256.slice(0, 12),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) term.out(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
}

export interface MigrationReport {
  workspace: string;
  from: { kind: string; location: string };
  to: { kind: string; location: string };
  serial: number;
  raisedFrom?: number;
  resources: number;
  outputs: number;
  journalRecords: number;
  pendingIntents: number;
}

export function printMigrated(term: TextOutput, m: MigrationReport): void {
  const raised = m.raisedFrom !== undefined ? ` (raised from ${m.raisedFrom} above the state replaced)` : '';
  term.out(
    `Copied workspace "${m.workspace}" from the ${m.from.kind} backend (${m.from.location}) to the ${m.to.kind} backend (${m.to.location}):\n` +
      `  state serial ${m.serial}${raised}, ${m.resources} resource(s), ${m.outputs} output(s)\n` +
      `  journal: ${m.journalRecords} record(s), ${m.pendingIntents} pending operation(s)\n` +
      `Read back and checked. The source was left as it was.\n` +
      `To use the ${m.to.kind} backend from now on, set hl.backend in the config (or HL_BACKEND=${m.to.kind}).\n`,
  );
}
