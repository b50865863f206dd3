/**
 * `PUT /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/config`: changes a snapshot's description,
 * the only thing PVE lets change about a snapshot (qemu-server update_snapshot_config).
 */
import { fail } from '../api-error.js';
import { QEMU_KIND } from '../guest-kind.js';
import { NODE, opt, SNAPNAME, str, VMID } from '../param-schema.js';
import type { RouteDef } from '../router.js';
import { guestConfig, writeGuestConfig } from '../world.js';
import { checkConfigLock, guestOf } from './guest-common.js';

export const SNAPSHOT_CONFIG_ROUTES: RouteDef[] = [
  {
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/config',
    proxyToNode: true,
    params: { node: NODE, vmid: VMID, snapname: SNAPNAME, description: opt(str()) },
    handler: async (emu, req) => {
      const g = guestOf(emu, req, 'qemu');
      const release = await emu.locks.acquire('qemu', g.vmid);
      try {
        const cfg = guestConfig(g);
        checkConfigLock(QEMU_KIND, cfg.main);
        const snap = cfg.snapshots[req.params.snapname as string];
        if (!snap) fail(`snapshot '${req.params.snapname}' does not exist`);
        if (req.params.description !== undefined) {
          if (req.params.description === '') delete snap.description;
          else snap.description = String(req.params.description);
        }
        writeGuestConfig(g, cfg);
      } finally {
        release();
      }
      return null;
    },
  },
];
