/**
 * The facts `hl docs` shows of a guest, read from the attribute names Proxmox guests use:
 * VMID, name, CPU and memory, disks, networks with their MACs, the IPs written in its own
 * config (cloud-init `ipconfig`, container `networks.*.ip`), and passthrough devices
 * (`usb`, `hostpci`, container `dev`). The kind label (`VM`, `CT`, or the resource type)
 * is the caller's. One reader for both of its callers: the proxmox provider's inventory hook
 * and the rule `hl docs` applies to other guests (any managed resource with `node` and `vmid`).
 */
import { MASK } from '../core/redact.js';
import { isValueMap, type Attributes, type ValueMap } from '../core/value.js';
import type { GuestFacts } from './inventory-facts.js';
import { normalizeMac, slots, text } from './attribute-text.js';

export function readGuestFacts(kind: string, a: Attributes): GuestFacts {
  const facts: GuestFacts = { kind, disks: [], networks: [], macs: [], ips: [], passthrough: [] };
  const vmid = typeof a['vmid'] === 'number' ? a['vmid'] : Number(text(a['vmid']));
  if (Number.isInteger(vmid)) facts.vmid = vmid;
  const name = text(a['name']) ?? text(a['hostname']);
  if (name !== undefined) facts.name = name;
  const node = text(a['node']);
  if (node !== undefined) facts.node = node;
  const status = text(a['status']);
  if (status !== undefined) facts.status = status;
  const cpu = cpuText(a);
  if (cpu !== undefined) facts.cpu = cpu;
  const memory = memoryText(a);
  if (memory !== undefined) facts.memory = memory;

  for (const [slot, d] of slots(a['disks'])) facts.disks.push(volumeText(slot, d));
  if (isValueMap(a['rootfs'])) facts.disks.push(volumeText('rootfs', a['rootfs']));
  for (const [slot, d] of slots(a['mount_points'])) facts.disks.push(volumeText(slot, d));

  for (const [slot, n] of slots(a['networks'])) {
    const mac = text(n['mac']) ?? text(n['hwaddr']) ?? text(n['macaddr']);
    if (mac !== undefined && mac !== MASK) facts.macs.push(normalizeMac(mac));
    const parts = [mac, text(n['bridge']) !== undefined ? `on ${text(n['bridge'])}` : undefined];
    if (typeof n['tag'] === 'number') parts.push(`VLAN ${n['tag']}`);
    const ip = text(n['ip']);
    if (ip !== undefined) {
      parts.push(ip);
      addAddress(facts.ips, ip);
    }
    facts.networks.push(`${slot}: ${parts.filter((p) => p !== undefined).join(' ') || '(default)'}`);
  }
  const cloudInit = a['cloud_init'];
  if (isValueMap(cloudInit)) for (const [, cfg] of slots(cloudInit['ipconfig'])) addAddress(facts.ips, text(cfg['ip']));

  for (const [slot, u] of slots(a['usb'])) {
    const what = text(u['mapping']) !== undefined ? `mapping ${text(u['mapping'])}` : `host ${text(u['host']) ?? '?'}`;
    facts.passthrough.push(`${slot}: USB ${what}${u['usb3'] === true ? ' (USB 3)' : ''}`);
  }
  for (const [slot, p] of slots(a['hostpci'])) {
    const what = text(p['mapping']) !== undefined ? `mapping ${text(p['mapping'])}` : `host ${text(p['host']) ?? '?'}`;
    facts.passthrough.push(`${slot}: PCI ${what}${p['pcie'] === true ? ' (PCIe)' : ''}`);
  }
  for (const [slot, d] of slots(a['dev'])) facts.passthrough.push(`${slot}: device ${text(d['path']) ?? '?'}`);
  return facts;
}

function cpuText(a: Attributes): string | undefined {
  if (typeof a['cores'] !== 'number') return undefined;
  const sockets = typeof a['sockets'] === 'number' && a['sockets'] > 1 ? ` × ${a['sockets']} sockets` : '';
  return `${a['cores']} ${a['cores'] === 1 ? 'core' : 'cores'}${sockets}`;
}

function memoryText(a: Attributes): string | undefined {
  if (typeof a['memory'] !== 'number') return undefined;
  const swap = typeof a['swap'] === 'number' && a['swap'] > 0 ? ` (+${a['swap']} MiB swap)` : '';
  return `${a['memory']} MiB${swap}`;
}

/** `scsi0: 32G on local-lvm`, `mp0: /srv/media at /media (bind mount)`. */
function volumeText(slot: string, d: ValueMap): string {
  const parts: string[] = [];
  const hostPath = text(d['host_path']);
  if (hostPath !== undefined) parts.push(hostPath);
  else {
    const size = text(d['size']);
    if (size !== undefined) parts.push(size);
    const storage = text(d['storage']);
    if (storage !== undefined) parts.push(`on ${storage}`);
  }
  const mountPath = text(d['path']);
  if (mountPath !== undefined) parts.push(`at ${mountPath}`);
  if (hostPath !== undefined) parts.push('(bind mount)');
  return `${slot}: ${parts.join(' ') || '(default)'}`;
}

/** Adds an address written as `192.168.4.20/24`, skipping `dhcp`, `manual` and masked values. */
function addAddress(list: string[], written: string | undefined): void {
  if (written === undefined || written === MASK) return;
  const ip = written.split('/')[0]!.trim();
  if (!/^[0-9a-fA-F:.]+$/.test(ip) || !/[.:]/.test(ip)) return;
  if (!list.includes(ip)) list.push(ip);
}
