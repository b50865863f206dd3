/** `hl output`: one output by name (its raw value, or JSON) or all of them (lines, or one JSON object). */
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
  for (const k of Object.keys(outputs).sort()) {
    const o = outputs[k]!;
    term.out(`${k} = ${o.sensitive ? '(sensitive value)' : JSON.stringify(o.value)}\n`);
  }
}
