/**
 * The pure parts of the proxmox provider: planResource (canonical comparison, computed values,
 * replacement reasons, reboot notes), validateResource (permissions known up front, slot
 * ranges, sizes), the provider block, property-string comparison in the config mapping,
 * and hl's marker line.
 */
import { describe, expect, it } from 'vitest';
import { isUnknown, UNKNOWN, type Attributes } from '../../src/core/value.js';
import { formatMarker, splitMarker, withMarker } from '../../providers/proxmox/mapping/hl-marker.js';
import { vmAttributesFromConfig, vmConfigChanges } from '../../providers/proxmox/mapping/vm-config-mapping.js';
import { parseProviderConfig } from '../../providers/pve/provider-settings.js';
import { ProxmoxProvider } from '../../providers/proxmox/proxmox-provider.js';

const provider = new ProxmoxProvider();
const TOKEN_CONFIG: Attributes = { endpoint: 'https://pve.maas:8006', token_id: 'hl@pve!hl', token_secret: '5e1f0c2a-7b3d-4c8e-9f60-0a1b2c3d4e5f' };
const ROOT_CONFIG: Attributes = { endpoint: 'https://pve.maas:8006', username: 'root@pam', password: 'secret' };

/** A live VM as PVE would answer GET config, read into attributes. */
function liveVm(config: Record<string, string>, status = 'running', pending: string[] = []): Attributes {
  return vmAttributesFromConfig({ node: 'pve', vmid: 120, config, status, pool: null, pending, prior: null });
}

const LIVE = {
  name: 'k3s-1',
  cores: '4',
  memory: 'current=8192',
  cpu: 'cputype=host,flags=+aes',
  scsihw: 'virtio-scsi-single',
  scsi0: 'local-lvm:vm-120-disk-0,iothread=on,discard=on,size=32768M,cache=none',
  net0: 'bridge=vmbr0,virtio=BC:24:11:00:00:01,firewall=true',
  onboot: 'yes',
  agent: '1',
  tags: 'k3s;hl',
};

describe('planResource (proxmox_vm)', () => {
  it('sees no change when config and server differ only in spelling: size units, booleans, key order, tag order, cache none', () => {
    const prior = liveVm(LIVE);
    const config: Attributes = {
      node: 'pve',
      name: 'k3s-1',
      cores: 4,
      memory: 8192,
      cpu: 'host',
      scsi_hardware: 'virtio-scsi-single',
      onboot: true,
      agent: true,
      tags: ['k3s', 'hl'],
      disks: { scsi0: { size: '32G', storage: 'local-lvm', cache: 'none', iothread: true, discard: true } },
      networks: { net0: { firewall: true, bridge: 'vmbr0', model: 'virtio' } },
    };
    const p = provider.planResource({ type: 'proxmox_vm', prior, config, providerConfig: {} });
    expect(p.requiresReplace).toEqual([]);
    expect(p.notes).toEqual([]);
    expect(p.planned).toEqual(prior);
    // Nothing to write either: the mapping compares property strings canonically.
    const live = Object.fromEntries(Object.entries(LIVE));
    expect(vmConfigChanges({ planned: p.planned, live, prior }).empty).toBe(true);
  });

  it('keeps settings the config leaves out as they are on the server', () => {
    const prior = liveVm(LIVE);
    const p = provider.planResource({ type: 'proxmox_vm', prior, config: { node: 'pve', memory: 4096 }, providerConfig: {} });
    expect(p.planned).toEqual({ ...prior, memory: 4096, pending_changes: UNKNOWN });
  });

  it('plans computed values of a create as unknown, a clone inheriting the template, started by default', () => {
    const p = provider.planResource({
      type: 'proxmox_vm',
      prior: null,
      config: { node: 'pve', clone: { source: '9000' }, networks: { net0: { bridge: 'vmbr0' } } },
      providerConfig: {},
    });
    expect(isUnknown(p.planned.vmid)).toBe(true);
    expect(isUnknown(p.planned.id)).toBe(true);
    expect(isUnknown(p.planned.memory)).toBe(true);
    expect(p.planned.clone).toEqual({ source: 9000, full: true, snapshot: null });
    expect(p.planned.started).toBe(true);
    expect(p.planned.status).toBe('running');
    const net = (p.planned.networks as Attributes).net0 as Attributes;
    expect(isUnknown(net.mac)).toBe(true);
    expect(isUnknown(net.firewall)).toBe(true); // from the template
  });

  it('forces replacement for a vmid change, a clone source change and a shrink; a node change with it is no migration then', () => {
    const prior = { ...liveVm(LIVE), clone: { source: 9000, full: true, snapshot: null } };
    const config: Attributes = {
      node: 'chief-horse',
      vmid: 121,
      clone: { source: 9001 },
      disks: { scsi0: { storage: 'local-zfs', size: '16G' } },
    };
    const p = provider.planResource({ type: 'proxmox_vm', prior, config, providerConfig: {} });
    expect(p.requiresReplace.map((r) => r.reason)).toEqual([
      'vmid changes from 120 to 121: the VMID of a guest cannot change',
      'clone changes: a VM is cloned only when it is created, so a different source means a new VM',
      'disks.scsi0.size cannot shrink from 32G to 16G: Proxmox only grows disks',
    ]);
    expect(p.migration).toBeUndefined();
    // The replacement is planned as a new VM (its MACs and volumes unknown).
    expect(p.planned.id).toBe('chief-horse/121');
    expect(isUnknown(((p.planned.disks as Attributes).scsi0 as Attributes).volume)).toBe(true);
  });

  it('notes changes a running VM takes only at restart, per reboot policy; a stopped VM needs no note', () => {
    const prior = liveVm(LIVE);
    const config: Attributes = { node: 'pve', cores: 8, memory: 16384, name: 'renamed' };
    const never = provider.planResource({ type: 'proxmox_vm', prior, config, providerConfig: TOKEN_CONFIG });
    expect(never.notes).toEqual([
      'cores 4 → 8, memory 8192 → 16384: the running VM takes these changes only at its next start; reboot policy "never": they stay pending until the VM is restarted (set reboot = "if-needed" on the provider to restart it during apply)',
    ]);
    expect(isUnknown(never.planned.pending_changes)).toBe(true);
    const ifNeeded = provider.planResource({ type: 'proxmox_vm', prior, config, providerConfig: { ...TOKEN_CONFIG, reboot: 'if-needed' } });
    expect(ifNeeded.notes[0]).toMatch(/reboot policy "if-needed": hl shuts it down and starts it again during apply$/);
    expect(ifNeeded.planned.pending_changes).toEqual([]);
    const stopped = provider.planResource({ type: 'proxmox_vm', prior: liveVm(LIVE, 'stopped'), config, providerConfig: {} });
    expect(stopped.notes).toEqual([]);
    // Only the name: hot-pluggable, no note.
    expect(provider.planResource({ type: 'proxmox_vm', prior, config: { node: 'pve', name: 'x' }, providerConfig: {} }).notes).toEqual([]);
  });

  it('asks for storage and size of a new disk', () => {
    const p = provider.planResource({ type: 'proxmox_vm', prior: null, config: { node: 'pve', disks: { scsi1: { cache: 'writeback' } } }, providerConfig: {} });
    expect(p.problems.map((x) => x.message)).toEqual([
      'disks.scsi1.storage is required for a new disk (the storage to allocate it on)',
      'disks.scsi1.size is required for a new disk (e.g. "32G"), unless import_from is set',
    ]);
  });
});

