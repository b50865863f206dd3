/**
 * Task endpoints (`/nodes/{node}/tasks...`): list, status and log. A task is only known to the
 * node named in its UPID; asking another node answers 400 "no such task", as PVE does when a
 * client polls the wrong node.
 */
import { paramFail } from '../api-error.js';
import type { EmulatorCore } from '../emulator-core.js';
import { bool, int, NODE, opt, str, VMID } from '../param-schema.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { parseUpid } from '../tasks.js';
import type { TaskRecord } from '../world.js';

function taskOf(emu: EmulatorCore, req: ApiRequest): TaskRecord {
  const upid = req.params.upid as string;
  const decoded = parseUpid(upid);
  if (!decoded) paramFail({ upid: 'unable to parse worker upid' });
  const t = emu.world.tasks.find((x) => x.upid === upid);
  if (!t || decoded.node !== req.params.node) paramFail({ upid: 'no such task' });
  const started = emu.tasks.startedAt(upid);
  if (started !== undefined && emu.now() - started < emu.faults.taskStatusUnknownMs()) paramFail({ upid: 'no such task' });
  return t;
}

function statusOf(t: TaskRecord): Record<string, unknown> {
  const e: Record<string, unknown> = {
    upid: t.upid,
    node: t.node,
    pid: t.pid,
    pstart: t.pstart,
    starttime: t.starttime,
    type: t.type,
    id: t.id,
    user: t.user.split('!')[0],
    status: t.status,
  };
  if (t.user.includes('!')) e.tokenid = t.user.split('!')[1];
  if (t.status === 'stopped') e.exitstatus = t.exitstatus;
  return e;
}

export const TASK_ROUTES: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/tasks',
    proxyToNode: true,
    params: {
      node: NODE,
      errors: opt(bool()),
      limit: opt(int({ minimum: 0 })),
      since: opt(int()),
      source: opt(str({ enum: ['archive', 'active', 'all'] })),
      start: opt(int({ minimum: 0 })),
      statusfilter: opt(str()),
      typefilter: opt(str()),
      until: opt(int()),
      userfilter: opt(str()),
      vmid: opt(VMID),
    },
    handler: (emu, req) => {
      const p = req.params;
      const list = emu.world.tasks
        .filter((t) => t.node === p.node)
        .filter((t) => p.vmid === undefined || t.id === String(p.vmid))
        .filter((t) => p.typefilter === undefined || t.type === p.typefilter)
        .filter((t) => p.userfilter === undefined || t.user.includes(String(p.userfilter)))
        .filter((t) => p.errors !== true || (t.status === 'stopped' && t.exitstatus !== 'OK'))
        .filter((t) => p.source !== 'active' || t.status === 'running')
        .filter((t) => p.source === 'active' || p.source === 'all' || t.status === 'stopped' || p.source === undefined)
        .filter((t) => p.since === undefined || t.starttime >= (p.since as number))
        .filter((t) => p.until === undefined || t.starttime <= (p.until as number))
        .slice()
        .reverse();
      const start = (p.start as number | undefined) ?? 0;
      const limit = (p.limit as number | undefined) ?? 50;
      return list.slice(start, start + limit).map((t) => {
        const e: Record<string, unknown> = {
          upid: t.upid,
          node: t.node,
          pid: t.pid,
          pstart: t.pstart,
          starttime: t.starttime,
          type: t.type,
          id: t.id,
          user: t.user,
        };
        if (t.status === 'stopped') {
          e.status = t.exitstatus;
          e.endtime = t.endtime;
        }
        return e;
      });
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}',
    params: { node: NODE, upid: str() },
    proxyToNode: true,
    handler: (emu, req) => {
      taskOf(emu, req);
      return [{ name: 'log' }, { name: 'status' }];
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/status',
    params: { node: NODE, upid: str() },
    proxyToNode: true,
    handler: (emu, req) => statusOf(taskOf(emu, req)),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/log',
    proxyToNode: true,
    params: { node: NODE, upid: str(), start: opt(int({ minimum: 0 })), limit: opt(int({ minimum: 0 })), download: opt(bool()) },
    handler: (emu, req) => {
      const t = taskOf(emu, req);
      const start = (req.params.start as number | undefined) ?? 0;
      const limit = (req.params.limit as number | undefined) ?? 50;
      const lines = t.log.length ? t.log : ['no content'];
      return lines.slice(start, start + limit).map((text, i) => ({ n: start + i + 1, t: text }));
    },
  },
];
