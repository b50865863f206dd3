/**
 * A migration task's log as PVE writes it: pve-guest-common `src/PVE/AbstractMigrate.pm`
 * (`YYYY-MM-DD HH:MM:SS msg`, `... ERROR: msg`, the `HH:MM:SS` duration), pve-common
 * `src/PVE/Format.pm` (render_bytes, render_duration), and the progress of a live VM
 * migration (qemu-server `src/PVE/QemuServer/BlockJob.pm`, `src/PVE/QemuMigrate.pm` phase2).
 */
import type { EmulatorCore } from './emulator-core.js';
import { migrationDurationMs, type MigrationJob } from './guest-migration.js';

/** pve-common `src/PVE/Format.pm` render_bytes: `32.0 GiB` at precision 1, `1.68 GiB` at 2. */
export function renderBytes(n: number, precision = 2): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  const unit = n > 1023 ? Math.min(units.length - 1, Math.floor(Math.log(n) / Math.log(1024))) : 0;
  return `${(n / 1024 ** unit).toFixed(precision)} ${units[unit]}`;
}

/** pve-common `src/PVE/Format.pm` render_duration: `0s`, `45s`, `5m 16s`, `1h 2m 3s`. */
export function renderDuration(seconds: number): string {
  let rest = Math.round(seconds);
  if (!rest) return '0s';
  const parts: string[] = [];
  for (const [unit, len] of [
    ['w', 604800],
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const v = Math.floor(rest / len);
    if (v > 0) {
      parts.push(`${v}${unit}`);
      rest -= v * len;
    }
  }
  return parts.join(' ');
}

/** A task log writer with AbstractMigrate's `log`: each line `YYYY-MM-DD HH:MM:SS msg`, errors `... ERROR: msg`. */
export type MigrationLog = (msg: string, level?: 'info' | 'warn' | 'err') => void;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `strftime("%F %H:%M:%S", localtime)` of an epoch ms. */
export function logTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** AbstractMigrate's msg2text: every line of `msg` timestamped, `ERROR:` for errors. */
export function migrationLogger(emu: EmulatorCore, log: (line: string) => void): MigrationLog {
  return (msg, level = 'info') => {
    const prefix = `${logTimestamp(emu.now())}${level === 'err' ? ' ERROR:' : ''}`;
    for (const line of msg.replace(/\n+$/, '').split('\n')) if (line !== '') log(`${prefix} ${line}`);
  };
}

/** `HH:MM:SS` of a duration in ms (AbstractMigrate migrate's summary). */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

/**
 * The progress lines a live VM migration logs `fraction` of the way through its modelled
 * time: offline copies first (silent), then each mirrored drive (qemu-server
 * `src/PVE/QemuServer/BlockJob.pm`: `drive-scsi0: transferred 3.2 GiB of 32.0 GiB (10.00%) in
 * 30s`, until all are ready), then the RAM (`src/PVE/QemuMigrate.pm` phase2: `migration active,
 * transferred 1.1 GiB of 1.7 GiB VM-state, 104.9 MiB/s`).
 */
export function liveMigrationProgress(
  emu: EmulatorCore,
  job: MigrationJob,
  fraction: number,
): { phase: 'copy' | 'mirror' | 'ram'; lines: string[] } {
  const offline = job.copies.filter((c) => !c.drive).reduce((sum, c) => sum + c.sizeBytes, 0);
  const mirrored = job.copies.filter((c) => c.drive);
  const mirrorBytes = mirrored.reduce((sum, c) => sum + c.sizeBytes, 0);
  const ram = job.ramBytes ?? 0;
  const position = fraction * (offline + mirrorBytes + ram);
  const elapsed = renderDuration((fraction * migrationDurationMs(emu, job)) / 1000);
  if (position <= offline) return { phase: 'copy', lines: [] };
  if (position < offline + mirrorBytes) {
    const f = (position - offline) / mirrorBytes;
    const lines = mirrored.map((c) => {
      const of = `${renderBytes(f * c.sizeBytes, 1)} of ${renderBytes(c.sizeBytes, 1)}`;
      return `drive-${c.drive}: transferred ${of} (${(f * 100).toFixed(2)}%) in ${elapsed}`;
    });
    return { phase: 'mirror', lines };
  }
  const rate = Math.min(emu.profile.migrationBytesPerSecond, job.bwlimitKiBps ? job.bwlimitKiBps * 1024 : Number.POSITIVE_INFINITY);
  const done = Math.min(ram, position - offline - mirrorBytes);
  const line = `migration active, transferred ${renderBytes(done, 1)} of ${renderBytes(ram, 1)} VM-state, ${renderBytes(rate, 1)}/s`;
  return { phase: 'ram', lines: ram > 0 ? [line] : [] };
}

/**
 * The lines of a live migration's switch from its disks to its RAM (qemu-server
 * `src/PVE/QemuServer/BlockJob.pm` "all 'mirror' jobs are ready", `src/PVE/QemuMigrate.pm`
 * phase2 "starting online/live migration on unix:/run/qemu-server/<vmid>.migrate").
 */
export function liveMigrationRamStart(job: MigrationJob): string[] {
  const lines = job.copies.some((c) => c.drive) ? ["all 'mirror' jobs are ready"] : [];
  return [...lines, `starting online/live migration on unix:/run/qemu-server/${job.vmid}.migrate`, 'set migration capabilities'];
}
