/**
 * Disk sizes with Oxide's rules: a whole number of GiB, at least 1 GiB, at most 1023 GiB
 * (distributed disks), and a multiple of the block size. Sizes are written as PVE writes them
 * (`20G`); anything tryParseSize reads is accepted in config and made canonical. Pure.
 */
import { formatSize, tryParseSize } from '../../pve/property-string.js';

export const GiB = 1024 ** 3;
export const MIN_DISK_BYTES = GiB;
export const MAX_DISK_BYTES = 1023 * GiB;

export function parseDiskSize(text: string): number | undefined {
  return tryParseSize(text);
}

/** `21474836480` → `20G` (whole GiB), else PVE's own form (`3584M`). */
export function formatDiskSize(bytes: number): string {
  return bytes % GiB === 0 && bytes > 0 ? `${bytes / GiB}G` : formatSize(bytes);
}

/** Oxide's size rules; the problems found (empty: fine). */
export function diskSizeProblems(bytes: number, blockSize: number): string[] {
  const out: string[] = [];
  const shown = formatDiskSize(bytes);
  if (bytes < MIN_DISK_BYTES) out.push(`size ${shown} is below Oxide's minimum of 1 GiB`);
  else if (bytes % GiB !== 0) out.push(`size ${shown} is not a whole number of GiB: Oxide disks come in 1 GiB steps`);
  if (bytes > MAX_DISK_BYTES) out.push(`size ${shown} is above Oxide's maximum of 1023 GiB for a distributed disk`);
  if (bytes % blockSize !== 0) out.push(`size ${shown} is not a multiple of the block size ${blockSize}`);
  return out;
}
