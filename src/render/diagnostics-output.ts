/**
 * Prints diagnostics to stderr (or as JSON), with source lines from the config files.
 *
 * Secrets are masked before rendering, in the messages and in the source text: rendering cuts
 * long lines and long quoted values, and a secret cut in two would no longer be found (half of
 * it would be printed).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile } from '../config/config-types.js';
import { renderDiagnostics } from './diagnostic-human.js';
import type { TextOutput } from './text-output.js';

export function printDiagnostics(
  term: TextOutput,
  diags: readonly Diagnostic[],
  opts: { files?: readonly ConfigFile[]; redact?: (s: string) => string } = {},
): void {
  if (diags.length === 0) return;
  const redact = opts.redact ?? ((s: string) => s);
  const sources = new Map<string, string>();
  for (const f of opts.files ?? []) sources.set(f.path, redact(f.text));
  const masked = diags.map((d) => ({ ...d, summary: redact(d.summary), ...(d.detail !== undefined ? { detail: redact(d.detail) } : {}) }));
  const text = renderDiagnostics(masked, { color: term.color, sources });
  term.err(redact(text));
}
