/**
 * Dispatches a command line to its command and turns every user error into a printed
 * diagnostic and exit code 1. An unexpected exception is a bug in hl: it is reported as
 * such, with the stack trace only when HL_DEBUG is set. Nothing is loaded that the command
 * line does not ask for: a command's module when it runs, the diagnostics view when there is
 * a diagnostic to print, so `hl --help` loads the argument parser and the help text only.
 */
import { DiagnosticsError, error, type Diagnostic } from '../core/diagnostic.js';
import type { EmulatorProfiles, EmulatorRegistry } from '../engine/emulator-registry.js';
import type { ProviderRegistry } from '../engine/provider-registry.js';
import type { RunLog } from '../engine/run-log.js';
import { parseCommandLine } from './args.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from './command-context.js';
import { HL_VERSION } from '../version.js';
import { helpText } from './help-text.js';
import { colorWanted, type Terminal } from './terminal.js';

export interface CliIo {
  term: (color: boolean) => Terminal;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  onInterrupt: CommandContext['onInterrupt'];
  /** The provider types hl knows, wired at the entry point. */
  providers: ProviderRegistry;
  /** The emulators `hl emulate` runs, wired at the entry point. */
  emulators: EmulatorRegistry;
  /** The releases each emulator plays, for `hl version` (none when not wired). */
  emulatorProfiles?: () => Promise<EmulatorProfiles[]>;
  /** Makes DIR the working directory of the process (-chdir=DIR); throws as process.chdir does. */
  chdir(dir: string): void;
  /** The provider call log (HL_LOG), made from the environment at the entry point. */
  log?: RunLog;
}

/** Each command's module is loaded only when it runs, so `hl --help` starts fast. */
const COMMANDS: Record<string, (ctx: CommandContext) => Promise<number>> = {
  plan: async (ctx) => (await import('./commands/plan-command.js')).planCommand(ctx),
  // Terraform's `apply -destroy` is hl destroy
  apply: async (ctx) => (await import('./commands/apply-command.js')).applyCommand(ctx, ctx.cmd.options.destroy),
  destroy: async (ctx) => (await import('./commands/apply-command.js')).applyCommand(ctx, true),
  validate: async (ctx) => (await import('./commands/validate-command.js')).validateCommand(ctx),
  graph: async (ctx) => (await import('./commands/graph-command.js')).graphCommand(ctx),
  output: async (ctx) => (await import('./commands/output-command.js')).outputCommand(ctx),
  show: async (ctx) => (await import('./commands/show-command.js')).showCommand(ctx),
  import: async (ctx) => (await import('./commands/import-command.js')).importCommand(ctx),
  state: async (ctx) => (await import('./commands/state-command.js')).stateCommand(ctx),
  workspace: async (ctx) => (await import('./commands/workspace-command.js')).workspaceCommand(ctx),
  'force-unlock': async (ctx) => (await import('./commands/force-unlock-command.js')).forceUnlockCommand(ctx),
  emulate: async (ctx) => (await import('./commands/emulate-command.js')).emulateCommand(ctx),
  docs: async (ctx) => (await import('./commands/docs-command.js')).docsCommand(ctx),
  placement: async (ctx) => (await import('./commands/placement-command.js')).placementCommand(ctx),
  watch: async (ctx) => (await import('./commands/watch-command.js')).watchCommand(ctx),
  completion: async (ctx) => (await import('./commands/completion-command.js')).completionCommand(ctx),
  complete: async (ctx) => (await import('./commands/completion-command.js')).completeCommand(ctx),
  fmt: async (ctx) => (await import('./commands/fmt-command.js')).fmtCommand(ctx),
  console: async (ctx) => (await import('./commands/console-command.js')).consoleCommand(ctx),
  providers: async (ctx) => (await import('./commands/providers-command.js')).providersCommand(ctx),
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const { parsed, diagnostics } = parseCommandLine(argv);
  const term = io.term(colorWanted({ noColor: parsed?.options.color === false }, io.env, io.isTTY));
  if (!parsed || diagnostics.some((d) => d.severity === 'error')) {
    await printDiagnostics(term, diagnostics);
    return EXIT_ERROR;
  }
  if (parsed.command === 'help' || parsed.options.help) {
    term.out(helpText(parsed.command === 'help' ? parsed.args[0] : parsed.command));
    return EXIT_OK;
  }
  if (parsed.command === 'version') {
    const emulators = (await io.emulatorProfiles?.()) ?? [];
    const { printVersion } = await import('../render/version-view.js');
    printVersion(
      term,
      { hl: HL_VERSION, node: process.version, platform: `${process.platform}_${process.arch}`, emulators },
      parsed.options,
    );
    return EXIT_OK;
  }
  if (parsed.options.chdir !== undefined) {
    const problem = changeDirectory(io, parsed.options.chdir);
    if (problem) {
      await printDiagnostics(term, [problem]);
      return EXIT_ERROR;
    }
  }
  const ctx: CommandContext = {
    cmd: parsed,
    term,
    env: io.env,
    onInterrupt: io.onInterrupt,
    providers: io.providers,
    emulators: io.emulators,
    ...(io.log ? { log: io.log } : {}),
  };
  try {
    return await COMMANDS[parsed.command]!(ctx);
  } catch (e) {
    if (e instanceof DiagnosticsError) {
      await printDiagnostics(term, e.diagnostics);
      return EXIT_ERROR;
    }
    const err = e as Error;
    term.err(
      `Error: internal error in hl: ${err?.message ?? String(e)}\n\nThis is a bug in hl, not in your configuration. State was not changed by this error.\n`,
    );
    if (io.env['HL_DEBUG']) term.err(`${err?.stack ?? ''}\n`);
    else term.err('Run again with HL_DEBUG=1 to see the stack trace for a bug report.\n');
    return EXIT_ERROR;
  }
}

/** Prints diagnostics with the diagnostics view, loaded on first use. */
async function printDiagnostics(term: Terminal, diagnostics: Diagnostic[]): Promise<void> {
  (await import('../render/diagnostics-output.js')).printDiagnostics(term, diagnostics);
}

/**
 * -chdir=DIR: the rest of the run happens as if hl was started in DIR (the config, the
 * state, .hl/, --var-file and every other relative path), as Terraform's -chdir does.
 */
function changeDirectory(io: CliIo, dir: string): Diagnostic | undefined {
  try {
    io.chdir(dir);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'ENOTDIR'
          ? 'it is not a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (e as Error).message;
    return error(`Cannot run in directory "${dir}" (-chdir): ${why}`);
  }
}
