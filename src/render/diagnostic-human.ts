/**
 * Diagnostics for a terminal:
 *
 *   Error: Unknown variable "pve_tokn"
 *
 *     on homelab.yaml:12:20
 *     12 |     token_secret: "${var.pve_tokn}"
 *        |                    ^
 *
 *   Did you mean "pve_token"?
 *
 * `Error:` in bold red, `Warning:` in bold yellow. The source line and caret appear only
 * when the caller passes the file's text. A detail never carries a stack trace: lines that
 * look like one (`    at fn (file.js:1:2)`) are dropped. Only echoed input is ever cut (a
 * long source line, a long quoted value); hl's own words are printed whole.
 */
import { formatLocation, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import { palette, type Palette } from './palette.js';

export interface RenderDiagnosticsOptions {
  color: boolean;
  /** File path → file text, to quote the offending line. */
  sources?: Map<string, string>;
}

/** `    at fn (file.js:1:2)`, `    at file:///x.js:1:2`, `    at new Promise (<anonymous>)`, `    at async Promise.all (index 0)`. */
const STACK_FRAME = /^\s+at\s.*(?:\((?:.*:\d+(?::\d+)?|<anonymous>|native|index \d+)\)|:\d+:\d+)\s*$/;

/** All diagnostics in their given order, separated by blank lines; '' when there are none. */
export function renderDiagnostics(diags: readonly Diagnostic[], opts: RenderDiagnosticsOptions): string {
  if (diags.length === 0) return '';
  const p = palette(opts.color);
  const lineCache = new Map<string, string[] | undefined>();
  const linesOf = (file: string): string[] | undefined => {
    if (!lineCache.has(file)) lineCache.set(file, opts.sources?.get(file)?.split('\n'));
    return lineCache.get(file);
  };
  return diags.map((d) => renderOne(d, p, linesOf).join('\n')).join('\n\n') + '\n';
}

/**
 * Longest echoed value printed: a quoted span (`"..."`) in a summary or detail is a value hl
 * echoes back from the input (a key, a name, a string), and a 10 MB key quoted back is cut to
 * its head and tail. Nothing else of a summary or detail is ever cut: that text is hl's own,
 * and the user may have to act on it (a udev rule or config lines to paste).
 */
export const MAX_ECHOED = 200;
/** How much of a source line is shown around the column. */
const SOURCE_WINDOW = 120;

/** A double-quoted span with its escapes, on one line. */
const QUOTED = /"((?:[^"\\\n]|\\.)*)"/g;

/** Cuts only echoed input in hl's text: each quoted span longer than MAX_ECHOED. */
export function cutEchoedInput(text: string, max = MAX_ECHOED): string {
  return text.replace(QUOTED, (whole, inner: string) => {
    if (inner.length <= max) return whole;
    const keep = Math.floor(max / 2);
    return `"${inner.slice(0, keep)}…${inner.slice(inner.length - keep)}" (${inner.length - 2 * keep} characters of the value left out)`;
  });
}

function renderOne(d: Diagnostic, p: Palette, linesOf: (file: string) => string[] | undefined): string[] {
  const isError = d.severity === 'error';
  const color = isError ? p.red : p.yellow;
  const out = [`${p.bold(color(isError ? 'Error:' : 'Warning:'))} ${p.bold(cutEchoedInput(d.summary))}`];
  const context: string[] = [];
  if (d.location) {
    context.push(`  on ${formatLocation(d.location)}`);
    context.push(...snippet(d.location, linesOf(d.location.file), color));
  }
  if (d.address && !d.summary.includes(d.address)) context.push(`  with ${d.address}`);
  if (context.length > 0) out.push('', ...context);
  const detail = cleanDetail(d.detail);
  if (detail !== '') out.push('', detail);
  return out;
}

/** The source line and a caret under the column; nothing when the line is not available. */
function snippet(loc: SourceLocation, lines: string[] | undefined, color: (s: string) => string): string[] {
  const raw = lines?.[loc.line - 1];
  if (raw === undefined || loc.line < 1) return [];
  let text = raw.replace(/\r$/, '');
  const gutter = String(loc.line);
  let col = Math.max(1, loc.col);
  if (text.length > SOURCE_WINDOW) {
    // a window of the line around the column, marked where it was cut
    const start = Math.max(0, Math.min(col - 1 - SOURCE_WINDOW / 2, text.length - SOURCE_WINDOW));
    const head = start > 0 ? '…' : '';
    const tail = start + SOURCE_WINDOW < text.length ? '…' : '';
    text = head + text.slice(start, start + SOURCE_WINDOW) + tail;
    col = col - start + head.length;
  }
  // Keep tabs in the caret's padding so the caret lands under the right character.
  let pad = '';
  for (let i = 0; i < col - 1; i++) pad += text[i] === '\t' ? '\t' : ' ';
  return [`    ${gutter} | ${text}`, `    ${' '.repeat(gutter.length)} | ${pad}${color('^')}`];
}

function cleanDetail(detail: string | undefined): string {
  if (detail === undefined) return '';
  return detail
    .split('\n')
    .filter((l) => !STACK_FRAME.test(l))
    .map((l) => cutEchoedInput(l))
    .join('\n')
    .trimEnd();
}
