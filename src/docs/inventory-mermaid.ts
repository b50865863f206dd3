/**
 * The inventory's map as a Mermaid flowchart (pure, deterministic): each Proxmox node → its
 * guests → their DNS names (from MAAS) → the monitors that check them. A monitor hangs from
 * the DNS name it checks, or from its guest when it checks an IP or a bare name; devices,
 * records and monitors that belong to no guest are drawn apart, in an "Unattributed" box.
 * Ids are given in the inventory's order (nodes and names sorted, guests by VMID), so the
 * text only changes when the inventory does.
 */
import { compareStrings } from '../core/value.js';
import type { GuestEntry, Inventory } from './build-inventory.js';
import type { Monitor } from './link-to-guests.js';

export function renderInventoryMermaid(inv: Inventory): string {
  const lines = ['flowchart LR'];
  const edges: string[] = [];
  let names = 0;
  let monitors = 0;
  const nameBox = (name: string, indent: string): string => {
    const id = `D${names++}`;
    lines.push(`${indent}${id}(["${label(name)}"])`);
    return id;
  };
  const monitorBox = (m: Monitor, indent: string): string => {
    const id = `M${monitors++}`;
    lines.push(`${indent}${id}[/"${label(monitorLabel(m))}"/]`);
    return id;
  };
  const drawGuest = (g: GuestEntry, id: string): void => {
    const name = g.facts.name ?? g.resource.address;
    lines.push(`  ${id}["${label(`${name} (${g.facts.kind}${g.facts.vmid !== undefined ? ` ${g.facts.vmid}` : ''})`)}"]`);
    const nameIds = new Map<string, string>();
    for (const n of [...g.links.dnsNames].sort(compareStrings)) {
      const d = nameBox(n, '  ');
      nameIds.set(n, d);
      edges.push(`  ${id} --> ${d}`);
    }
    for (const m of g.links.monitors) {
      const from = (m.facts.host !== undefined ? nameIds.get(m.facts.host.replace(/\.$/, '')) : undefined) ?? id;
      edges.push(`  ${from} --> ${monitorBox(m, '  ')}`);
    }
  };

  let guests = 0;
  inv.nodes.forEach((s, i) => {
    lines.push(`  N${i}{{"${label(`node ${s.node}`)}"}}`);
    for (const g of s.guests) {
      const id = `G${guests++}`;
      edges.push(`  N${i} --> ${id}`);
      drawGuest(g, id);
    }
  });
  for (const g of inv.guestsWithoutNode) drawGuest(g, `G${guests++}`);

  const unattributed = (address: string): boolean => inv.attribution.get(address)?.guest === undefined;
  const looseNames = [
    ...inv.devices.filter((d) => unattributed(d.resource.address)).map((d) => d.facts.fqdn),
    ...inv.records.filter((r) => unattributed(r.resource.address)).map((r) => r.facts.fqdn),
  ]
    .filter((n): n is string => n !== undefined)
    .map((n) => n.toLowerCase().replace(/\.$/, ''));
  const looseMonitors = inv.monitors.filter((m) => unattributed(m.resource.address));
  if (looseNames.length + looseMonitors.length > 0) {
    lines.push('  subgraph unattributed["Unattributed"]');
    const nameIds = new Map<string, string>();
    for (const n of [...new Set(looseNames)].sort(compareStrings)) nameIds.set(n, nameBox(n, '    '));
    for (const m of looseMonitors) {
      const box = monitorBox(m, '    ');
      const from = m.facts.host !== undefined ? nameIds.get(m.facts.host.replace(/\.$/, '')) : undefined;
      if (from !== undefined) edges.push(`  ${from} --> ${box}`);
    }
    lines.push('  end');
  }
  return [...lines, ...edges].join('\n') + '\n';
}

/** `Uptime Kuma on pve (kuma.pve)`: the monitor's name and the provider (instance) running it. */
function monitorLabel(m: Monitor): string {
  return `${m.facts.name ?? m.resource.address} (${m.resource.provider})`;
}

/** Text inside a quoted Mermaid label: quotes, `#`, angle brackets and backticks as entities, on one line. */
export function label(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;');
}
