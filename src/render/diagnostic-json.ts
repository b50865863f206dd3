/**
 * Diagnostics as JSON, in the shape Terraform uses for `validate -json` and its streamed
 * `diagnostic` messages: `{severity, summary, detail, range: {filename, start: {line, column}}}`.
 * `detail` is always a string ("" when there is none); `range` is present only when the
 * location is known; `address` is an hl addition, present when the problem is about one
 * resource instance.
 */
import type { Diagnostic } from '../core/diagnostic.js';

export interface JsonDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  range?: { filename: string; start: { line: number; column: number } };
  address?: string;
}

export function diagnosticToJson(d: Diagnostic): JsonDiagnostic {
  const out: JsonDiagnostic = { severity: d.severity, summary: d.summary, detail: d.detail ?? '' };
  if (d.location) out.range = { filename: d.location.file, start: { line: d.location.line, column: d.location.col } };
  if (d.address !== undefined) out.address = d.address;
  return out;
}

/** Each diagnostic as JSON, in order (the `diagnostics` array of `validate -json`). */
export function diagnosticsToJson(diags: readonly Diagnostic[]): JsonDiagnostic[] {
  return diags.map(diagnosticToJson);
}
