/**
 * The one diagnostic of a provider instance whose server cannot be reached (at configure or
 * at refresh): located at its provider block, the cause in words, where hl tried, and what
 * to check.
 */
import { error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import type { Attributes } from '../core/value.js';
import { describeUnreachable, endpointOf, schemeOf } from '../provider/connection-failure.js';
import type { ProviderError } from '../provider/contract.js';

/** `e` must carry `options.unreachable`. `consequence` says what could not be done. */
export function unreachableDiagnostic(
  key: string,
  e: ProviderError,
  location: SourceLocation | undefined,
  config: Attributes | undefined,
  consequence: string,
): Diagnostic {
  const u = e.options.unreachable!;
  const endpoint = u.endpoint ?? endpointFromConfig(config);
  // a TLS server closes a connection that opens with plain http instead of a handshake
  const cause = (u.cause === 'closed' || u.cause === 'reset') && schemeOf(endpoint) === 'http' ? 'http-to-https' : u.cause;
  const { words, hint } = describeUnreachable(cause);
  return {
    ...error(
      `Provider "${key}" cannot be reached${endpoint ? ` at ${endpoint}` : ''}: ${words} (${consequence})`,
      location,
      `${hint}\nThe error was: ${e.message}`,
    ),
    provider: key,
  };
}

/** The endpoint a provider block names, by the attribute names hl's providers use. */
function endpointFromConfig(config: Attributes | undefined): string | undefined {
  for (const k of ['endpoint', 'url']) {
    const v = config?.[k];
    if (typeof v === 'string' && v !== '') return endpointOf(v);
  }
  return undefined;
}
