/**
 * The provider call log (`HL_LOG`, as Terraform's `TF_LOG`): the one hook every provider's
 * client reports its calls to — an HTTP request (method and path) or a socket.io event — with
 * the answer's status, its duration and the client's retries. A provider receives it in
 * `ConfigureRequest.log`, scoped to its instance; the engine makes it from the log the edge
 * gives (level, where lines go, a clock), so this file stays pure: no clock, no environment,
 * no file.
 *
 * Levels, as TF_LOG's: `error` < `warn` < `info` < `debug` < `trace`; a log at one level
 * writes that level's lines and all below it.
 * - info: one line per call: `GET /api2/json/cluster/resources 200 12ms`;
 * - debug: the same line, tagged DEBUG, with the request's and answer's sizes and the
 *   provider instance and its server (`req_bytes=0 resp_bytes=2048 instance=proxmox endpoint=https://pve.lan:8006`);
 * - trace: besides, a TRACE line with the request body and one with the answer's, redacted
 *   and cut at 4 KiB;
 * - a retry is a WARN line (what failed, attempt n of m, the wait); a call that got no
 *   answer at all is a WARN line too.
 *
 * Every line is `TIMESTAMP [LEVEL] PROVIDER: MESSAGE`, e.g.
 * `2026-12-07T06:20:00.123Z [DEBUG] proxmox: GET /api2/json/nodes/pve/qemu/107/config 200 12ms`.
 *
 * Secrets never reach a line: query parameters, form fields and JSON keys named like a
 * credential (password, token, secret, ticket, signature, key, cookie, ...) are masked,
 * headers are never written but through `redactHeaders`, and every line goes through the
 * redactor of the run's known secrets (sensitive variables, sensitive provider-block values).
 */
import { MASK } from '../core/redact.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The level `HL_LOG` names (any case); undefined when it names none. */
export function parseLogLevel(text: string): LogLevel | undefined {
  const t = text.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(t) ? (t as LogLevel) : undefined;
}

/** Whether a log at `level` writes lines of `line`'s level. */
export function levelWrites(level: LogLevel, line: LogLevel): boolean {
  return LOG_LEVELS.indexOf(line) <= LOG_LEVELS.indexOf(level);
}

/** Time, as the edge gives it (pure floors never read the clock). */
export interface LogClock {
  /** Milliseconds from any fixed origin, for durations. */
  now(): number;
  /** The wall-clock time of a line, ISO 8601 with milliseconds (`2026-12-07T06:20:00.123Z`). */
  timestamp(): string;
}

/** Where the run's log goes: made at the edge from HL_LOG and HL_LOG_PATH. */
export interface RunLog {
  level: LogLevel;
  clock: LogClock;
  /** Writes one whole line (with its newline). */
  write(line: string): void;
}

/** One line: `TIMESTAMP [LEVEL] PROVIDER: MESSAGE`. */
export function formatLogLine(timestamp: string, level: LogLevel, provider: string, message: string): string {
  return `${timestamp} [${level.toUpperCase()}] ${provider}: ${message.replace(/\r?\n/g, '\\n')}\n`;
}

/** Names of parameters, fields, keys and headers whose values are credentials. */
const SECRET_NAME =
  /pass(word|wd|phrase)?$|passw|secret|token|ticket|csrf|cookie|authori[sz]ation|signature|api[_-]?key|private[_-]?key|session|jwt|credential|oauth/i;

/** Whether a parameter, field, key or header called `name` holds a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A path with the values of credential-named query parameters masked (`/login?password=(sensitive value)`). */
export function redactPath(path: string): string {
  const q = path.indexOf('?');
  if (q < 0) return path;
  return `${path.slice(0, q)}?${redactForm(path.slice(q + 1))}`;
}

/** A form body or query string (`a=1&password=x`) with the values of credential-named fields masked. */
export function redactForm(form: string): string {
  return form
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // not URL-encoded: judged as written
      }
      return isSecretName(name) ? `${pair.slice(0, eq)}=${encodeURIComponent(MASK)}` : pair;
    })
    .join('&');
}

/** Headers with credential-named ones (Authorization, Cookie, CSRFPreventionToken, ...) masked. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = isSecretName(k) ? MASK : v;
  return out;
}

/**
 * A JSON-like value with every value under a credential-named key masked (null stays null:
 * nothing is set), and the `value` of a `{key, value}` pair whose key is such a name (PVE's
 * pending lists: `{"key": "cipassword", "value": ...}`).
 */
export function redactByKey(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || depth > 100) return v;
  if (Array.isArray(v)) return v.map((x) => redactByKey(x, depth + 1));
  const o = v as Record<string, unknown>;
  const pairSecret = typeof o['key'] === 'string' && isSecretName(o['key']);
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, x] of Object.entries(o)) {
    const secret = x !== null && (isSecretName(k) || (pairSecret && k !== 'key'));
    out[k] = secret ? MASK : redactByKey(x, depth + 1);
  }
  return out;
}

/**
 * A body for a trace line: JSON with credential-named keys masked, or a form with such
 * fields masked, cut at `max` characters.
 */
