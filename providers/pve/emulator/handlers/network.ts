/**
 * `GET /nodes/{node}/network`: the node's interfaces, after pve-manager 9.x PVE/API2/Network.pm
 * (index, read on master): the loopback is never listed; `type` keeps one interface type, `any_bridge` and
 * `any_local_bridge` keep Linux and OVS bridges. The emulated node has one physical NIC
 * (`nic0`, the first bridge's port) and the bridges of the world (`nodeBridges`).
 */
import type { EmulatorCore } from '../emulator-core.js';
import { NODE, opt, str } from '../param-schema.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { findNode, nodeBridges, type NodeState } from '../world.js';

// pve-manager 9.x PVE/API2/Network.pm $network_type_enum plus the filter-only values (`fabric` is new in 9)
const TYPES = [
  'bridge',
  'bond',
  'eth',
  'alias',
  'vlan',
  'fabric',
  'OVSBridge',
  'OVSBond',
  'OVSPort',
  'OVSIntPort',
  'vnet',
  'any_bridge',
  'any_local_bridge',
  'include_sdn',
];

function interfaces(emu: EmulatorCore, node: NodeState): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { iface: 'nic0', type: 'eth', active: 1, exists: 1, method: 'manual', method6: 'manual', families: ['inet'], priority: 3 },
  ];
  nodeBridges(emu.world, node).forEach((iface, i) => {
    const first = i === 0;
    out.push({
      iface,
      type: 'bridge',
      active: 1,
      autostart: 1,
      method: first ? 'static' : 'manual',
      method6: 'manual',
      families: ['inet'],
      priority: 4 + i,
      bridge_ports: first ? 'nic0' : '',
      bridge_stp: 'off',
      bridge_fd: '0',
      ...(first ? { address: node.ip, netmask: '24', cidr: `${node.ip}/24`, gateway: node.ip.replace(/\.\d+$/, '.1') } : {}),
    });
  });
  return out;
}

export const NETWORK_ROUTES: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/network',
    proxyToNode: true,
    params: { node: NODE, type: opt(str({ enum: TYPES })) },
    handler: (emu: EmulatorCore, req: ApiRequest) => {
      const node = findNode(emu.world, req.params.node as string) as NodeState;
      const filter = req.params.type as string | undefined;
      return interfaces(emu, node).filter((e) => {
        if (filter === undefined || filter === 'include_sdn') return true;
        if (filter === 'any_bridge' || filter === 'any_local_bridge') return e.type === 'bridge' || e.type === 'OVSBridge';
        return e.type === filter;
      });
    },
  },
];
