/**
 * The inventory page from hand-built state: per-node sections with guests and their
 * resources, IPs, DNS names, monitors and passthrough devices linked by the documented
 * rules; what is on no node; the mermaid diagram; determinism; sensitive values absent.
 */
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { inventoryResources } from '../../src/docs/inventory-resource.js';
import { renderInventoryMarkdown } from './builtin-inventory-docs.js';
import { renderDependencyMermaid } from '../../src/docs/dependency-mermaid.js';
import { homelabResources, homelabState, SECRETS } from './homelab-state.js';

function page(live?: Map<string, Attributes | null>): string {
  return renderInventoryMarkdown(inventoryResources(homelabState(), live), { live: live !== undefined });
}

/** The lines of a guest's section, from its heading to the next heading. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`${heading}\n`);
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + heading.length + 1);
  const end = rest.search(/^#{1,4} /m);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('hl docs page', () => {
  it('has a section per node, in order, with its guests by VMID', () => {
    const text = page();
    const headings = text.split('\n').filter((l) => /^#{1,3} /.test(l));
    expect(headings).toEqual([
      '# Homelab inventory',
      '## Node `fun-bedbug`',
      '### `frigate` (VM 105)',
      '## Node `pve`',
      '### `k3s` (VM 101)',
      '### `pihole` (CT 110)',
      '## Not on a node',
      '### MAAS devices',
      '### DNS records',
      '### Monitors',
      '### Other resources',
      '## Dependency graph',
    ]);
    expect(text).toContain('| `fun-bedbug` | 1 | 1 |\n| `pve` | 2 | 0 |\n| not on a node | 0 | 9 |');
  });

  it('shows a VM\'s resources, IPs and DNS names from MAAS (by MAC and CNAME), its monitor and passthrough devices', () => {
    const frigate = section(page(), '### `frigate` (VM 105)');
    expect(frigate).toContain('- **Resource:** `proxmox_vm.frigate` (id `fun-bedbug/105`)');
    expect(frigate).toContain('- **Status:** running');
    expect(frigate).toContain('- **CPU:** 4 cores');
    expect(frigate).toContain('- **Memory:** 8192 MiB');
    expect(frigate).toContain('- **Disks:** scsi0: 64G on local-lvm; scsi1: 500G on tank');
    expect(frigate).toContain('- **Networks:** net0: BC:24:11:00:00:05 on vmbr0 VLAN 40');
    expect(frigate).toContain('- **IP addresses:** `192.168.4.50`');
    expect(frigate).toContain('- **DNS names:** `frigate.maas`; `nvr.maas`');
    expect(frigate).toContain('- **Monitors:** `kuma_monitor.frigate` Frigate UI → `https://frigate.maas:5000/api`');
    expect(frigate).toContain('- **Passthrough:** usb0: USB host 18d1:9302 (USB 3); hostpci0: PCI host 0000:01:00.0 (PCIe); `coral_passthrough.frigate`');
    expect(frigate).toContain('- **MAAS:** `maas_device.frigate`; `maas_dns_record.nvr`');
  });

  it('links a device by hostname (any case), a monitor by IP, and a DNS record by A data', () => {
    const text = page();
    const k3s = section(text, '### `k3s` (VM 101)');
    expect(k3s).toContain('- **CPU:** 2 cores × 2 sockets');
    expect(k3s).toContain('- **IP addresses:** `192.168.4.20`');
    expect(k3s).toContain('- **DNS names:** `k3s.maas`');
    expect(k3s).toContain('- **Monitors:** `kuma_monitor.k3s` k3s API → `192.168.4.20:6443`');
    const pihole = section(text, '### `pihole` (CT 110)');
    expect(pihole).toContain('- **Memory:** 512 MiB (+512 MiB swap)');
    expect(pihole).toContain('- **Disks:** rootfs: 8G on local-lvm; mp0: /srv/pihole at /etc/pihole (bind mount)');
    expect(pihole).toContain('- **IP addresses:** `192.168.4.53`');
    expect(pihole).toContain('- **DNS names:** `dns.maas`');
    expect(pihole).toContain('- **Monitors:** `kuma_monitor.dns` Pi-hole DNS → `dns.maas:53`');
  });

  it('lists what is on no node, with the guest each belongs to', () => {
    const text = page();
    expect(text).toContain('| `maas_device.k3s` | `k3s.maas` | `192.168.4.20` | — | `proxmox_vm.k3s` |');
    expect(text).toContain('| `maas_dns_record.nvr` | `nvr.maas` | CNAME | `frigate.maas` | `proxmox_vm.frigate` |');
    expect(text).toContain('| `kuma_monitor.internet` | Internet \\| upstream | ping | `8.8.8.8` | — |');
    expect(text).toContain('| `fake_resource.note` | `fake_resource` | `fake-1` |');
    expect(text).toContain('#### Other resources on `fun-bedbug`');
  });

  it('ends with the dependency graph as a mermaid block, grouped by node', () => {
    const text = page();
    const block = /```mermaid\n([\s\S]*?)```/.exec(text)?.[1];
    expect(block).toBeDefined();
    expect(block).toContain('flowchart LR');
    expect(block).toContain('  subgraph node0["node fun-bedbug"]\n    n0["coral_passthrough.frigate"]\n    n11["proxmox_vm.frigate"]\n  end');
    expect(block).toContain('  subgraph node1["node pve"]');
    expect(block).toContain('  n6["maas_device.frigate"]');
    expect(block).toContain('  n0 --> n11');
    expect(block).toContain('  n2 --> n8');
    expect(text.trimEnd().endsWith('```')).toBe(true);
  });

  it('is deterministic: the same whatever the order of the state, twice the same', () => {
    const a = page();
    const shuffled = homelabResources().reverse();
    const b = renderInventoryMarkdown(inventoryResources(homelabState(shuffled)), { live: false });
    expect(b).toBe(a);
    expect(page()).toBe(a);
    expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('never shows sensitive values, URL credentials or query strings', () => {
    const text = page();
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(text).not.toContain('admin:');
  });

  it('uses live reads when given: live attributes win, a gone object is marked', () => {
    const live = new Map<string, Attributes | null>([
      ['proxmox_vm.k3s', { node: 'pve', vmid: 101, name: 'k3s', cores: 8, memory: 16384 }],
      ['proxmox_lxc.pihole', null],
    ]);
    const text = page(live);
    expect(text).toContain('from the state and live reads of every resource');
    expect(section(text, '### `k3s` (VM 101)')).toContain('- **CPU:** 8 cores');
    expect(text).toContain('### `pihole` (CT 110) — not found by the live read');
  });

  it('masks sensitive paths in live reads too', () => {
    const live = new Map<string, Attributes | null>([['proxmox_lxc.pihole', { node: 'pve', vmid: 110, hostname: 'pihole', password: 'ct-root-pw-99' }]]);
    expect(page(live)).not.toContain('ct-root-pw-99');
  });

  it('puts guests without a node in their own section', () => {
    const resources = homelabResources().filter((r) => r.address === 'proxmox_vm.k3s');
    delete resources[0]!.attributes['node'];
    const text = renderInventoryMarkdown(inventoryResources(homelabState(resources)));
    expect(text).toContain('## Not on a node\n\n### Guests whose node is not known\n\n#### `k3s` (VM 101)');
  });

  it('says when the state is empty, and still draws an (empty) graph', () => {
    const text = renderInventoryMarkdown(inventoryResources(homelabState([])));
    expect(text).toContain('_The state holds no resources._');
    expect(text).toContain('```mermaid\nflowchart LR\n```');
  });

  it('escapes names in the diagram and ignores dependencies on blocks not in state', () => {
    const resources = homelabResources().slice(0, 1);
    resources[0]!.dependencies = ['data.maas_subnet.lan'];
    const mermaid = renderDependencyMermaid(inventoryResources(homelabState(resources)));
    expect(mermaid).toBe('flowchart LR\n  subgraph node0["node fun-bedbug"]\n    n0["proxmox_vm.frigate"]\n  end\n');
  });
});
