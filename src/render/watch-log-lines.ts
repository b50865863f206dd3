/**
 * `hl watch`'s log: one JSON object per line (`time`, `level`, `event`, then the event's
 * fields), and the engine's diagnostics as `diagnostic` lines, redacted with the run's
 * secrets. What goes in a line is only what the caller hands over: addresses, kinds, counts,
 * reasons; diagnostics are the only text that could hold a value, and they are redacted.
 */
import { formatLocation, type Diagnostic } from '../core/diagnostic.js';

export type LogLevel = 'info' | 'warn' | 'error';

export function watchLogLine(time: Date, level: LogLevel, event: string, fields: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ time: time.toISOString(), level, event, ...fields })}\n`;
}

/** One `diagnostic` line per diagnostic, summary and detail redacted. */
export function diagnosticLogLines(time: Date, diags: readonly Diagnostic[], redact: (s: string) => string = (s) => s): string {
  return diags
    .map((d) =>
      watchLogLine(time, d.severity === 'error' ? 'error' : 'warn', 'diagnostic', {
        message: redact(d.summary),
        ...(d.detail !== undefined ? { detail: redact(d.detail) } : {}),
        ...(d.address !== undefined ? { address: d.address } : {}),
        ...(d.location ? { at: formatLocation(d.location) } : {}),
      }),
    )
    .join('');
}
