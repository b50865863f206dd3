#!/usr/bin/env node
/**
 * The `hl` executable: wires the process (argv, stdout/stderr, environment, signals and every
 * other exit path, see process-exit-paths.ts) to runCli. The first Ctrl-C asks the running
 * command to stop cleanly; a second exits at once. The built-in providers and emulators are
 * wired here (builtin-registries.ts), each loaded only when a command asks for it, and so is
 * the one change of working directory hl makes (-chdir=DIR, asked for by runCli), and the
 * provider call log HL_LOG and HL_LOG_PATH ask for (run-log.ts).
 */
import { builtinEmulatorProfiles, builtinEmulators, builtinProviders } from './builtin-registries.js';
import { installExitPaths } from './process-exit-paths.js';
import { runCli } from './run-cli.js';
import { openRunLog } from './run-log.js';
import { processTerminal } from './terminal.js';

const onInterrupt = installExitPaths(process.env);
// HL_LOG / HL_LOG_PATH: the provider call log (run-log.ts)
const runLog = await openRunLog(process.env, (line) => process.stderr.write(line));
if (runLog.problem) process.stderr.write(`Warning: ${runLog.problem}\n`);
const code = await runCli(process.argv.slice(2), {
  term: processTerminal(),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  onInterrupt,
  providers: builtinProviders(),
  emulators: builtinEmulators(),
  emulatorProfiles: builtinEmulatorProfiles,
  chdir: (dir) => process.chdir(dir),
  ...(runLog.log ? { log: runLog.log } : {}),
});
runLog.close();
process.exitCode = code;
// Open handles (sockets of embedded emulators, timers) must not keep a finished command alive.
setTimeout(() => process.exit(code), 50).unref();
