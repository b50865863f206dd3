/**
 * Issue 16's "Must show", through the real CLI against the embedded emulator playing each PVE
 * release hl supports (`pve_version`, test/fixtures/pve-habits/main.yaml): a privileged and an
 * unprivileged container, capitalised tags, multi-entry name servers and search domains, a
 * Windows VM, disks and NICs that spell out PVE's defaults. The apply must leave what PVE
 * itself would (the container's privilege as written, the Windows machine pinned to the
 * release's QEMU), a second plan must show no changes and no inconsistent result, and a guest
 * must be destroyable right after it was started. The releases run concurrently (each is its
 * own hl processes and emulated world).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { pveProfile, type PveVersion } from '../../providers/pve/emulator/pve-profile.js';
import { EMULATED_PVE_VERSIONS } from '../../providers/pve/provider-settings.js';
import { runHl, type HlResult } from '../support/run-hl.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/pve-habits/main.yaml', import.meta.url));

interface StateFile {
  resources: { address: string; id: string; attributes: Record<string, unknown> }[];
}

/** Runs one hl step in `dir` against the emulator playing `version`. */
function hl(dir: string, version: PveVersion, args: string[], vars: string[] = []): Promise<HlResult> {
  return runHl([...args, '-c', 'main.yaml', '--var', `pve_version=${version}`, ...vars.flatMap((v) => ['--var', v])], { cwd: dir });
}

/** The whole output of a step, for messages and for what must never appear. */
const said = (r: HlResult): string => r.stdout + r.stderr;

describe('PVE habits: containers, tags, name servers, Windows, explicit defaults', () => {
  for (const version of EMULATED_PVE_VERSIONS) {
    // concurrent tests assert through their own context's `expect`
    it.concurrent(`applies, plans no change, and destroys a guest right after its start (PVE ${version})`, async ({ expect }) => {
      const dir = mkdtempSync(join(tmpdir(), 'hl-pve-habits-'));
      copyFileSync(FIXTURE, join(dir, 'main.yaml'));
      const state = (): StateFile => JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as StateFile;
      const world = (): { pveVersion: string; guests: Record<string, { config: string }> } =>
        JSON.parse(readFileSync(join(dir, '.hl', 'providers', 'proxmox', 'proxmox-world.json'), 'utf8')) as { pveVersion: string; guests: Record<string, { config: string }> };

      const apply = await hl(dir, version, ['apply', '--auto-approve']);
      expect(apply.code, said(apply)).toBe(0);
      // soft from here: every departure is reported, and the later steps still run
      expect.soft(apply.stdout).toContain('Apply complete! Resources: 5 added');
      expect.soft(said(apply)).not.toMatch(/inconsistent/i);
      expect.soft(world().pveVersion.startsWith(`${version}.`), `the emulated cluster played ${world().pveVersion}`).toBe(true);

      // what the cluster holds: written as PVE itself writes it
      const byAddress = new Map(state().resources.map((r) => [r.address, r]));
      const configOf = (address: string): string => {
        const r = byAddress.get(address);
        expect(r, address).toBeDefined();
        const vmid = r!.id.split('/')[1]!;
        return world().guests[vmid]?.config ?? '';
      };
      expect.soft(configOf('proxmox_lxc.unprivileged')).toMatch(/^unprivileged: 1$/m);
      expect.soft(configOf('proxmox_lxc.privileged')).not.toMatch(/^unprivileged: 1$/m);
      expect.soft(configOf('proxmox_lxc.privileged')).toMatch(/^nameserver: 192\.168\.4\.1 1\.1\.1\.1 9\.9\.9\.9$/m);
      expect.soft(configOf('proxmox_lxc.privileged')).toMatch(/^searchdomain: maas home\.arpa$/m);
      expect.soft(configOf('proxmox_lxc.unprivileged'), 'PVE joins an address list by spaces').toMatch(/^nameserver: 192\.168\.4\.1 2606:4700:4700::1111$/m);
      // the release's QEMU major.minor, with +pveN when that release revised the machine (qemu-server Machine.pm)
      const [major, minor] = pveProfile(version).qemu;
      expect.soft(configOf('proxmox_vm.windows'), 'a Windows VM gets its machine version pinned at create').toMatch(
        new RegExp(`^machine: pc-q35-${major}\\.${minor}(\\+pve\\d+)?$`, 'm'),
      );

      // what hl recorded: the config's own spelling
      const attrs = (address: string): Record<string, unknown> => byAddress.get(address)!.attributes;
      expect.soft(attrs('proxmox_lxc.privileged')).toMatchObject({ unprivileged: false, nameserver: '192.168.4.1 1.1.1.1 9.9.9.9', searchdomain: 'maas home.arpa' });
      expect.soft(attrs('proxmox_lxc.unprivileged')).toMatchObject({ unprivileged: true });
      expect.soft([...(attrs('proxmox_lxc.privileged').tags as string[])].sort()).toEqual(['Legacy', 'NFS-Client']);
      expect.soft([...(attrs('proxmox_vm.windows').tags as string[])].sort()).toEqual(['Desktop', 'Windows']);
      expect.soft(attrs('proxmox_vm.windows')).toMatchObject({
        ostype: 'win11',
        disks: { scsi0: { backup: true, iothread: false, discard: false, ssd: false } },
        networks: { net0: { firewall: false, link_down: false } },
      });

      const plan = await hl(dir, version, ['plan', '--detailed-exitcode']);
      expect.soft(plan.code, said(plan)).toBe(0);
      expect.soft(plan.stdout).toContain('No changes.');
      expect.soft(said(plan)).not.toMatch(/inconsistent/i);

      // start a stopped container, then destroy everything at once: it is seconds old
      const start = await hl(dir, version, ['apply', '--auto-approve'], ['quick_started=true']);
      expect.soft(start.code, said(start)).toBe(0);
      expect.soft(start.stdout).toContain('Resources: 0 added, 1 changed');
      const destroy = await hl(dir, version, ['destroy', '--auto-approve'], ['quick_started=true']);
      expect.soft(destroy.code, said(destroy)).toBe(0);
      expect.soft(destroy.stdout).toContain('Destroy complete! Resources: 0 added, 0 changed, 0 replaced, 5 destroyed.');
      expect.soft(said(destroy)).not.toMatch(/inconsistent/i);
      expect.soft(state().resources).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);
  }
});
