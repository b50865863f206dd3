/**
 * `emulated: true`: the provider starts the PVE emulator in-process on a loopback port, its
 * world in <workDir>/proxmox-world.json seeded with the homelab; close() stops it; the world
 * outlives the process, so a second run sees what the first one made.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coralProviderFactory } from '../../providers/coral/index.js';
import { crucibleProviderFactory } from '../../providers/crucible/index.js';
import { PVE_VERSIONS } from '../../providers/pve/emulator/pve-profile.js';
import { proxmoxProviderFactory } from '../../providers/proxmox/index.js';
import { DEFAULT_EMULATED_PVE_VERSION, EMULATED_PVE_VERSIONS, parseProviderConfig } from '../../providers/pve/provider-settings.js';
import { ProxmoxProvider } from '../../providers/proxmox/proxmox-provider.js';
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

describe('pve_version of an emulated provider block', () => {
  const root = mkdtempSync(join(tmpdir(), 'hl-proxmox-version-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // hl's layout: every PVE-backed provider's work directory under .hl/providers/, the world with proxmox's
  const workDir = (key: string): string => join(root, 'providers', key);

  it('is parsed as a string or as the number YAML reads, defaults to 9.1, and is refused otherwise', () => {
    const version = (config: Record<string, unknown>): unknown => {
      const r = parseProviderConfig(config as never);
      return 'settings' in r ? (r.settings.mode === 'emulated' ? r.settings.pveVersion : 'remote') : r.problems.map((p) => `${p.attribute}: ${p.message}`);
    };
    expect(DEFAULT_EMULATED_PVE_VERSION).toBe('9.1');
    expect(version({ emulated: true })).toBe('9.1');
    expect(version({ emulated: true, pve_version: '8.4' })).toBe('8.4');
    expect(version({ emulated: true, pve_version: 8.4 })).toBe('8.4');
    expect(version({ emulated: true, pve_version: 9.1 })).toBe('9.1');
    expect(version({ emulated: true, pve_version: '8.3' })).toEqual(['pve_version: pve_version must be one of "8.4", "9.1", got "8.3"']);
    expect(version({ emulated: true, pve_version: 9 })).toEqual(['pve_version: pve_version must be one of "8.4", "9.1", got 9']);
    const remote = { endpoint: 'https://pve.maas:8006', token_id: 'hl@pve!hl', token_secret: '5e1f0c2a-7b3d-4c8e-9f60-0a1b2c3d4e5f' };
    expect(version(remote)).toBe('remote');
    expect(version({ ...remote, pve_version: '8.4' })).toEqual([
      'pve_version: pve_version applies only with emulated: true (the release the embedded emulator plays); a real cluster runs the version it runs',
    ]);
  });

  it('names only releases the emulator models, the same ones in all three provider schemas', () => {
    for (const v of EMULATED_PVE_VERSIONS) expect(PVE_VERSIONS).toContain(v);
    for (const name of ['proxmox', 'coral', 'crucible']) {
      const schema = JSON.parse(readFileSync(new URL(`../../schemas/provider-${name}.schema.json`, import.meta.url), 'utf8')) as { properties: { pve_version: { enum: unknown[] } } };
      expect(schema.properties.pve_version.enum, name).toEqual([...EMULATED_PVE_VERSIONS, ...EMULATED_PVE_VERSIONS.map(Number)]);
    }
  });

  it('starts the shared emulator as that release; coral and crucible blocks must name the same one', async () => {
    const proxmox = new ProxmoxProvider();
    await proxmox.configure({ config: { emulated: true, pve_version: '8.4' }, configDir: root, workDir: workDir('proxmox') });
    try {
      const v = await proxmox.client!.call<{ version: string; release: string }>('GET', '/version');
      expect(v.release).toBe('8.4');
      const coral = coralProviderFactory.create();
      await expect(coral.configure({ config: { emulated: true }, configDir: root, workDir: workDir('coral') })).rejects.toThrow(
        'pve_version "9.1" differs from "8.4", the release the emulated cluster of this run already plays for a proxmox provider block; every emulated block sharing it (proxmox, its aliases, coral, crucible) must set the same pve_version (left out, it is "9.1")',
      );
      const crucible = crucibleProviderFactory.create();
      await crucible.configure({ config: { emulated: true, pve_version: 8.4 }, configDir: root, workDir: workDir('crucible') });
      await crucible.close!();
    } finally {
      await proxmox.close();
    }
    // once every block has closed it, the next run may play another release on the same world
    const later = new ProxmoxProvider();
    await later.configure({ config: { emulated: true }, configDir: root, workDir: workDir('proxmox') });
    try {
      expect((await later.client!.call<{ release: string }>('GET', '/version')).release).toBe('9.1');
    } finally {
      await later.close();
    }
  });
});
