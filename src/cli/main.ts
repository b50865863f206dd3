#!/usr/bin/env node
/**
 * The `hl` executable: wires the process (argv, stdout/stderr, environment, signals) to
 * runCli. The first Ctrl-C asks the running command to stop cleanly; a second exits at once.
 */
import { runCli } from './run-cli.js';
import { processTerminal } from './terminal.js';

const handlers = new Set<() => void>();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1 || handlers.size === 0) process.exit(130);
  for (const h of handlers) h();
});
process.on('SIGTERM', () => {
  if (handlers.size === 0) process.exit(143);
  for (const h of handlers) h();
});

const code = await runCli(process.argv.slice(2), {
  term: processTerminal,
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  onInterrupt: (h) => {
    handlers.add(h);
    return () => handlers.delete(h);
  },
});
process.exitCode = code;
// Open handles (sockets of embedded emulators, timers) must not keep a finished command alive.
setTimeout(() => process.exit(code), 50).unref();
