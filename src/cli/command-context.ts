/** What every command receives: the parsed command line, the terminal, the environment and the registries wired at the entry point. */
import type { EmulatorRegistry } from '../engine/emulator-registry.js';
import type { ProviderRegistry } from '../engine/provider-registry.js';
import type { RunLog } from '../engine/run-log.js';
import type { ParsedCommand } from './args.js';
import type { Terminal } from './terminal.js';

/** The signals a running command may listen for instead of exiting at once. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface CommandContext {
  cmd: ParsedCommand;
  term: Terminal;
  env: NodeJS.ProcessEnv;
  /** Registers a handler for Ctrl-C (and SIGTERM, SIGHUP: it is told which); returns a function that removes it. */
  onInterrupt(handler: (signal: InterruptSignal) => void): () => void;
  providers: ProviderRegistry;
  emulators: EmulatorRegistry;
  /** The provider call log (HL_LOG); absent, nothing is logged. */
  log?: RunLog;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;
export const EXIT_POLICY = 3;
export const EXIT_INTERRUPTED = 130;
