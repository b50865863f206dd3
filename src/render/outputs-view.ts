/** `hl output`: one output by name (its raw value, or JSON) or all of them (lines, or one JSON object). */
import type { Value } from '../core/value.js';
import type { OutputState } from '../state/state-types.js';
import type { TextOutput } from './text-output.js';

/** One output asked for by name; with --json it is shown even when sensitive (how scripts read a secret). */
export function printOutput(term: TextOutput, o: OutputState, opts: { json: boolean }): void {
  if (opts.json) term.out(JSON.stringify(o.value) + '\n');
  else term.out((o.sensitive ? '(sensitive value)' : typeof o.value === 'string' ? o.value : JSON.stringify(o.value, null, 2)) + '\n');
}

/** Every output; sensitive values masked. */
export function printOutputs(term: TextOutput, outputs: Record<string, OutputState>, opts: { json: boolean }): void {
  if (opts.json) {
    const out: Record<string, unknown> = {};
    for (const [k, o] of Object.entries(outputs)) out[k] = { sensitive: o.sensitive, value: o.sensitive ? null : o.value };
    term.out(JSON.stringify(out) + '\n');
    return;
  }
  printOutputLines(term, outputs, (v) => JSON.stringify(v));
}

/** `name = value`, one line per output sorted by name; a sensitive one as `(sensitive value)` (hl output, and the apply summary). */
export function printOutputLines(term: TextOutput, outputs: Record<string, OutputState>, toJson: (v: Value) => string): void {
  for (const k of Object.keys(outputs).sort()) {
    const o = outputs[k]!;
    term.out(`${k} = ${o.sensitive ? '(sensitive value)' : toJson(o.value)}\n`);
  }
}
