/** `hl validate`'s result: the JSON document, or the diagnostics and a success line for people. */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile } from '../config/config-types.js';
import { diagnosticsToJson } from './diagnostic-json.js';
import { printDiagnostics } from './diagnostics-output.js';
import type { TextOutput } from './text-output.js';

export function printValidation(
  term: TextOutput,
  r: { files: readonly ConfigFile[]; diagnostics: Diagnostic[] },
  ok: boolean,
  opts: { json: boolean },
): void {
  if (opts.json) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    term.out(
      JSON.stringify({ format_version: '1.0', valid: ok, error_count: errors, diagnostics: diagnosticsToJson(r.diagnostics) }) + '\n',
    );
    return;
  }
  printDiagnostics(term, r.diagnostics, { files: r.files });
  if (ok) term.out('Success! The configuration is valid.\n');
}
