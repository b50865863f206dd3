/**
 * The QEMU guest agent's filesystem freeze, `POST /nodes/{node}/qemu/{vmid}/agent/fsfreeze-*`,
 * after qemu-server's PVE::API2::Qemu::Agent: a VM without `agent: 1` answers
 * `No QEMU guest agent configured`, a stopped one `VM N is not running`; otherwise the agent is
 * taken to run in the guest. Freezing marks the guest frozen (until thawed or stopped); every
 * command answers `{result: ...}` as PVE does (the number of filesystems for freeze and thaw,
 * `frozen` / `thawed` for status). Other agent commands are not emulated.
 */
import { fail } from '../api-error.js';
import type { EmulatorCore } from '../emulator-core.js';
import { NODE, VMID } from '../param-schema.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { guestConfig, type GuestState } from '../world.js';
import { guestOf } from './guest-common.js';

/** Filesystems an emulated guest reports frozen or thawed. */
const FILESYSTEMS = 2;

function agentEnabled(value: string | undefined): boolean {
  if (value === undefined) return false;
  const first = value.split(',').find((p) => !p.includes('=') || p.startsWith('enabled=')) ?? '';
  return /^(enabled=)?(1|on|yes|true)$/i.test(first);
}

function availableAgent(emu: EmulatorCore, req: ApiRequest): GuestState {
  const g = guestOf(emu, req, 'qemu');
  if (!agentEnabled(guestConfig(g).main.agent)) fail('No QEMU guest agent configured');
  if (g.status !== 'running') {
    delete g.fsFrozen;
    fail(`VM ${g.vmid} is not running`);
  }
  return g;
}

const PARAMS = { node: NODE, vmid: VMID };

export const AGENT_ROUTES: RouteDef[] = [
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/agent/fsfreeze-freeze',
    params: PARAMS,
    proxyToNode: true,
    handler: (emu, req) => {
      const g = availableAgent(emu, req);
      if (g.fsFrozen) fail('Agent error: Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state');
      g.fsFrozen = true;
      return { result: FILESYSTEMS };
    },
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/agent/fsfreeze-thaw',
    params: PARAMS,
    proxyToNode: true,
    handler: (emu, req) => {
      const g = availableAgent(emu, req);
      const thawed = g.fsFrozen ? FILESYSTEMS : 0;
      delete g.fsFrozen;
      return { result: thawed };
    },
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/agent/fsfreeze-status',
    params: PARAMS,
    proxyToNode: true,
    handler: (emu, req) => ({ result: availableAgent(emu, req).fsFrozen ? 'frozen' : 'thawed' }),
  },
];
