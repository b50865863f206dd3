#!/usr/bin/env node
/**
 * The `hl` executable: wires the process (argv, stdout/stderr, environment, signals and every
 * other exit path, see process-exit-paths.ts) to runCli. The first Ctrl-C asks the running
 * command to stop cleanly; a second exits at once. The built-in providers and emulators are
 * wired here (builtin-registries.ts), each loaded only when a command asks for it, and so is
 * the one change of working directory hl makes (-chdir=DIR, asked for by runCli).
 */
import { builtinEmulators, builtinProviders } from './builtin-registries.js';
import { installExitPaths } from './process-exit-paths.js';
import { runCli } from './run-cli.js';
import { processTerminal } from './terminal.js';

const onInterrupt = installExitPaths(process.env);
const code = await runCli(process.argv.slice(2), {
  term: processTerminal(),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  onInterrupt,
  providers: builtinProviders(),
  emulators: builtinEmulators(),
  chdir: (dir) => process.chdir(dir),
});
process.exitCode = code;
// Open handles (sockets of embedded emulators, timers) must not keep a finished command alive.
setTimeout(() => process.exit(code), 50).unref();
