/**
 * `hl output` and the `Outputs:` block after apply, as Terraform prints them: one
 * `name = value` per output, the value in HCL form (lists and maps over several lines),
 * a sensitive one as `<sensitive>`; `-raw` for a bare string, number or bool; `-json`.
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import { isUnknown, isValueMap, type Value } from '../core/value.js';
import type { OutputState } from '../state/state-types.js';
import { KNOWN_AFTER_APPLY } from './format-value.js';
import type { TextOutput } from './text-output.js';

/** How Terraform shows a sensitive output in the `Outputs:` block and in `terraform output`. */
export const SENSITIVE_OUTPUT = '<sensitive>';

/**
 * A value in HCL form, as `terraform output` writes it: strings quoted (a multi-line one as a
 * heredoc), lists and maps one element per line with two spaces more than `indent`, lists
 * with a trailing comma, map keys quoted.
 */
export function formatOutputValue(v: Value, indent = ''): string {
  if (v === null) return 'null';
  if (isUnknown(v)) return KNOWN_AFTER_APPLY;
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => `${inner}${formatOutputValue(x, inner)},\n`).join('')}${indent}]`;
  }
  if (isValueMap(v)) {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)} = ${formatOutputValue(v[k]!, inner)}\n`).join('')}${indent}}`;
  }
  if (typeof v === 'string') {
    if (!v.includes('\n')) return JSON.stringify(v);
    const body = v.endsWith('\n') ? v : `${v}\n`;
    return `<<EOT\n${body}EOT`;
  }
  return String(v);
}

/** One output asked for by name: its HCL form (sensitive masked), or JSON (shown even when sensitive: how scripts read a secret). */
export function printOutput(term: TextOutput, o: OutputState, opts: { json: boolean }): void {
  if (opts.json) term.out(JSON.stringify(o.value) + '\n');
  else term.out((o.sensitive ? SENSITIVE_OUTPUT : formatOutputValue(o.value)) + '\n');
}

/**
 * `hl output -raw NAME`: a string, number or bool as it is, with no newline after it (as
 * Terraform, and shown even when sensitive); anything else is refused, naming its type.
 */
export function rawOutput(name: string, o: OutputState): { text: string } | { diagnostic: Diagnostic } {
  const v = o.value;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { text: String(v) };
  const kind = v === null ? 'null' : Array.isArray(v) ? 'a list' : isUnknown(v) ? 'not known yet' : 'a map';
  return {
    diagnostic: error(
      `Unsupported value for raw output: output "${name}" is ${kind}`,
      undefined,
      'The -raw option only prints strings, numbers and bools; use -json for lists, maps and null.',
    ),
  };
}

/** Every output; sensitive values masked. */
export function printOutputs(term: TextOutput, outputs: Record<string, OutputState>, opts: { json: boolean }): void {
  if (opts.json) {
    const out: Record<string, unknown> = {};
    for (const [k, o] of Object.entries(outputs)) out[k] = { sensitive: o.sensitive, value: o.sensitive ? null : o.value };
    term.out(JSON.stringify(out) + '\n');
    return;
  }
  printOutputLines(term, outputs);
}

/**
 * `name = value`, sorted by name, the value in HCL form over several lines when it is a list
 * or map; a sensitive one as `<sensitive>` (hl output, and the `Outputs:` block after apply).
 * `redact` masks secrets a non-sensitive value may still hold.
 */
export function printOutputLines(term: TextOutput, outputs: Record<string, OutputState>, redact: (v: Value) => Value = (v) => v): void {
  for (const k of Object.keys(outputs).sort()) {
    const o = outputs[k]!;
    term.out(`${k} = ${o.sensitive ? SENSITIVE_OUTPUT : formatOutputValue(redact(o.value))}\n`);
  }
}
