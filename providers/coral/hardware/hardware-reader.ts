/**
 * Reading host hardware through the PVE API: the cluster's nodes (`GET /nodes`) and each
 * node's USB and PCI listings (`GET /nodes/{node}/hardware/usb`, `/hardware/pci`), turned into
 * Coral devices (see coral-device.ts). Reads only; offline nodes are reported, not fatal.
 */
import type { OperationContext } from '../../../src/provider/contract.js';
import { callOpts } from '../../pve/client/call-options.js';
import type { PveClient } from '../../pve/client/pve-client.js';
import { coralsOfNode, type CoralDevice, type PciListing, type UsbListing } from './coral-device.js';

export interface NodeHardware {
  node: string;
  usb: UsbListing[];
  pci: PciListing[];
  corals: CoralDevice[];
}

export interface ClusterNode {
  node: string;
  online: boolean;
}

export async function readNodeHardware(client: PveClient, node: string, op: OperationContext = {}): Promise<NodeHardware> {
  const enc = encodeURIComponent(node);
  const [usb, pci] = await Promise.all([
    client.call<UsbListing[]>('GET', `/nodes/${enc}/hardware/usb`, undefined, callOpts(op)),
    client.call<PciListing[]>('GET', `/nodes/${enc}/hardware/pci`, undefined, callOpts(op)),
  ]);
  const u = Array.isArray(usb) ? usb : [];
  const p = Array.isArray(pci) ? pci : [];
  return { node, usb: u, pci: p, corals: coralsOfNode(node, u, p) };
}

export async function listClusterNodes(client: PveClient, op: OperationContext = {}): Promise<ClusterNode[]> {
  const nodes = await client.call<{ node: string; status?: string }[]>('GET', '/nodes', undefined, callOpts(op));
  return (Array.isArray(nodes) ? nodes : [])
    .map((n) => ({ node: n.node, online: n.status === 'online' }))
    .sort((a, b) => a.node.localeCompare(b.node));
}

export interface ClusterHardware {
  nodes: NodeHardware[];
  offline: string[];
}

/** Hardware of every online node (except those in `skip`), with the offline ones named. */
export async function readClusterHardware(
  client: PveClient,
  op: OperationContext = {},
  skip: ReadonlySet<string> = new Set(),
): Promise<ClusterHardware> {
  const nodes = await listClusterNodes(client, op);
  const online = nodes.filter((n) => n.online && !skip.has(n.node));
  const hw = await Promise.all(online.map((n) => readNodeHardware(client, n.node, op)));
  return { nodes: hw, offline: nodes.filter((n) => !n.online).map((n) => n.node) };
}