describe('validateResource', () => {
  const v = (type: string, config: Attributes, providerConfig: Attributes = TOKEN_CONFIG) =>
    provider.validateResource({ type, config, providerConfig }).map((p) => p.message);

  it('rejects raw USB and PCI passthrough with an API token, naming the resource mapping way out', () => {
    const msgs = v('proxmox_vm', { node: 'fun-bedbug', usb: { usb0: { host: '18d1:9302' } }, hostpci: { hostpci0: { host: '0000:01:00.0' } } });
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/^usb\.usb0\.host passes a raw host USB device through: only root@pam logged in with a password may do that; .* use mapping = "<mapping id>" instead$/);
    expect(msgs[0]).toContain('/cluster/mapping/usb');
    expect(msgs[1]).toContain('/cluster/mapping/pci');
    expect(v('proxmox_vm', { node: 'fun-bedbug', usb: { usb0: { mapping: 'coral' } } })).toEqual([]);
    expect(v('proxmox_vm', { node: 'fun-bedbug', usb: { usb0: { host: '18d1:9302' } } }, ROOT_CONFIG)).toEqual([]);
    expect(v('proxmox_vm', { node: 'fun-bedbug', usb: { usb0: { host: '18d1:9302' } } }, { emulated: true })).toHaveLength(1);
  });

  it('rejects LXC devices and bind mounts with a token', () => {
    const msgs = v('proxmox_lxc', { node: 'pve', dev: { dev0: { path: '/dev/dri/renderD128' } }, mount_points: { mp0: { host_path: '/tank/media', path: '/media' } } });
    expect(msgs).toEqual([
      'mount_points.mp0.host_path is a bind mount of a host directory: only root@pam logged in with a password may do that; this provider authenticates with an API token',
      'dev.dev0 passes a host device node into the container: only root@pam logged in with a password may do that; this provider authenticates with an API token. Configure the provider with username = "root@pam" and a password to manage devices',
    ]);
    expect(v('proxmox_lxc', { node: 'pve', dev: { dev0: { path: '/dev/dri/renderD128' } } }, ROOT_CONFIG)).toEqual([]);
  });

  it('checks slot ranges, sizes and options the bus supports', () => {
    expect(
      v('proxmox_vm', {
        node: 'pve',
        disks: { scsi31: { storage: 'local-lvm', size: '1G' }, virtio0: { storage: 'local-lvm', size: '10 GB', ssd: true }, sata1: { storage: 'l', size: '1G', iothread: true } },
        networks: { net32: {}, eth0: {} },
        usb: { usb5: { mapping: 'x' } },
        hostpci: { hostpci16: { mapping: 'gpu' } },
        cloud_init: { ipconfig: { ipconfig32: {} } },
      }),
    ).toEqual([
      'disks.scsi31: scsi slots go from scsi0 to scsi30',
      'networks.net32: net slots go from net0 to net31',
      'networks.eth0: slot names are net0–net31',
      'usb.usb5: usb slots go from usb0 to usb4',
      'hostpci.hostpci16: hostpci slots go from hostpci0 to hostpci15',
      'cloud_init.ipconfig.ipconfig32: ipconfig slots go from ipconfig0 to ipconfig31',
      'disks.virtio0.size: "10 GB" is not a size; write a number with a unit K, M, G or T (e.g. "32G")',
      'disks.virtio0.ssd: virtio disks have no ssd option (use scsi, sata or ide)',
      'disks.sata1.iothread: only scsi and virtio disks have an I/O thread',
    ]);
    expect(v('proxmox_lxc', { node: 'pve', mount_points: { mp256: { path: '/x' } }, rootfs: { size: '0.5K' } })).toEqual([
      'mount_points.mp256: mp slots go from mp0 to mp255',
      'rootfs.size: a disk must be at least 1M',
    ]);
  });
});

