/** `hl validate`'s result for people: the diagnostics and a success line (`--json` is render/json-ui-lines.ts). */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile } from '../config/config-types.js';
import { printDiagnostics } from './diagnostics-output.js';
import type { TextOutput } from './text-output.js';

export function printValidation(term: TextOutput, r: { files: readonly ConfigFile[]; diagnostics: Diagnostic[] }, ok: boolean): void {
  printDiagnostics(term, r.diagnostics, { files: r.files });
  if (ok) term.out('Success! The configuration is valid.\n');
}
