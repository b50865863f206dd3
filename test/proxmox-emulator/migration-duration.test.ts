/**
 * How long an emulated migration takes (guest-migration.ts migrationDurationMs): the local
 * volumes, and a live VM's RAM, copied at the profile's link rate or the request's `bwlimit`,
 * plus a fixed overhead and a container's restart; shared storage copies nothing. And what
 * its log says of its progress (migration-log.ts).
 */
import { describe, expect, it } from 'vitest';
import type { EmulatorCore } from '../../providers/pve/emulator/emulator-core.js';
import { migrationDurationMs, type MigrationJob } from '../../providers/pve/emulator/guest-migration.js';
import { liveMigrationProgress, renderBytes, renderDuration } from '../../providers/pve/emulator/migration-log.js';
import { pveProfile } from '../../providers/pve/emulator/pve-profile.js';

const GiB = 1024 ** 3;
const emu = { profile: pveProfile('9.1') } as EmulatorCore;
const job = (over: Partial<MigrationJob>): MigrationJob => ({
  type: 'qemu',
  vmid: 101,
  source: 'pve',
  target: 'pumped-piglet',
  copies: [],
  shared: [],
  mode: 'offline',
  ...over,
});
const disk32 = { volid: 'local-lvm:vm-101-disk-0', targetStorage: 'local-zfs', sizeBytes: 32 * GiB };

describe('Proxmox emulator: migration duration', () => {
  it('copies local disks at about 110 MB/s after a fixed overhead', () => {
    // 32 GiB over a 1 Gbit/s link: a little over five minutes
    expect(migrationDurationMs(emu, job({ copies: [disk32] }))).toBeCloseTo(4000 + ((32 * GiB) / 110e6) * 1000, 3);
    expect(migrationDurationMs(emu, job({ copies: [disk32] })) / 60_000).toBeGreaterThan(5);
  });

  it('copies nothing from shared storage: only the overhead', () => {
    expect(migrationDurationMs(emu, job({ shared: ['ceph-vm:vm-101-disk-0'] }))).toBe(4000);
  });

  it("adds a live VM's RAM and a container's restart", () => {
    expect(migrationDurationMs(emu, job({ mode: 'online', ramBytes: 2 * GiB }))).toBeCloseTo(4000 + ((2 * GiB) / 110e6) * 1000, 3);
    expect(migrationDurationMs(emu, job({ type: 'lxc', mode: 'restart' }))).toBe(4000 + 6000);
  });

  it('copies no faster than bwlimit (KiB/s); 0 is no limit', () => {
    expect(migrationDurationMs(emu, job({ copies: [disk32], bwlimitKiBps: 10 * 1024 }))).toBeCloseTo(4000 + ((32 * GiB) / (10 * 1024 * 1024)) * 1000, 3);
    expect(migrationDurationMs(emu, job({ copies: [disk32], bwlimitKiBps: 0 }))).toBe(migrationDurationMs(emu, job({ copies: [disk32] })));
  });

  it('logs a live migration: its mirrored disks, then its RAM, as qemu-server does', () => {
    const live = job({ mode: 'online', copies: [{ ...disk32, drive: 'scsi0' }], ramBytes: 4 * GiB });
    expect(liveMigrationProgress(emu, live, 0.5)).toEqual({
      phase: 'mirror',
      lines: [`drive-scsi0: transferred 18.0 GiB of 32.0 GiB (56.25%) in ${renderDuration((0.5 * migrationDurationMs(emu, live)) / 1000)}`],
    });
    expect(liveMigrationProgress(emu, live, 0.95).lines).toEqual(['migration active, transferred 2.2 GiB of 4.0 GiB VM-state, 104.9 MiB/s']);
    // offline copies (a cloud-init disk) go first, silently
    const ci = job({ mode: 'online', copies: [{ volid: 'local-lvm:vm-101-cloudinit', targetStorage: 'local-zfs', sizeBytes: 4 * GiB }] });
    expect(liveMigrationProgress(emu, ci, 0.5)).toEqual({ phase: 'copy', lines: [] });
  });

  it('renders bytes and durations as pve-common Format.pm does', () => {
    expect(renderBytes(32 * GiB, 1)).toBe('32.0 GiB');
    expect(renderBytes(1720.32 * 1024 ** 2)).toBe('1.68 GiB');
    expect(renderBytes(512, 1)).toBe('512.0 B');
    expect(renderDuration(0)).toBe('0s');
    expect(renderDuration(316.4)).toBe('5m 16s');
    expect(renderDuration(3723)).toBe('1h 2m 3s');
  });
});
