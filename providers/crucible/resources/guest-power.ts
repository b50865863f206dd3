/**
 * Stopping a VM for an attach or detach and starting it again, as Oxide requires the instance
 * to be stopped: a clean shutdown (ACPI, `forceStop` after the timeout), the change, a start.
 * A lost answer is not re-sent blindly: the status is read and the action repeated only when the
 * VM is not where it should be yet.
 */
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import { PveApiError } from '../../pve/client/pve-error.js';
import { sleep } from '../../pve/client/retry-policy.js';
import { readGuestStatus } from '../../pve/guest-api.js';
import { type PveSession, vmPath } from '../connection/pve-session.js';

/** The VM's power state now; unlike PveSession.liveStatus, an unreachable node is an error here. */
function status(s: PveSession, node: string, vmid: number, op: OperationContext): Promise<string> {
  return readGuestStatus(s.client, { type: 'qemu', node, vmid }, op);
}

async function power(s: PveSession, node: string, vmid: number, action: 'shutdown' | 'start', op: OperationContext): Promise<void> {
  const want = action === 'start' ? 'running' : 'stopped';
  const params =
    action === 'shutdown' ? { forceStop: 1, timeout: Math.max(10, Math.min(180, s.options.timeouts.shutdown - 30)) } : undefined;
  op.progress?.(`${action === 'start' ? 'starting' : 'shutting down'} VM ${vmid} on ${node}`);
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const answer = await s.send('POST', `${vmPath(node, vmid)}/status/${action}`, params, op, false);
      await s.wait(answer, `${action} of VM ${vmid}`, action, op);
      return;
    } catch (e) {
      if (!(e instanceof PveApiError) || (e.answered && e.status !== 595)) {
        if ((await status(s, node, vmid, op).catch(() => 'unknown')) === want) return;
        throw e;
      }
      if ((await status(s, node, vmid, op).catch(() => 'unknown')) === want) return;
      await sleep(500, op.signal);
    }
  }
  throw new ProviderError(`VM ${vmid} did not reach status ${want}`);
}

/** Runs `change` with the VM stopped, shutting it down first and starting it again after if it ran. */
export async function whileStopped<T>(
  s: PveSession,
  node: string,
  vmid: number,
  change: () => Promise<T>,
  op: OperationContext,
): Promise<T> {
  const wasRunning = (await status(s, node, vmid, op)) === 'running';
  if (wasRunning) await power(s, node, vmid, 'shutdown', op);
  let result: T;
  try {
    result = await change();
  } catch (e) {
    if (wasRunning) await power(s, node, vmid, 'start', op).catch(() => undefined);
    throw e;
  }
  if (wasRunning) await power(s, node, vmid, 'start', op);
  return result;
}
