/**
 * `hl docs` on the example homelab, applied against the embedded emulators (real processes,
 * on a copy): each IP, DNS name, MAAS device and monitor is credited to the one guest it
 * names — the two Uptime Kuma hosts, whose MAAS devices and monitors come from `for_each`
 * blocks that depend on both containers, each get their own and not the other's — checked
 * on the inventory built in-process from the applied state and on the page `hl docs` prints,
 * whose Mermaid blocks parse.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInventory, type Inventory } from '../../src/docs/build-inventory.js';
import { inventoryResources } from '../../src/docs/inventory-resource.js';
import type { State } from '../../src/state/state-types.js';
import { copyExampleModules } from '../support/example-modules.js';
import { runHl } from '../support/run-hl.js';
import { builtinInventoryFacts } from './builtin-inventory-docs.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const K3S = (node: string, what: string): string => `module.k3s_node["${node}"].${what}`;

/** Who owns what in the example: every IP, DNS name, MAAS device and monitor of each guest. */
const OWNERS: { guest: string; ips: string[]; dnsNames: string[]; devices: string[]; monitors: string[] }[] = [
  {
    guest: 'proxmox_lxc.docker',
    ips: ['192.168.4.20'],
    dnsNames: ['docker.maas'],
    devices: ['maas_device.kuma_host["pve"]'],
    monitors: ['kuma_monitor.kuma_peer_fun_bedbug["pve"]', 'kuma_monitor.kuma_peer_pve["pve"]'],
  },
  {
    guest: 'proxmox_lxc.uptime_kuma',
    ips: ['192.168.4.21'],
    dnsNames: ['uptime-kuma.maas'],
    devices: ['maas_device.kuma_host["fun-bedbug"]'],
    monitors: ['kuma_monitor.kuma_peer_fun_bedbug["fun-bedbug"]', 'kuma_monitor.kuma_peer_pve["fun-bedbug"]'],
  },
  ...(
    [
      ['pve', '192.168.4.50'],
      ['pumped-piglet', '192.168.4.51'],
      ['chief-horse', '192.168.4.52'],
    ] as const
  ).map(([node, ip]) => ({
    guest: K3S(node, 'proxmox_vm.this'),
    ips: [ip],
    dnsNames: [`k3s-vm-${node}.maas`],
    devices: [K3S(node, 'maas_device.this')],
    monitors: [K3S(node, 'kuma_monitor.api_primary'), K3S(node, 'kuma_monitor.api_secondary')],
  })),
];

let dir: string;
let inventory: Inventory;
let page: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hl-docs-example-'));
  mkdirSync(join(dir, 'examples'));
  copyFileSync(join(ROOT, 'examples', 'homelab.yaml'), join(dir, 'examples', 'homelab.yaml'));
  copyExampleModules(ROOT, join(dir, 'examples'));
  copyFileSync(join(ROOT, 'homelab.state.json'), join(dir, 'homelab.state.json'));
  const hl = (args: string[]) => runHl([...args, '-c', 'examples/homelab.yaml'], { cwd: dir });
  const committed = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as State;
  // The committed state predates the k3s-node module (until `moved` blocks carry it over).
  if (committed.resources.some((r) => r.address === 'proxmox_vm.k3s["pve"]')) {
    const mv = await hl(['state', 'mv', 'proxmox_vm.k3s["pve"]', K3S('pve', 'proxmox_vm.this')]);
    expect(mv.code, mv.stderr).toBe(0);
  }
  const apply = await hl(['apply', '--auto-approve']);
  expect(apply.code, apply.stdout + apply.stderr).toBe(0);
  const docs = await hl(['docs']);
  expect(docs.code, docs.stderr).toBe(0);
  page = docs.stdout;
  const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as State;
  inventory = buildInventory(inventoryResources(state), builtinInventoryFacts());
}, 120_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('hl docs on the example homelab', () => {
  it('credits each IP, DNS name, MAAS device and monitor to its own guest', () => {
    for (const o of OWNERS) {
      const g = inventory.guests.get(o.guest);
      expect(g, o.guest).toBeDefined();
      expect(
        {
          ips: g!.links.ips,
          dnsNames: g!.links.dnsNames,
          devices: g!.links.devices.map((d) => d.resource.address),
          monitors: g!.links.monitors.map((m) => m.resource.address),
        },
        o.guest,
      ).toEqual({ ips: o.ips, dnsNames: o.dnsNames, devices: o.devices, monitors: o.monitors });
    }
  });

  it('every device and monitor of the example belongs to exactly the guest that owns it, and the other guests have none', () => {
    const owner = new Map(OWNERS.flatMap((o) => [...o.devices, ...o.monitors].map((a) => [a, o.guest] as const)));
    const linked = [...inventory.devices, ...inventory.monitors].map((x) => x.resource.address);
    expect(linked.sort()).toEqual([...owner.keys()].sort());
    for (const address of linked) expect(inventory.attribution.get(address)?.guest, address).toBe(owner.get(address));
    for (const g of inventory.guests.values()) {
      if (OWNERS.some((o) => o.guest === g.resource.address)) continue;
      expect(g.links.monitors.concat(), g.resource.address).toEqual([]);
      expect(g.links.dnsNames, g.resource.address).toEqual([]);
    }
  });

  it('prints the same credits on the page', () => {
    const guestRow = (name: string): string => page.split('\n').find((l) => l.startsWith(`| \`${name}\` |`)) ?? '';
    expect(guestRow('docker')).toContain('| `192.168.4.20` | `docker.maas` | 2 |');
    expect(guestRow('uptime-kuma')).toContain('| `192.168.4.21` | `uptime-kuma.maas` | 2 |');
    expect(guestRow('k3s-vm-pumped-piglet')).toContain('| `192.168.4.51` | `k3s-vm-pumped-piglet.maas` | 2 |');
    expect(page).toMatch(/\| `maas_device\.kuma_host\["pve"\]` \| `docker\.maas` \| `192\.168\.4\.20` \| `bc:24:11:[0-9a-f:]+` \| `docker` \(MAC bc:24:11:/);
    expect(page).toContain('| `kuma_monitor.kuma_peer_pve["fun-bedbug"]` | Uptime Kuma on fun-bedbug | `kuma.pve` | http | `http://uptime-kuma.maas:3001/` | `uptime-kuma` (DNS name uptime-kuma.maas) |');
    expect(page).toContain('4 Proxmox nodes, 9 guests, 5 IP addresses, 10 monitors;');
    expect(page).not.toContain('unattributed');
  });

  it("the page's Mermaid blocks (map and dependency graph) parse with Mermaid's parser", async () => {
    // mermaid's label sanitizer (DOMPurify) needs a DOM, found as `window` when it loads.
    const { Window } = await import('happy-dom');
    Object.assign(globalThis, { window: new Window() });
    const { default: mermaid } = await import('mermaid');
    const blocks = [...page.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain('  D3(["docker.maas"])');
    for (const b of blocks) await expect(mermaid.parse(b)).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
  });
});
