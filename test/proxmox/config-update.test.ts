/**
 * Config updates with the digest (resources/guest-ops.ts), against a scripted client: a digest
 * conflict caused by someone else's change to other keys is retried with the new digest; one
 * that touches hl's keys fails and names them; a lost answer whose update went through is not
 * applied twice. Plus the retry classification of PVE failures.
 */
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { ConfigChanges } from '../../providers/proxmox/mapping/config-changes.js';
import type { PveClient } from '../../providers/pve/client/pve-client.js';
import { PveApiError } from '../../providers/pve/client/pve-error.js';
import { classifyForRetry } from '../../providers/pve/client/retry-policy.js';
import { parseUpid, taskSucceeded, waitForTask } from '../../providers/pve/client/task-waiter.js';
import { ClusterInventory } from '../../providers/pve/cluster-inventory.js';
import { ClusterOptions } from '../../providers/proxmox/inventory/cluster-options.js';
import { DEFAULT_TIMEOUTS } from '../../providers/pve/provider-settings.js';
import type { GuestRef } from '../../providers/pve/guest-api.js';
import type { GuestContext } from '../../providers/proxmox/resources/guest-context.js';
import { updateConfig } from '../../providers/proxmox/resources/guest-ops.js';

type Step = (method: string, path: string, params?: Record<string, unknown>) => unknown;

function scripted(steps: Step[]): { ctx: GuestContext; calls: { method: string; path: string; params?: Record<string, unknown> }[] } {
  const calls: { method: string; path: string; params?: Record<string, unknown> }[] = [];
  const client = {
    async call(method: string, path: string, params?: Record<string, unknown>) {
      calls.push({ method, path, ...(params ? { params } : {}) });
      const step = steps.shift();
      if (!step) throw new Error(`unexpected call ${method} ${path}`);
      return step(method, path, params);
    },
  } as unknown as PveClient;
  const ctx: GuestContext = {
    client,
    inventory: new ClusterInventory(client),
    clusterOptions: new ClusterOptions(client),
    settings: { reboot: 'never', timeouts: { ...DEFAULT_TIMEOUTS }, readConcurrency: 2 },
    readLimit: pLimit(2),
    reserved: new Set(),
  };
  return { ctx, calls };
}

const REF: GuestRef = { type: 'qemu', node: 'pve', vmid: 120 };
const PATH = '/nodes/pve/qemu/120/config';
const mismatch = (): never => {
  throw new PveApiError('POST', PATH, 'http', 'checksum mismatch (file change by other user?)', 500);
};
/** hl wants memory 2048. */
const setMemory = (live: Record<string, string>): ConfigChanges => {
  const c = new ConfigChanges();
  c.put('memory', '2048', live.memory);
  return c;
};