describe('provider block', () => {
  it('accepts a token or a password, normalises the fingerprint, defaults the port and the reboot policy', () => {
    const r = parseProviderConfig({ ...TOKEN_CONFIG, tls_fingerprint: 'bb:ae:a9:a7:a7:e3:23:74:ec:2f:0b:23:63:34:19:ad:3c:dc:7d:5f:6f:ef:f2:05:0d:27:fc:b1:d1:f9:a2:7b' });
    expect('settings' in r && r.settings).toMatchObject({
      mode: 'remote',
      host: 'pve.maas',
      port: 8006,
      reboot: 'never',
      tlsFingerprint: 'bbaea9a7a7e32374ec2f0b23633419ad3cdc7d5f6feff2050d27fcb1d1f9a27b',
      auth: { kind: 'token', tokenId: 'hl@pve!hl' },
    });
    const pw = parseProviderConfig({ endpoint: 'https://10.0.0.2', username: 'root', password: 'x', reboot: 'if-needed', task_timeout: { clone: 3600 } });
    expect('settings' in pw && pw.settings).toMatchObject({ auth: { kind: 'password', username: 'root@pam' }, reboot: 'if-needed', timeouts: { clone: 3600, create: 600 } });
    expect('settings' in parseProviderConfig({ emulated: true }) && parseProviderConfig({ emulated: true })).toBeTruthy();
  });

  it('explains what is wrong', () => {
    const bad = parseProviderConfig({ endpoint: 'http://pve.maas:8006', token_id: 'hl', token_secret: 'nope', insecure: true, tls_fingerprint: 'AA', reboot: 'sometimes' });
    expect('problems' in bad && bad.problems.map((p) => `${p.attribute}: ${p.message}`)).toEqual([
      'reboot: reboot must be one of "never", "if-needed"',
      'token_id: token_id must look like USER@REALM!TOKENID (e.g. hl@pve!hl), got "hl"',
      'token_secret: token_secret must be the UUID PVE showed when the token was created',
      'tls_fingerprint: tls_fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons allowed (AA:BB:...)',
      'endpoint: endpoint uses plain http to pve.maas: the API credentials would cross the network unencrypted. Use https, or set allow_http: true in the proxmox provider block to accept it (http is accepted to loopback hosts only)',
      'endpoint: ca_file, tls_fingerprint and insecure only apply to https endpoints',
    ]);
    expect('problems' in parseProviderConfig({ endpoint: 'https://pve:8006' }) && parseProviderConfig({ endpoint: 'https://pve:8006' })).toMatchObject({
      problems: [{ attribute: 'token_id', message: 'credentials are required: token_id and token_secret, or username and password' }],
    });
    expect(parseProviderConfig({ ...TOKEN_CONFIG, endpoint: 'http://127.0.0.1:8006' })).toHaveProperty('settings');
  });
});

describe('hl marker', () => {
  it('round-trips the token and creation facts and keeps the user text apart', () => {
    const line = formatMarker({ token: 'abc123def456', facts: { ostemplate: 'local:vztmpl/x;y).tar', clone: 'ubuntu' } });
    const desc = withMarker('my notes\nsecond line', line);
    expect(splitMarker(desc)).toEqual({ text: 'my notes\nsecond line', marker: { token: 'abc123def456', facts: { ostemplate: 'local:vztmpl/x;y).tar', clone: 'ubuntu' } }, line });
    expect(splitMarker('just notes  \n')).toEqual({ text: 'just notes' });
    expect(splitMarker(line).text).toBeNull();
  });
});
