/** The `Retry-After` header every provider's client honours. */

/**
 * A `Retry-After` header in milliseconds (delta-seconds or an HTTP date, relative to `now`),
 * or undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | string[] | null | undefined, now: number): number | undefined {
  const text = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
