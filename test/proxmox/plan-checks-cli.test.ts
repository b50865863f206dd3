/**
 * Plan-time live checks as a user meets them (issue 14, item 3): `hl plan` against the
 * embedded PVE emulator refuses a container on a storage or bridge its node does not have,
 * exit 1, each message located at the attribute's line; nothing is created. Needs `npm run build`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const config = (storage: string, bridge: string): string => `providers:
  proxmox: { emulated: true }
resources:
  proxmox_lxc.web:
    node: pve
    hostname: web
    ostemplate: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
    memory: 256
    rootfs: { storage: ${storage}, size: 4G }
    networks:
      net0: { bridge: ${bridge}, ip: dhcp }
`;

describe('hl plan: live checks of the target node', () => {
  it('refuses a container on a missing storage and a missing bridge, located at each attribute; a valid one plans', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-plan-checks-'));
    writeFileSync(join(dir, 'homelab.yaml'), config('fast-ssd', 'vmbr9'));
    const plan = await runHl(['plan', '--no-color'], { cwd: dir });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('proxmox_lxc.web: storage "fast-ssd" does not exist on node pve (its storages: local, local-lvm)');
    expect(plan.stderr).toMatch(/homelab\.yaml:9:\d+/);
    expect(plan.stderr).toContain('proxmox_lxc.web: bridge "vmbr9" does not exist on node pve (its bridges: vmbr0, vmbr1)');
    expect(plan.stderr).toMatch(/homelab\.yaml:11:\d+/);
    expect(plan.stderr).not.toMatch(/\n\s+at \S+ \(.*:\d+:\d+\)/); // no stack trace

    writeFileSync(join(dir, 'homelab.yaml'), config('local-lvm', 'vmbr0'));
    const ok = await runHl(['plan', '--no-color', '--detailed-exitcode'], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(2);
    expect(ok.stdout).toContain('proxmox_lxc.web will be created');
  }, 60_000);
});