describe('config update with digest', () => {
  it('retries with the new digest when someone else changed other keys', async () => {
    const { ctx, calls } = scripted([
      () => ({ memory: '1024', name: 'a', digest: 'd1' }),
      mismatch,
      () => ({ memory: '1024', name: 'a', onboot: 1, digest: 'd2' }),
      () => null,
    ]);
    expect(await updateConfig(ctx, REF, setMemory, {})).toEqual(['memory']);
    expect(calls.map((c) => `${c.method} ${c.params?.digest ?? ''}`)).toEqual(['GET ', 'POST d1', 'GET ', 'POST d2']);
    expect(calls[3]!.params).toMatchObject({ memory: '2048', digest: 'd2' });
  });

  it('fails, naming the keys, when the other change touches what hl changes', async () => {
    const { ctx } = scripted([() => ({ memory: '1024', digest: 'd1' }), mismatch, () => ({ memory: '4096', digest: 'd2' })]);
    await expect(updateConfig(ctx, REF, setMemory, {})).rejects.toThrow(
      'the configuration of VM 120 was changed by someone else while hl was updating it (keys hl also changes: memory); nothing was overwritten — run "hl plan" again to see the current state',
    );
  });

  it('does not apply an update twice when its answer was lost but it went through', async () => {
    const { ctx, calls } = scripted([
      () => ({ memory: '1024', digest: 'd1' }),
      () => {
        throw new PveApiError('POST', PATH, 'no-response', 'other side closed');
      },
      () => ({ memory: '2048', digest: 'd2' }),
    ]);
    expect(await updateConfig(ctx, REF, setMemory, {})).toEqual(['memory']);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('sends nothing when nothing differs', async () => {
    const { ctx, calls } = scripted([() => ({ memory: '2048', digest: 'd1' })]);
    expect(await updateConfig(ctx, REF, setMemory, {})).toEqual([]);
    expect(calls).toHaveLength(1);
  });
});

describe('failure classification', () => {
  const http = (status: number, reason: string) => new PveApiError('PUT', '/x', 'http', reason, status);
  it('retries lock contention always, transient answers always, lost answers only when idempotent', () => {
    expect(classifyForRetry(http(500, 'VM 120 is locked (clone)'), false)).toBe('lock');
    expect(classifyForRetry(http(500, "can't lock file '/var/lock/qemu-server/lock-120.conf' - got timeout"), false)).toBe('lock');
    expect(classifyForRetry(http(500, 'got no worker upid - start worker failed'), false)).toBe('transient');
    expect(classifyForRetry(http(595, 'Connection refused'), true)).toBe('transient');
    expect(classifyForRetry(http(500, 'VM 120 already exists'), true)).toBe('no');
    expect(classifyForRetry(http(400, 'Parameter verification failed.'), true)).toBe('no');
    expect(classifyForRetry(new PveApiError('POST', '/x', 'no-response', 'socket hang up'), false)).toBe('no');
    expect(classifyForRetry(new PveApiError('GET', '/x', 'no-response', 'socket hang up'), true)).toBe('transient');
    expect(classifyForRetry(new PveApiError('GET', '/x', 'tls', 'pin mismatch'), true)).toBe('no');
  });

  it('parses UPIDs and task exit statuses', () => {
    expect(parseUpid('UPID:pve:00030D48:CF4B3D3E:6B086EB0:qmdestroy:103:hl@pve!hl:')).toEqual({
      node: 'pve',
      pid: 0x30d48,
      startTime: 0x6b086eb0,
      type: 'qmdestroy',
      id: '103',
      user: 'hl@pve!hl',
    });
    expect(parseUpid('not a upid')).toBeUndefined();
    expect(taskSucceeded('OK')).toBe(true);
    expect(taskSucceeded('WARNINGS: 2')).toBe(true);
    expect(taskSucceeded('command failed')).toBe(false);
  });

  it('takes a task ending WARNINGS as success and reports the warnings from its log', async () => {
    const upid = 'UPID:pve:00030D48:CF4B3D3E:6B086EB0:qmconfig:120:hl@pve!hl:';
    const { ctx, calls } = scripted([
      () => ({ status: 'stopped', exitstatus: 'WARNINGS: 1' }),
      () => [{ n: 1, t: 'update VM 120: -description x' }, { n: 2, t: "WARN: cannot delete 'vga' - not set in current configuration!" }, { n: 3, t: 'TASK WARNINGS: 1' }],
    ]);
    const progress: string[] = [];
    const r = await waitForTask(ctx.client, upid, { what: 'update of VM 120', timeoutSeconds: 5, progress: (m) => progress.push(m) });
    expect(r).toEqual({ upid, exitStatus: 'WARNINGS: 1', warnings: 1, warningLines: ["cannot delete 'vga' - not set in current configuration!"] });
    expect(calls[1]!.path).toBe(`/nodes/pve/tasks/${upid}/log`);
    expect(progress).toEqual([`update of VM 120 finished with 1 warning(s): cannot delete 'vga' - not set in current configuration! (task ${upid})`]);
  });
});
