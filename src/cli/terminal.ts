/**
 * The terminal edge: where output goes, whether it is colored, and how a yes/no question
 * is asked. Commands write only through this, so tests can capture everything.
 */
import type { TextOutput } from '../render/text-output.js';

export interface Terminal extends TextOutput {
  /** Asks a question on the terminal; undefined when there is no interactive input. */
  ask(question: string): Promise<string | undefined>;
}

export function colorWanted(flags: { noColor?: boolean }, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flags.noColor) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return isTTY;
}

/**
 * The process's stdout and stderr as a Terminal factory. A reader that goes away
 * (`hl state list | head`: EPIPE) turns that stream into a sink: the command goes on and
 * ends as it would have, quietly, and never dies of the write error. Call once per process.
 */
export function processTerminal(): (color: boolean) => Terminal {
  const out = guardedStream(process.stdout);
  const err = guardedStream(process.stderr);
  return (color) => ({ out, err, color, ask: readLine });
}

/** Error codes of a stream whose reader has gone. */
const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ECONNRESET']);

function guardedStream(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    // a closed pipe is how a reader says it has seen enough; anything else is worth a line
    if (!READER_GONE.has(e.code ?? '') && stream !== process.stderr) {
      process.stderr.write(`Warning: cannot write to standard output any more (${e.message}); going on without it.\n`);
    }
  });
  return (text) => {
    if (closed || stream.destroyed) return;
    stream.write(text);
  };
}

/**
 * Reads one line from stdin (a TTY or a pipe); undefined at end of input. node:readline is
 * loaded for the first question, not at start-up (about 10 ms of every run otherwise).
 */
async function readLine(question: string): Promise<string | undefined> {
  const { createInterface } = await import('node:readline');
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
