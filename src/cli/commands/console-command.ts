/**
 * `hl console`: reads expressions from standard input, one a line, and prints each value
 * (as `terraform console`); an error for one line is printed and the next lines go on. Exit
 * code 1 when any line failed. Nothing is contacted, locked or written.
 */
import { createInterface } from 'node:readline';
import { openConsole } from '../../engine/console-operation.js';
import { formatConsoleValue } from '../../render/console-view.js';
import { printDiagnostics } from '../../render/diagnostics-output.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { variableSources, workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function consoleCommand(ctx: CommandContext): Promise<number> {
  const session = await openConsole(workspaceOptions(ctx), terminalEvents(ctx.term), variableSources(ctx));
  if (!session) return EXIT_ERROR;
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, terminal: false });
  let failed = false;
  let n = 0;
  if (interactive) process.stderr.write('> ');
  for await (const line of rl) {
    n++;
    const text = line.trim();
    if (text === 'exit' && interactive) break;
    if (text !== '' && !text.startsWith('#')) {
      const r = session.evaluate(text, n);
      if (r.diagnostics.length > 0) {
        failed ||= r.diagnostics.some((d) => d.severity === 'error');
        printDiagnostics(ctx.term, r.diagnostics, { redact: session.redact });
      } else ctx.term.out(`${session.redact(formatConsoleValue(r.value, r.sensitivePaths))}\n`);
    }
    if (interactive) process.stderr.write('> ');
  }
  rl.close();
  return failed ? EXIT_ERROR : EXIT_OK;
}
