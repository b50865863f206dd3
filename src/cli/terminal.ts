/**
 * The terminal edge: where output goes, whether it is colored, and how a yes/no question
 * is asked. Commands write only through this, so tests can capture everything.
 */
import { createInterface } from 'node:readline';

export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  /** Asks a question on the terminal; undefined when there is no interactive input. */
  ask(question: string): Promise<string | undefined>;
}

export function colorWanted(flags: { noColor?: boolean }, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flags.noColor) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return isTTY;
}

export function processTerminal(color: boolean): Terminal {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    color,
    ask: readLine,
  };
}

/** Reads one line from stdin (a TTY or a pipe); undefined at end of input. */
function readLine(question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
    let answered = false;
    process.stderr.write(question);
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line.trim());
    });
    rl.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}
