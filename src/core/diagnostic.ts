/**
 * Diagnostics: problems a user can fix (bad config, stale plan, locked state). They carry a
 * location when one is known. Exceptions are reserved for bugs in hl itself.
 */

/** A position in a source file; line and col are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** One line: what is wrong. */
  summary: string;
  /** Optional further explanation: what was expected, a did-you-mean, how to fix. */
  detail?: string;
  location?: SourceLocation;
  /** The resource address the problem is about, when there is one. */
  address?: string;
  /** The provider instance (its key, `proxmox` or `proxmox.pve`) that failed: could not be reached or configured. */
  provider?: string;
}

export function error(summary: string, location?: SourceLocation, detail?: string): Diagnostic {
  const d: Diagnostic = { severity: 'error', summary };
  if (location) d.location = location;
  if (detail !== undefined) d.detail = detail;
  return d;
}

export function warning(summary: string, location?: SourceLocation, detail?: string): Diagnostic {
  const d: Diagnostic = { severity: 'warning', summary };
  if (location) d.location = location;
  if (detail !== undefined) d.detail = detail;
  return d;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/**
 * Thrown only to carry diagnostics out of deep call stacks at the edges (CLI commands);
 * the CLI prints them and exits 1. Core functions return diagnostics instead of throwing.
 */
export class DiagnosticsError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.summary).join('; '));
    this.name = 'DiagnosticsError';
  }
}

/**
 * Each problem once: the same severity, summary and location reported again (every instance
 * of a block or module repeats its block's problems) is dropped, the first kept in place.
 */
export function dedupeDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const k = `${d.severity}|${d.summary}|${d.location?.file}:${d.location?.line}:${d.location?.col}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
