/**
 * Waiting for PVE tasks. Every write that forks a worker answers with a UPID
 * (`UPID:node:PID:PSTART:STARTTIME:type:id:user:`); its status is polled on the node the UPID
 * names, `GET /nodes/{node}/tasks/{upid}/status`, until `status: stopped`. `exitstatus` `OK`
 * and `WARNINGS: N` succeed, anything else is the error text. A worker's warnings are the
 * `WARN: ...` lines of its log (pve-common RESTEnvironment.pm `warn`, counted for `TASK
 * WARNINGS: N`), e.g. qemu-server update_vm_api's `cannot delete 'x' - not set in current
 * configuration!`; they are read from `GET .../tasks/{upid}/log` and reported through
 * `progress` and the result. The first poll waits a first interval, or what this client has
 * learned of its tasks of the same type (task-durations.ts). A 400 right after dispatch
 * (the task not yet registered) and transient failures of the status call are tolerated.
 */
import { ProviderError } from '../../../src/provider/contract.js';
import type { PveClient } from './pve-client.js';
import { PveApiError } from './pve-error.js';
import { sleep } from './retry-policy.js';
import { TaskDurations } from './task-durations.js';

/** What each client's tasks took, by type (task-durations.ts): one client is one server. */
const durations = new WeakMap<PveClient, TaskDurations>();

export interface Upid {
  node: string;
  pid: number;
  type: string;
  id: string;
  user: string;
  startTime: number;
}

