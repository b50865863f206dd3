/**
 * Host hardware listings used for passthrough: `/nodes/{node}/hardware/usb` and `/pci`,
 * configured per node in the world (the homelab seed has a Coral USB TPU on fun-bedbug).
 */
import type { EmulatorCore } from '../emulator-core.js';
import { bool, NODE, opt, str } from '../param-schema.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { findNode, type NodeState } from '../world.js';

function nodeOf(emu: EmulatorCore, req: ApiRequest): NodeState {
  return findNode(emu.world, req.params.node as string) as NodeState;
}

export const HARDWARE_ROUTES: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/hardware',
    params: { node: NODE },
    proxyToNode: true,
    handler: () => [{ type: 'pci' }, { type: 'usb' }],
  },
  {
    method: 'GET',
    path: '/nodes/{node}/hardware/usb',
    params: { node: NODE },
    proxyToNode: true,
    handler: (emu, req) => nodeOf(emu, req).usb.map((d) => ({ ...d })),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/hardware/pci',
    proxyToNode: true,
    params: { node: NODE, 'pci-class-blacklist': opt(str()), verbose: opt(bool()) },
    handler: (emu, req) => {
      const blacklist = String(req.params['pci-class-blacklist'] ?? '05;06;0b')
        .split(/[;,\s]+/)
        .filter(Boolean);
      const verbose = req.params.verbose !== false;
      return nodeOf(emu, req)
        .pci.filter((d) => !blacklist.some((c) => d.class.replace(/^0x/, '').startsWith(c)))
        .map((d) => {
          const e: Record<string, unknown> = { ...d, mdev: d.mdev ? 1 : undefined };
          if (!d.mdev) delete e.mdev;
          if (!verbose) {
            delete e.vendor_name;
            delete e.device_name;
          }
          return e;
        });
    },
  },
];
