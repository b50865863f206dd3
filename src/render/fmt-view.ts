/** `hl fmt`: the name of each file not in canonical layout, one a line, each followed by its unified diff with -diff. */
import { createTwoFilesPatch } from 'diff';
import type { TextOutput } from './text-output.js';

export function printFmtResult(
  term: TextOutput,
  changed: readonly { file: string; before: string; after: string }[],
  opts: { diff: boolean },
): void {
  for (const c of changed) {
    term.out(`${c.file}\n`);
    if (opts.diff)
      term.out(
        createTwoFilesPatch(`old/${c.file}`, `new/${c.file}`, c.before, c.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, ''),
      );
  }
}