const UPID_RE =
  /^UPID:([a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/;

export function parseUpid(text: string): Upid | undefined {
  const m = UPID_RE.exec(text);
  if (!m) return undefined;
  return { node: m[1]!, pid: parseInt(m[2]!, 16), startTime: parseInt(m[4]!, 16), type: m[5]!, id: m[6]!, user: m[7]! };
}

export function isUpid(v: unknown): v is string {
  return typeof v === 'string' && parseUpid(v) !== undefined;
}

/** A task that ended with an error exit status. */
export class TaskFailedError extends ProviderError {
  constructor(
    readonly upid: string,
    readonly exitStatus: string,
    readonly what: string,
  ) {
    super(`${what} failed: ${exitStatus} (task ${upid})`, { detail: upid });
    this.name = 'TaskFailedError';
  }
}

/** A task still running when its operation's timeout ran out (it goes on on the server). */
export class TaskTimeoutError extends ProviderError {
  constructor(
    readonly upid: string,
    readonly seconds: number,
    readonly what: string,
  ) {
    super(`${what} did not finish within ${seconds} s; task ${upid} is still running on the server`, { retryable: true, detail: upid });
    this.name = 'TaskTimeoutError';
  }
}

export interface WaitOptions {
  /** What the task does, for messages ("create of VM 120"). */
  what: string;
  timeoutSeconds: number;
  signal?: AbortSignal;
  progress?: (message: string) => void;
  /**
   * Each new line of the task's log, as the task writes it (`GET .../log?start=N`, read with
   * every poll and once more when the task ends): a long task's own progress (a migration's).
   */
  onLog?: (line: string) => void;
  /**
   * The wait before the first poll and between the first two (default 100 ms), growing to
   * `maxIntervalMs` (default 1 s). A task is not done the moment its UPID comes back: a poll
   * then would only cost the server a request (a tenth of a create's, issue #24).
   */
  intervalMs?: number;
  maxIntervalMs?: number;
}

export interface TaskResult {
  upid: string;
  exitStatus: string;
  /** N of `WARNINGS: N`, else 0. */
  warnings: number;
  /** The warnings' text from the task log (without `WARN: `); empty when the log could not be read. */
  warningLines: string[];
}

/** Whether an exit status means success. */
export function taskSucceeded(exitStatus: string | undefined): boolean {
  return exitStatus === 'OK' || /^WARNINGS: \d+$/.test(exitStatus ?? '');
}

interface TaskStatus {
  status?: string;
  exitstatus?: string;
}

/** The `WARN: ` lines of a task's log; none when the log cannot be read (the task still succeeded). */
async function warningLines(client: PveClient, node: string, upid: string, signal: AbortSignal | undefined): Promise<string[]> {
  try {
    const log = await client.call<{ n?: number; t?: string }[]>(
      'GET',
      `/nodes/${node}/tasks/${upid}/log`,
      { limit: 1000 },
      { ...(signal ? { signal } : {}) },
    );
    return (Array.isArray(log) ? log : [])
      .map((l) => String(l.t ?? ''))
      .filter((t) => t.startsWith('WARN: '))
      .map((t) => t.slice(6));
  } catch {
    return [];
  }
}

/** Hands the log lines after the first `seen` to `onLog`; answers how many lines are seen now. */
async function followLog(
  client: PveClient,
  node: string,
  upid: string,
  seen: number,
  onLog: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  try {
    const log = await client.call<{ n?: number; t?: string }[]>(
      'GET',
      `/nodes/${node}/tasks/${upid}/log`,
      { start: seen, limit: 500 },
      { ...(signal ? { signal } : {}) },
    );
    let count = seen;
    for (const l of Array.isArray(log) ? log : []) {
      const n = typeof l.n === 'number' ? l.n : count + 1;
      if (n <= count) continue;
      count = n;
      if (typeof l.t === 'string' && l.t !== '' && l.t !== 'no content') onLog(l.t);
    }
    return count;
  } catch {
    return seen; // the log is only progress: the task's status decides
  }
}

/** Polls the task until it stops; throws TaskFailedError / TaskTimeoutError. */
export async function waitForTask(client: PveClient, upid: string, options: WaitOptions): Promise<TaskResult> {
  const parsed = parseUpid(upid);
  if (!parsed) throw new ProviderError(`${options.what}: the server answered "${upid}", which is not a task id (UPID)`);
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const started = Date.now();
  let interval = options.intervalMs ?? 100;
  const maxInterval = options.maxIntervalMs ?? 1000;
  let reported = false;
  let earlyErrors = 0;
  let logSeen = 0;
  const follow = async (): Promise<void> => {
    if (options.onLog) logSeen = await followLog(client, parsed.node, upid, logSeen, options.onLog, options.signal);
  };
  let learned = durations.get(client);
  if (!learned) durations.set(client, (learned = new TaskDurations()));
  const firstPoll = learned.firstPollMs(parsed.type, interval);
  let first = true;
  await sleep(Math.min(firstPoll, Math.max(0, deadline - Date.now())), options.signal);
  for (;;) {
    let status: TaskStatus | undefined;
    try {
      status = await client.call<TaskStatus>('GET', `/nodes/${parsed.node}/tasks/${upid}/status`, undefined, {
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (e) {
      // Right after dispatch the task may not be registered yet: PVE answers 400 "no such task".
      const early = e instanceof PveApiError && e.answered && (e.status === 400 || e.status === 500) && Date.now() - started < 5000;
      if (!early || ++earlyErrors > 20) throw e;
    }
    if (first && status !== undefined) learned.firstPollFound(parsed.type, firstPoll, status.status !== 'stopped');
    first = false;
    if (status?.status === 'stopped') {
      await follow();
      const exit = status.exitstatus ?? 'unknown exit status';
      if (!taskSucceeded(exit)) throw new TaskFailedError(upid, exit, options.what);
      const w = /^WARNINGS: (\d+)$/.exec(exit);
      if (!w) return { upid, exitStatus: exit, warnings: 0, warningLines: [] };
      const lines = await warningLines(client, parsed.node, upid, options.signal);
      options.progress?.(`${options.what} finished with ${w[1]} warning(s)${lines.length ? `: ${lines.join('; ')}` : ''} (task ${upid})`);
      return { upid, exitStatus: exit, warnings: Number(w[1]), warningLines: lines };
    }
    if (status !== undefined) await follow();
    if (Date.now() >= deadline) throw new TaskTimeoutError(upid, options.timeoutSeconds, options.what);
    if (!reported && Date.now() - started > 2000) {
      options.progress?.(`waiting for ${options.what} (task ${upid})`);
      reported = true;
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), options.signal);
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}
