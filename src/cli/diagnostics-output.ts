/** Prints diagnostics to stderr (or as JSON), with source lines from the config files. */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile } from '../config/config-types.js';
import { renderDiagnostics } from '../render/diagnostic-human.js';
import type { Terminal } from './terminal.js';

export function printDiagnostics(term: Terminal, diags: readonly Diagnostic[], opts: { files?: readonly ConfigFile[]; redact?: (s: string) => string } = {}): void {
  if (diags.length === 0) return;
  const sources = new Map<string, string>();
  for (const f of opts.files ?? []) sources.set(f.path, f.text);
  const text = renderDiagnostics([...diags], { color: term.color, sources });
  term.err(opts.redact ? opts.redact(text) : text);
}
