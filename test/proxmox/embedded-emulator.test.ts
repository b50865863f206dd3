/**
 * `emulated: true`: the provider starts the PVE emulator in-process on a loopback port, its
 * world in <workDir>/proxmox-world.json seeded with the homelab; close() stops it; the world
 * outlives the process, so a second run sees what the first one made.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { proxmoxProviderFactory } from '../../providers/proxmox/index.js';
import type { Provider } from '../../src/provider/contract.js';

describe('proxmox provider with emulated: true', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'hl-proxmox-embedded-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  async function configured(): Promise<Provider> {
    const p = proxmoxProviderFactory.create();
    await p.configure({ config: { emulated: true }, configDir: workDir, workDir });
    return p;
  }

  it('serves the seeded homelab, persists the world, and stops on close', async () => {
    expect(proxmoxProviderFactory.type).toBe('proxmox');
    const first = await configured();
    let vmid: number;
    try {
      expect(existsSync(join(workDir, 'proxmox-world.json'))).toBe(true);
      const opnsense = await first.importResource!({ type: 'proxmox_vm', id: 'pve/101' });
      expect(opnsense.resource?.state).toMatchObject({ name: 'OPNsense', memory: 4096 });
      const planned = first.planResource!({ type: 'proxmox_lxc', prior: null, config: { node: 'pve', hostname: 'embedded', ostemplate: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz', rootfs: { storage: 'local-lvm', size: '1G' }, started: false }, providerConfig: { emulated: true } }).planned;
      const { identity } = await first.reserve!({ type: 'proxmox_lxc', planned });
      const created = await first.create({ type: 'proxmox_lxc', planned, identity });
      vmid = created.state.vmid as number;
    } finally {
      await first.close!();
    }
    const second = await configured();
    try {
      const again = await second.read({ type: 'proxmox_lxc', id: `pve/${vmid}`, prior: { vmid } });
      expect(again.state).toMatchObject({ hostname: 'embedded', ostemplate: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz' });
    } finally {
      await second.close!();
    }
  });

  it('refuses endpoint or credentials next to emulated: true', async () => {
    const p = proxmoxProviderFactory.create();
    await expect(p.configure({ config: { emulated: true, endpoint: 'https://pve.maas:8006' }, configDir: workDir, workDir })).rejects.toThrow(
      /endpoint cannot be set together with emulated: true/,
    );
  });
});
