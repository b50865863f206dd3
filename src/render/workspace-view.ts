/** What `hl workspace list | new | select | show | delete` print. */
import type { TextOutput } from './text-output.js';

export interface WorkspaceRow {
  name: string;
  serial: number;
  resources: number;
  selected: boolean;
}

/** One line each, the selected one marked with `*`; JSON: `{ selected, workspaces }`. */
export function printWorkspaces(
  term: TextOutput,
  list: { workspaces: readonly WorkspaceRow[]; selected: string },
  opts: { json: boolean },
): void {
  if (opts.json) {
    term.out(`${JSON.stringify({ selected: list.selected, workspaces: list.workspaces })}\n`);
    return;
  }
  const width = Math.max(...list.workspaces.map((w) => w.name.length));
  for (const w of list.workspaces) {
    const detail = w.serial === 0 ? 'no state' : `serial ${w.serial}, ${w.resources} resource${w.resources === 1 ? '' : 's'}`;
    term.out(`${w.selected ? '*' : ' '} ${w.name.padEnd(width)}  ${detail}\n`);
  }
}

export function printWorkspaceName(term: TextOutput, name: string): void {
  term.out(`${name}\n`);
}

/** After `new` or `select`; `fromEnv`: HL_WORKSPACE is set and still wins over the selection. */
export function printWorkspaceSelected(term: TextOutput, r: { name: string; fromEnv: boolean }, created: boolean): void {
  term.out(created ? `Created and selected workspace "${r.name}". Its state is empty.\n` : `Selected workspace "${r.name}".\n`);
  if (r.fromEnv) term.err('Warning: HL_WORKSPACE is set and overrides the selection while it is.\n');
}

export function printWorkspaceDeleted(term: TextOutput, r: { name: string; resources: number; pendingIntents: number }): void {
  term.out(`Deleted workspace "${r.name}".\n`);
  if (r.resources > 0 || r.pendingIntents > 0) {
    term.err(
      `Warning: its state held ${r.resources} resource(s) and ${r.pendingIntents} pending operation(s), now forgotten; the objects themselves were not touched.\n`,
    );
  }
}
