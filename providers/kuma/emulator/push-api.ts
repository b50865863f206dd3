/**
 * The push endpoint of Kuma's HTTP API, `/api/push/:pushToken?status=up&msg=OK&ping=12`
 * (server/routers/api-router.js of 2.5.3 and 1.23.16): the push becomes a heartbeat of the
 * active monitor with that token, and the answer is `{"ok":true}`, or 404 with
 * `{"ok":false,"msg":...}` for an unknown token or a paused monitor ("Monitor not found or
 * not active.") and, on 2.5.3, a ping out of range. As the real router:
 * - `status` is `up` or anything else, which is DOWN; absent, up; an upside-down monitor
 *   flips it; `msg` defaults to `OK`; `ping` is `parseFloat(ping) || null` (so 0 is null);
 * - 2.5.3 answers every method (`router.all`) and applies the monitor's retries: a DOWN
 *   push after UP is PENDING while retries remain (determineStatus); 1.23.16 answers GET
 *   (and HEAD) only, records the status as pushed, and any other method falls through to
 *   Express's own 404 page;
 * - a heartbeat's duration is the seconds since the monitor's previous one.
 * Maintenance windows, notifications and uptime statistics are not emulated. A repeated
 * query parameter counts with its first value.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PushShared } from './push-monitor-checks.js';
import { flipStatus, isImportantBeat, kumaTime, recordHeartbeat, timeMs } from './heartbeat-rules.js';
import { KUMA_STATUS, type KumaHeartbeatRecord, type KumaStatus } from './kuma-world.js';
import type { MonitorRow } from './monitor-columns.js';

const { DOWN, UP, PENDING } = KUMA_STATUS;

const PUSH_PATH = /^\/api\/push\/([^/]+)\/?$/;

/** MAX_PING_MS of 2.5.3's router: 100 billion ms, what both BIGINT and FLOAT(20,2) hold. */
const MAX_PING_MS = 100_000_000_000;

function answerJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** determineStatus() of 2.5.3's api-router.js: the retries of a push that says DOWN. */
function determineStatus(
  pushed: KumaStatus,
  previous: KumaHeartbeatRecord | undefined,
  maxretries: number,
  upsideDown: boolean,
): { status: KumaStatus; retries: number } {
  const status = upsideDown ? flipStatus(pushed) : pushed;
  if (!previous) return status === DOWN && maxretries > 0 ? { status: PENDING, retries: 1 } : { status, retries: 0 };
  if (previous.status === UP && status === DOWN)
    return maxretries > 0 && previous.retries < maxretries
      ? { status: PENDING, retries: previous.retries + 1 }
      : { status: DOWN, retries: 0 };
  if (previous.status === PENDING && status === DOWN && previous.retries < maxretries)
    return { status: PENDING, retries: previous.retries + 1 };
  return status === DOWN ? { status, retries: previous.retries + 1 } : { status, retries: 0 };
}

/**
 * Answers the request when it is a push (true), else leaves it to the other routes (false).
 */
export function answerPush(shared: PushShared, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://kuma.invalid');
  const m = PUSH_PATH.exec(url.pathname);
  if (!m) return false;
  const gen2 = shared.profile.generation === 2;
  const method = req.method ?? 'GET';
  if (!gen2 && method !== 'GET' && method !== 'HEAD') {
    res
      .writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${method} ${url.pathname}</pre>\n</body>\n</html>\n`,
      );
    return true;
  }
  let token: string;
  try {
    token = decodeURIComponent(m[1]!);
  } catch {
    token = m[1]!;
  }
  const q = url.searchParams;
  const msg = q.get('msg') || 'OK';
  const ping = Number.parseFloat(q.get('ping') ?? '') || null;
  const pushed: KumaStatus = (q.get('status') || 'up') === 'up' ? UP : DOWN;
  if (gen2 && ping !== null && (ping < 0 || ping > MAX_PING_MS)) {
    answerJson(res, 404, { ok: false, msg: `Invalid ping value. Must be between 0 and ${MAX_PING_MS} ms.` });
    return true;
  }
  const monitor: MonitorRow | undefined = shared.world.monitorByPushToken(token);
  if (!monitor) {
    answerJson(res, 404, { ok: false, msg: 'Monitor not found or not active.' });
    return true;
  }
  const previous = shared.world.lastHeartbeat(monitor.id);
  const now = Date.now();
  // dayjs(...).diff(..., "second"): whole seconds, in the emulator's seconds
  const duration = previous ? Math.trunc((now - timeMs(previous.time)) / shared.timing.secondMs) : 0;
  const upsideDown = Boolean(monitor.upside_down);
  const { status, retries } = gen2
    ? determineStatus(pushed, previous, Number(monitor.maxretries ?? 0), upsideDown)
    : { status: upsideDown ? flipStatus(pushed) : pushed, retries: 0 };
  recordHeartbeat(shared, monitor.user_id, {
    monitor_id: monitor.id,
    status,
    time: kumaTime(now),
    msg,
    ping,
    important: isImportantBeat(!previous, previous?.status, status),
    duration,
    retries,
  });
  answerJson(res, 200, { ok: true });
  return true;
}
