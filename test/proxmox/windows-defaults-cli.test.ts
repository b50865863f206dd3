/**
 * Issue 16 as a user meets it: against an emulator playing PVE 8.4 and 9.1, `hl apply` of a
 * Windows VM (machine q35, which PVE pins to a version) whose config writes defaults out, then
 * explicit defaults and a lowercase MAC set on the server behind hl's back, and
 * `hl plan --detailed-exitcode` exits 0 each time. Needs `npm run build`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET, startProxmoxEmulator } from '../../providers/pve/emulator/start-emulator.js';
import { runHl } from '../support/run-hl.js';
import { clientFor } from '../proxmox-emulator/support/emulator-fixture.js';

const config = (url: string): string => `providers:
  proxmox: { endpoint: "${url}", token_id: "${DEFAULT_TOKEN_ID}", token_secret: "${DEFAULT_TOKEN_SECRET}" }
resources:
  proxmox_vm.win:
    node: pve
    vmid: 170
    name: win-1
    ostype: win11
    machine: q35
    bios: ovmf
    memory: 4096
    disks:
      scsi0: { storage: local-lvm, size: 32G, backup: true, iothread: false, ssd: false, discard: false }
    networks:
      net0: { bridge: vmbr0, firewall: false, link_down: false }
`;

describe.each(['8.4', '9.1'] as const)('hl against PVE %s: a Windows VM with written-out defaults', (pveVersion) => {
  it('applies, then plans no change, also after explicit defaults and a lowercase MAC are set behind its back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-win-defaults-'));
    const emu = await startProxmoxEmulator({ port: 0, taskDurationMs: 20, pveVersion, worldFile: join(dir, 'world.json') });
    try {
      writeFileSync(join(dir, 'homelab.yaml'), config(emu.url));
      const apply = await runHl(['apply', '--auto-approve', '--no-color'], { cwd: dir });
      expect(apply.code, apply.stderr).toBe(0);
      const api = clientFor(emu);
      const live = (await api.nodes.$('pve').qemu.$(170).config.$get()) as Record<string, string>;
      expect(live.machine).toBe(pveVersion === '8.4' ? 'pc-q35-9.2+pve1' : 'pc-q35-10.1');
      const first = await runHl(['plan', '--no-color', '--detailed-exitcode'], { cwd: dir });
      expect(first.code, first.stdout + first.stderr).toBe(0);

      const mac = /=([0-9A-F:]{17})/.exec(live.net0!)![1]!.toLowerCase();
      const volume = live.scsi0!.split(',')[0];
      await api.nodes.$('pve').qemu.$(170).config.$put({
        scsi0: `${volume},backup=1,cache=none,discard=ignore,iothread=0,size=32G,ssd=0`,
        net0: `virtio=${mac},bridge=vmbr0,firewall=0,link_down=0`,
      });
      const second = await runHl(['plan', '--no-color', '--detailed-exitcode'], { cwd: dir });
      expect(second.code, second.stdout + second.stderr).toBe(0);
    } finally {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