export function redactBody(body: string, max = 4096): string {
  let text: string;
  const t = body.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      text = JSON.stringify(redactByKey(JSON.parse(body)));
    } catch {
      text = body;
    }
  } else if (/^[^\s=&]+=[^\s]*$/.test(body.trim())) {
    text = redactForm(body.trim());
  } else {
    text = body;
  }
  return text.length > max ? `${text.slice(0, max)}... (${text.length - max} more characters)` : text;
}

/** What a client tells when it sends one call. */
export type CallStart =
  | {
      /** An HTTP request: its method and its path, with the query (redacted here). */
      method: string;
      path: string;
      /** Bytes of the request body (debug). */
      requestBytes?: number;
      /** The request body (trace; redacted here). */
      requestBody?: string;
      /** The server it goes to (debug), e.g. `https://pve.lan:8006`. */
      endpoint?: string;
    }
  | {
      /** A socket.io event, by name (`add`, `getMonitor`). */
      event: string;
      /** Its arguments, for sizes (debug) and the trace line; left out for a login, whose arguments are all credentials. */
      args?: unknown[];
      endpoint?: string;
    };

/** How the call ended. */
export interface CallEnd {
  /** The HTTP status, or a word for an event's answer (`ok`, `refused`). */
  status?: number | string;
  /** Bytes of the answer (debug). */
  responseBytes?: number;
  /** The answer's body (trace; redacted here), or the answer of an event. */
  responseBody?: string | unknown;
  /** No answer came: why (a network error, a timeout). */
  error?: string;
}

/** A retry a client makes of a call that failed. */
export interface CallRetry {
  /** The call, as its line names it (`GET /api2/json/...`, `event add`). */
  call: string;
  /** The attempt about to be sent (2 for the first retry). */
  attempt: number;
  /** Attempts in all that the policy allows. */
  of: number;
  waitMs: number;
  /** Why the last attempt failed. */
  reason: string;
}

/** The log a provider instance reports its calls to (`ConfigureRequest.log`). */
export interface ProviderCallLog {
  /** Whether lines of `level` are written (a client skips reading a body for trace when not). */
  wants(level: LogLevel): boolean;
  /** A call is sent now; `end` is told how it ended (once). */
  start(call: CallStart): { end(result: CallEnd): void };
  /** A failed call is sent again after `waitMs`. */
  retry(r: CallRetry): void;
}

/** A log that writes nothing: what a provider uses when it was given none. */
export const SILENT_CALL_LOG: ProviderCallLog = {
  wants: () => false,
  start: () => ({ end: () => undefined }),
  retry: () => undefined,
};

export interface ProviderCallLogOptions {
  run: RunLog;
  /** The provider instance's key (`proxmox`, `kuma.pve`), at the head of each line. */
  provider: string;
  /** Masks the run's known secrets in a line. */
  redact: (text: string) => string;
}

/** How a call is named in its line. */
export function callName(call: CallStart): string {
  return 'event' in call ? `event ${call.event}` : `${call.method} ${redactPath(call.path)}`;
}

function bytesOf(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  try {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return s === undefined ? undefined : utf8Length(s);
  } catch {
    return undefined;
  }
}

/** UTF-8 length of a string, without Buffer (this floor is pure). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function bodyText(v: unknown): string {
  if (typeof v === 'string') return redactBody(v);
  try {
    return redactBody(JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}

/** The call log of one provider instance, writing to the run's log. */
export function makeProviderCallLog(opts: ProviderCallLogOptions): ProviderCallLog {
  const { run, provider, redact } = opts;
  const wants = (level: LogLevel): boolean => levelWrites(run.level, level);
  const line = (level: LogLevel, message: string): void => {
    if (wants(level)) run.write(formatLogLine(run.clock.timestamp(), level, provider, redact(message)));
  };
  return {
    wants,
    start(call) {
      const started = run.clock.now();
      const name = callName(call);
      const requestBody = 'event' in call ? (call.args === undefined ? undefined : call.args) : call.requestBody;
      const requestBytes = 'event' in call ? bytesOf(call.args) : (call.requestBytes ?? bytesOf(call.requestBody) ?? 0);
      let ended = false;
      return {
        end(result) {
          if (ended) return;
          ended = true;
          const ms = Math.max(0, Math.round(run.clock.now() - started));
          if (result.error !== undefined) {
            line('warn', `${name} failed after ${ms}ms: ${result.error}`);
            return;
          }
          const head = `${name} ${result.status ?? '-'} ${ms}ms`;
          if (!wants('debug')) {
            line('info', head);
            return;
          }
          const fields = [
            `req_bytes=${requestBytes ?? 0}`,
            `resp_bytes=${result.responseBytes ?? bytesOf(result.responseBody) ?? 0}`,
            `instance=${provider}`,
            ...(call.endpoint !== undefined ? [`endpoint=${call.endpoint}`] : []),
          ];
          line('debug', `${head} ${fields.join(' ')}`);
          if (wants('trace')) {
            if (requestBody !== undefined) line('trace', `${name} request body: ${bodyText(requestBody)}`);
            if (result.responseBody !== undefined) line('trace', `${name} response body: ${bodyText(result.responseBody)}`);
          }
        },
      };
    },
    retry(r) {
      line('warn', `${r.call} failed (${r.reason}); retrying in ${Math.round(r.waitMs)}ms (attempt ${r.attempt} of ${r.of})`);
    },
  };
}
