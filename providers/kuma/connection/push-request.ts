/**
 * One push to Kuma's push endpoint, `GET {url}/api/push/{token}?status=up&msg=...&ping=...`
 * (server/routers/api-router.js: 1.23 answers GET only, 2.x every method), over HTTP through
 * an undici agent with this connection's TLS trust (providers/shared/tls-agent.ts: `ca_file`,
 * `tls_fingerprint`), bounded by the provider's timeout. Kuma answers `{"ok":true}`, or 404
 * with `{"ok":false,"msg":"Monitor not found or not active."}`. The token is the secret of
 * the URL: no message, error or log line carries it (`/api/push/(sensitive value)`).
 */
import { MASK } from '../../../src/core/redact.js';
import { SILENT_CALL_LOG, type ProviderCallLog } from '../../../src/provider/call-log.js';
import { classifyConnectionFailure } from '../../../src/provider/connection-failure.js';
import { ProviderError } from '../../../src/provider/contract.js';
import { lazyModule } from '../../../src/core/lazy-module.js';
import { createTlsAgent } from '../../shared/tls-agent.js';
import { normalizeFingerprint } from '../../shared/tls-agent.js';

const undici = lazyModule<typeof import('undici')>('undici');

export interface PushTarget {
  /** The Kuma server, `https://kuma.lan` (no trailing slash). */
  url: string;
  token: string;
  timeoutMs: number;
  /** PEM text of the CA bundle (`ca_file`). */
  ca?: string;
  /** The pinned SHA-256 fingerprint (`tls_fingerprint`), in any syntax the shared parser takes. */
  fingerprint?: string;
  log?: ProviderCallLog;
}

export interface PushBeat {
  status: 'up' | 'down';
  msg: string;
  /** Milliseconds; Kuma stores `parseFloat(ping) || null`, so 0 would be "no ping". */
  pingMs?: number;
  signal?: AbortSignal;
}

/** Longest `msg` sent: Kuma shows it in a monitor's history line. */
const MAX_MSG = 200;

/** The path with the token masked, for messages and the log. */
export const REDACTED_PUSH_PATH = `/api/push/${MASK}`;

/** `text` with every form of the token in it masked. */
function withoutToken(text: string, token: string): string {
  let out = text;
  for (const form of [token, encodeURIComponent(token)]) if (form !== '') out = out.split(form).join(MASK);
  return out;
}

export async function sendPush(target: PushTarget, beat: PushBeat): Promise<void> {
  const query = new URLSearchParams({ status: beat.status, msg: beat.msg.slice(0, MAX_MSG) });
  if (beat.pingMs !== undefined) query.set('ping', String(Math.max(1, Math.round(beat.pingMs))));
  const path = `/api/push/${encodeURIComponent(target.token)}?${query.toString()}`;
  const shown = `${target.url}${REDACTED_PUSH_PATH}`;
  const fingerprint = target.fingerprint ? normalizeFingerprint(target.fingerprint) : undefined;
  const agent = createTlsAgent({
    ...(target.ca !== undefined ? { ca: target.ca } : {}),
    ...(fingerprint ? { fingerprint } : {}),
    connectTimeoutMs: target.timeoutMs,
  });
  const log = (target.log ?? SILENT_CALL_LOG).start({
    method: 'GET',
    path: `${REDACTED_PUSH_PATH}?${query.toString()}`,
    endpoint: target.url,
  });
  const signals = [AbortSignal.timeout(target.timeoutMs), ...(beat.signal ? [beat.signal] : [])];
  try {
    let status: number;
    let text: string;
    try {
      const res = await undici().request(`${target.url}${path}`, {
        method: 'GET',
        dispatcher: agent,
        signal: AbortSignal.any(signals),
        headersTimeout: target.timeoutMs,
        bodyTimeout: target.timeoutMs,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (e) {
      const why = withoutToken((e as Error).message, target.token);
      log.end({ error: why });
      const cause = classifyConnectionFailure(e, target.url.startsWith('https:') ? 'https' : 'http');
      const timedOut = (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError';
      throw new ProviderError(`kuma: the push to ${shown} got no answer: ${timedOut ? `no answer within ${target.timeoutMs} ms` : why}`, {
        retryable: true,
        ...(cause ? { unreachable: { cause, endpoint: target.url } } : {}),
      });
    }
    log.end({ status, responseBytes: text.length, responseBody: text });
    let answer: { ok?: unknown; msg?: unknown } | undefined;
    try {
      answer = JSON.parse(text) as { ok?: unknown; msg?: unknown };
    } catch {
      answer = undefined;
    }
    if (status === 200 && answer?.ok === true) return;
    const said = typeof answer?.msg === 'string' ? `: ${withoutToken(answer.msg, target.token)}` : '';
    throw new ProviderError(`kuma: the push to ${shown} was refused (HTTP ${status}${said})`, { status });
  } finally {
    await agent.close().catch(() => undefined);
  }
}
