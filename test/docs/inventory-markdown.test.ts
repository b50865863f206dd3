/**
 * The inventory page from hand-built state: the summary, the map, a table per kind with the
 * guest each device, record, monitor and passthrough belongs to by the documented rules (or
 * "unattributed"), the guests' details, the dependency graph; determinism; sensitive values
 * absent.
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
  it('has a summary, the map, a table per kind, the guests\' details by node and VMID, and the dependency graph', () => {
    const text = page();
    const headings = text.split('\n').filter((l) => /^#{1,3} /.test(l));
    expect(headings).toEqual([
      '# Homelab inventory',
      '## Summary',
      '## Map',
      '## Guests',
      '## MAAS devices',
      '## DNS records',
      '## Monitors',
      '## Other resources',
      '## Guest details',
      '### `frigate` (VM 105) on `fun-bedbug`',
      '### `k3s` (VM 101) on `pve`',
      '### `pihole` (CT 110) on `pve`',
      '## Dependency graph',
    ]);
  });

  it('sums up nodes, guests per node, IPs and monitors', () => {
    const text = page();
    expect(text).toContain('2 Proxmox nodes, 3 guests, 3 IP addresses, 4 monitors (1 unattributed); 13 resources in all.');
    expect(text).toContain(
      [
        '| Node | Guests | IP addresses | Monitors | Other resources |',
        '| --- | --- | --- | --- | --- |',
        '| `fun-bedbug` | 1: `frigate` | `192.168.4.50` | 1 | 1 |',
        '| `pve` | 2: `k3s`, `pihole` | `192.168.4.20`, `192.168.4.53` | 2 | 0 |',
        '| node not known | 0 | — | 0 | 1 |',
        '| unattributed | — | — | 1 | — |',
      ].join('\n'),
    );
  });

  it('has a row per guest, by node and VMID', () => {
    const text = page();
    expect(text).toContain(
      [
        '| Guest | Node | Kind | VMID | Status | CPU | Memory | IP addresses | DNS names | Monitors |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        '| `frigate` | `fun-bedbug` | VM | 105 | running | 4 cores | 8192 MiB | `192.168.4.50` | `frigate.maas`, `nvr.maas` | 1 |',
        '| `k3s` | `pve` | VM | 101 | — | 2 cores × 2 sockets | 4096 MiB | `192.168.4.20` | `k3s.maas` | 1 |',
        '| `pihole` | `pve` | CT | 110 | — | 1 core | 512 MiB (+512 MiB swap) | `192.168.4.53` | `dns.maas` | 1 |',
      ].join('\n'),
    );
  });

  it('shows a VM\'s resources, IPs and DNS names from MAAS (by MAC and CNAME), its monitor and passthrough devices', () => {
    const frigate = section(page(), '### `frigate` (VM 105) on `fun-bedbug`');
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

  it('links a device without a MAC by hostname (any case), a monitor by IP, and a DNS record by A data', () => {
    const text = page();
    const k3s = section(text, '### `k3s` (VM 101) on `pve`');
    expect(k3s).toContain('- **CPU:** 2 cores × 2 sockets');
    expect(k3s).toContain('- **IP addresses:** `192.168.4.20`');
    expect(k3s).toContain('- **DNS names:** `k3s.maas`');
    expect(k3s).toContain('- **Monitors:** `kuma_monitor.k3s` k3s API → `192.168.4.20:6443`');
    const pihole = section(text, '### `pihole` (CT 110) on `pve`');
    expect(pihole).toContain('- **Memory:** 512 MiB (+512 MiB swap)');
    expect(pihole).toContain('- **Disks:** rootfs: 8G on local-lvm; mp0: /srv/pihole at /etc/pihole (bind mount)');
    expect(pihole).toContain('- **IP addresses:** `192.168.4.53`');
    expect(pihole).toContain('- **DNS names:** `dns.maas`');
    expect(pihole).toContain('- **Monitors:** `kuma_monitor.dns` Pi-hole DNS → `dns.maas:53`');
  });

  it('lists devices, records, monitors and the rest with the guest each belongs to and by what, or unattributed', () => {
    const text = page();
    expect(text).toContain('| `maas_device.frigate` | `frigate.maas` | `192.168.4.50` | `bc:24:11:00:00:05` | `frigate` (MAC bc:24:11:00:00:05) |');
    expect(text).toContain('| `maas_device.k3s` | `k3s.maas` | `192.168.4.20` | — | `k3s` (name k3s) |');
    expect(text).toContain('| `maas_dns_record.nvr` | `nvr.maas` | CNAME | `frigate.maas` | `frigate` (DNS name frigate.maas) |');
    expect(text).toContain('| `maas_dns_record.dns` | `dns.maas` | A | `192.168.4.53` | `pihole` (IP 192.168.4.53) |');
    expect(text).toContain('| `kuma_monitor.internet` | Internet \\| upstream | `kuma` | ping | `8.8.8.8` | _unattributed_ |');
    expect(text).toContain('| `kuma_monitor.k3s` | k3s API | `kuma` | port | `192.168.4.20:6443` | `k3s` (IP 192.168.4.20) |');
    expect(text).toContain('| `coral_passthrough.frigate` | `coral_passthrough` | `fun-bedbug/105/usb` | `fun-bedbug` | `frigate` (VMID 105) |');
    expect(text).toContain('| `fake_resource.note` | `fake_resource` | `fake-1` | — | — |');
  });

  it('draws the map: nodes → guests → DNS names → monitors, the unattributed apart', () => {
    const map = /## Map\n\n.*\n\n```mermaid\n([\s\S]*?)```/.exec(page())?.[1];
    expect(map).toBe(
      [
        'flowchart LR',
        '  N0{{"node fun-bedbug"}}',
        '  G0["frigate (VM 105)"]',
        '  D0(["frigate.maas"])',
        '  D1(["nvr.maas"])',
        '  M0[/"Frigate UI (kuma)"/]',
        '  N1{{"node pve"}}',
        '  G1["k3s (VM 101)"]',
        '  D2(["k3s.maas"])',
        '  M1[/"k3s API (kuma)"/]',
        '  G2["pihole (CT 110)"]',
        '  D3(["dns.maas"])',
        '  M2[/"Pi-hole DNS (kuma)"/]',
        '  subgraph unattributed["Unattributed"]',
        '    M3[/"Internet | upstream (kuma)"/]',
        '  end',
        '  N0 --> G0',
        '  G0 --> D0',
        '  G0 --> D1',
        '  D0 --> M0',
        '  N1 --> G1',
        '  G1 --> D2',
        '  G1 --> M1',
        '  N1 --> G2',
        '  G2 --> D3',
        '  D3 --> M2',
        '',
      ].join('\n'),
    );
  });

  it('ends with the dependency graph as a mermaid block, grouped by node', () => {
    const text = page();
    const block = /## Dependency graph\n\n.*\n\n```mermaid\n([\s\S]*?)```/.exec(text)?.[1];
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
    expect(section(text, '### `k3s` (VM 101) on `pve`')).toContain('- **CPU:** 8 cores');
    expect(text).toContain('### `pihole` (CT 110) on `pve` — not found by the live read');
    expect(text).toContain('| `pihole` (not found by the live read) | `pve` | CT | 110 |');
  });

  it('masks sensitive paths in live reads too', () => {
    const live = new Map<string, Attributes | null>([['proxmox_lxc.pihole', { node: 'pve', vmid: 110, hostname: 'pihole', password: 'ct-root-pw-99' }]]);
    expect(page(live)).not.toContain('ct-root-pw-99');
  });

  it('lists guests without a node after the others, and sums them up apart', () => {
    const resources = homelabResources().filter((r) => r.address === 'proxmox_vm.k3s' || r.address === 'proxmox_lxc.pihole');
    delete resources.find((r) => r.address === 'proxmox_vm.k3s')!.attributes['node'];
    const text = renderInventoryMarkdown(inventoryResources(homelabState(resources)));
    expect(text).toContain('| `pve` | 1: `pihole` | `192.168.4.53` | 0 | 0 |\n| node not known | 1: `k3s` | — | 0 | 0 |');
    expect(text).toContain('| `k3s` | — | VM | 101 |');
    expect(text).toContain('### `pihole` (CT 110) on `pve`\n\n- **Resource:** `proxmox_lxc.pihole`');
    expect(text).toContain('### `k3s` (VM 101)\n\n- **Resource:** `proxmox_vm.k3s`');
    expect(text.indexOf('### `k3s` (VM 101)')).toBeGreaterThan(text.indexOf('### `pihole`'));
  });

  it('says when the state is empty, and still draws an (empty) dependency graph, but no map', () => {
    const text = renderInventoryMarkdown(inventoryResources(homelabState([])));
    expect(text).toContain('_The state holds no resources._');
    expect(text).not.toContain('## Map');
    expect(text).toContain('```mermaid\nflowchart LR\n```');
  });

  it('escapes names in the diagram and ignores dependencies on blocks not in state', () => {
    const resources = homelabResources().slice(0, 1);
    resources[0]!.dependencies = ['data.maas_subnet.lan'];
    const mermaid = renderDependencyMermaid(inventoryResources(homelabState(resources)));
    expect(mermaid).toBe('flowchart LR\n  subgraph node0["node fun-bedbug"]\n    n0["proxmox_vm.frigate"]\n  end\n');
  });
});
