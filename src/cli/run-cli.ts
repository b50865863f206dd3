/**
 * Dispatches a command line to its command and turns every user error into a printed
 * diagnostic and exit code 1. An unexpected exception is a bug in hl: it is reported as
 * such, with the stack trace only when HL_DEBUG is set.
 */
import { DiagnosticsError } from '../core/diagnostic.js';
import { parseCommandLine } from './args.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from './command-context.js';
import { applyCommand } from './commands/apply-command.js';
import { docsCommand } from './commands/docs-command.js';
import { forceUnlockCommand } from './commands/force-unlock-command.js';
import { graphCommand } from './commands/graph-command.js';
import { importCommand } from './commands/import-command.js';
import { outputCommand } from './commands/output-command.js';
import { planCommand } from './commands/plan-command.js';
import { showCommand } from './commands/show-command.js';
import { stateCommand } from './commands/state-command.js';
import { validateCommand } from './commands/validate-command.js';
import { emulateCommand } from './commands/emulate-command.js';
import { printDiagnostics } from './diagnostics-output.js';
import { helpText, HL_VERSION } from './help-text.js';
import { colorWanted, type Terminal } from './terminal.js';

export interface CliIo {
  term: (color: boolean) => Terminal;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  onInterrupt: CommandContext['onInterrupt'];
}

const COMMANDS: Record<string, (ctx: CommandContext) => Promise<number>> = {
  plan: planCommand,
  apply: (ctx) => applyCommand(ctx, false),
  destroy: (ctx) => applyCommand(ctx, true),
  validate: validateCommand,
  graph: graphCommand,
  output: outputCommand,
  show: showCommand,
  import: importCommand,
  state: stateCommand,
  'force-unlock': forceUnlockCommand,
  emulate: emulateCommand,
  docs: docsCommand,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const { parsed, diagnostics } = parseCommandLine(argv);
  const term = io.term(colorWanted({ noColor: parsed?.options.color === false }, io.env, io.isTTY));
  if (!parsed || diagnostics.some((d) => d.severity === 'error')) {
    printDiagnostics(term, diagnostics);
    return EXIT_ERROR;
  }
  if (parsed.command === 'help' || parsed.options.help) {
    term.out(helpText(parsed.command === 'help' ? parsed.args[0] : parsed.command));
    return EXIT_OK;
  }
  if (parsed.command === 'version') {
    term.out(parsed.options.json ? JSON.stringify({ hl_version: HL_VERSION, node: process.version }) + '\n' : `hl ${HL_VERSION}\n`);
    return EXIT_OK;
  }
  const ctx: CommandContext = { cmd: parsed, term, env: io.env, onInterrupt: io.onInterrupt };
  try {
    return await COMMANDS[parsed.command]!(ctx);
  } catch (e) {
    if (e instanceof DiagnosticsError) {
      printDiagnostics(term, e.diagnostics);
      return EXIT_ERROR;
    }
    const err = e as Error;
    term.err(`Error: internal error in hl: ${err?.message ?? String(e)}\n\nThis is a bug in hl, not in your configuration. State was not changed by this error.\n`);
    if (io.env['HL_DEBUG']) term.err(`${err?.stack ?? ''}\n`);
    else term.err('Run again with HL_DEBUG=1 to see the stack trace for a bug report.\n');
    return EXIT_ERROR;
  }
}
