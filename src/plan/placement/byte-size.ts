/** Memory sizes and shares as the plan prints them: `7.7 GiB`, `512 MiB`, `9.8 %`. */

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A size in GiB with one decimal (whole GiB without one), below 1 GiB in MiB. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const b = Math.abs(bytes);
  if (b >= GiB) {
    const g = b / GiB;
    return `${sign}${Number.isInteger(g) ? g : g.toFixed(1)} GiB`;
  }
  return `${sign}${Math.round(b / MiB)} MiB`;
}

/** A share 0..1 as a percentage with one decimal: `9.8 %`. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
