/**
 * Which `kuma_monitor` can take hl watch's heartbeats, and the words for the ones that
 * cannot: a monitor of type `push` with its push token in state. Pure; the push itself is
 * connection/push-request.ts. Warnings where Kuma would page while the watcher is fine: a
 * paused monitor refuses every push ("Monitor not found or not active."), and one whose
 * interval is shorter than the time between two heartbeats goes DOWN between them (Kuma's
 * check allows the interval and 1 s, server/model/monitor.js).
 */
import type { AttributeProblem, HeartbeatCheckRequest } from '../../../../src/provider/contract.js';

const MONITOR = 'kuma_monitor';

export function checkHeartbeatTarget(req: HeartbeatCheckRequest): AttributeProblem[] {
  if (req.type !== MONITOR) return [{ path: [], message: `a ${req.type} takes no heartbeats: only a ${MONITOR} of type push does` }];
  const s = req.state;
  if (s.type !== 'push')
    return [
      {
        path: ['type'],
        message: `a monitor of type ${typeof s.type === 'string' ? s.type : String(s.type)} takes no heartbeats: only a monitor of type push does`,
      },
    ];
  if (typeof s.push_token !== 'string' || s.push_token === '')
    return [{ path: ['push_token'], message: 'no push token in state: apply the monitor (hl apply) so that hl records its token' }];
  const problems: AttributeProblem[] = [];
  if (s.active === false)
    problems.push({
      path: ['active'],
      message: 'the monitor is paused (active: false): Kuma refuses its pushes until it runs again',
      severity: 'warning',
    });
  if (typeof s.interval === 'number' && req.everyMs !== undefined && s.interval * 1000 < req.everyMs) {
    const every = Math.ceil(req.everyMs / 1000);
    problems.push({
      path: ['interval'],
      message: `interval ${s.interval} s is shorter than the time between two heartbeats (up to ${every} s and a cycle's time): Kuma will mark it DOWN between them; set it above ${every} s`,
      severity: 'warning',
    });
  }
  return problems;
}
